using System.Globalization;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace Ledger.Azure.Core;

/// <summary>
/// Signs Table requests with SharedKeyLite. A per-retry policy, so every attempt gets a fresh x-ms-date and signature.
/// </summary>
internal sealed class TableSharedKeyPolicy(StorageSharedKeyCredential credential) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var date = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture);
        request.Headers.SetValue("x-ms-date", date);
        var stringToSign = SharedKeyStringToSign.ForTableSharedKeyLite(
            credential.AccountName, request.Uri.Path, request.Uri.Query, date);
        request.Headers.SetValue("Authorization",
            $"SharedKeyLite {credential.AccountName}:{credential.ComputeSignature(stringToSign)}");
    }
}

/// <summary>
/// Signs Blob requests with SharedKey (Azurite supports no SharedKeyLite for Blob). A per-retry policy, so it also
/// sees the x-ms-client-request-id header that the pipeline adds before the retry policy.
/// </summary>
internal sealed class BlobSharedKeyPolicy(StorageSharedKeyCredential credential) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        request.Headers.SetValue("x-ms-date", DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture));
        long? contentLength = null;
        if (request.Content is { } content)
        {
            contentLength = content.TryComputeLength(out var length) ? length : 0;
        }
        var headers = request.Headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value));
        var stringToSign = SharedKeyStringToSign.ForBlobSharedKey(
            credential.AccountName, request.Method.Method, request.Uri.Path, request.Uri.Query, headers, contentLength);
        request.Headers.SetValue("Authorization",
            $"SharedKey {credential.AccountName}:{credential.ComputeSignature(stringToSign)}");
    }
}
