using System.Globalization;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace Ledger.Azure.Blobs;

/// <summary>
/// The Blob REST protocol: request builders and one method per call; each method switches on the statuses the
/// call expects and throws <see cref="global::Azure.RequestFailedException"/> (with the storage error code) otherwise.
/// </summary>
internal sealed partial class BlobRestClient(HttpPipeline pipeline, Uri endpoint, string version)
{
    public HttpPipeline Pipeline { get; } = pipeline;

    public Uri Endpoint { get; } = endpoint;

    public void BuildListContainersRequest(Request request, int maxResults)
    {
        request.Method = RequestMethod.Get;
        request.Uri.Reset(Endpoint);
        request.Uri.AppendPath("/", escape: false);
        request.Uri.AppendQuery("comp", "list");
        request.Uri.AppendQuery("maxresults", maxResults.ToString(CultureInfo.InvariantCulture));
        request.Headers.SetValue("x-ms-version", version);
    }
}
