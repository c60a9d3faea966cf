using global::Azure.Core.Pipeline;

namespace Ledger.Azure.Core;

/// <summary>Builds the one pipeline a client (and the clients it hands out) shares.</summary>
internal static class StoragePipeline
{
    /// <summary>The Entra ID scope for both Table and Blob.</summary>
    public const string StorageScope = "https://storage.azure.com/.default";

    public static HttpPipeline Build(StorageClientOptions options, StorageConnection connection, Func<StorageSharedKeyCredential, HttpPipelinePolicy> sharedKeyPolicy)
    {
        HttpPipelinePolicy authentication = connection.SharedKey is { } key
            ? sharedKeyPolicy(key)
            : new BearerTokenAuthenticationPolicy(connection.TokenCredential!, StorageScope);
        var pipelineOptions = new HttpPipelineOptions(options)
        {
            RequestFailedDetailsParser = StorageRequestFailedDetailsParser.Instance,
        };
        pipelineOptions.PerRetryPolicies.Add(authentication);
        return HttpPipelineBuilder.Build(pipelineOptions);
    }
}
