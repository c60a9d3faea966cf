using global::Azure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace Ledger.Azure.EventHubs;

/// <summary>
/// The Event Hubs REST send protocol: <c>POST {hub}/messages</c> or <c>POST {hub}/partitions/{id}/messages</c> with a
/// JSON batch body; 201 Created is the only success.
/// </summary>
internal sealed class EventHubsRestClient(HttpPipeline pipeline, Uri hubUri)
{
    public const string ApiVersion = "2014-01";

    /// <summary>Seconds the service may spend on one send before it answers.</summary>
    private const string ServerTimeoutSeconds = "60";

    public HttpPipeline Pipeline { get; } = pipeline;

    public Uri HubUri { get; } = hubUri;

    public HttpMessage CreateSendBatchRequest(byte[] body, string? partitionId)
    {
        var message = Pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(HubUri);
        if (partitionId is not null)
        {
            request.Uri.AppendPath("/partitions/", escape: false);
            request.Uri.AppendPath(partitionId, escape: true);
        }
        request.Uri.AppendPath("/messages", escape: false);
        request.Uri.AppendQuery("timeout", ServerTimeoutSeconds);
        request.Uri.AppendQuery("api-version", ApiVersion);
        request.Headers.SetValue(HttpHeader.Names.ContentType, EventHubsBatchSerializer.BatchContentType);
        request.Content = RequestContent.Create(body);
        return message;
    }

    /// <summary>Sends one batch body; throws <see cref="RequestFailedException"/> unless the service answers 201.</summary>
    public async Task<Response> SendBatchAsync(byte[] body, string? partitionId, CancellationToken cancellationToken)
    {
        using var message = CreateSendBatchRequest(body, partitionId);
        await Pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status switch
        {
            201 => message.Response,
            _ => throw new RequestFailedException(message.Response),
        };
    }
}
