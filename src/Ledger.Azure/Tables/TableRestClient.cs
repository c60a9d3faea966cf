using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace Ledger.Azure.Tables;

/// <summary>
/// The Table REST protocol: one request builder and one method per call; each method switches on the statuses the
/// call expects and throws <see cref="global::Azure.RequestFailedException"/> (with the storage error code) otherwise.
/// </summary>
internal sealed partial class TableRestClient(HttpPipeline pipeline, Uri endpoint, string version)
{
    public HttpPipeline Pipeline { get; } = pipeline;

    public Uri Endpoint { get; } = endpoint;

    private void SetCommonHeaders(Request request, string accept = "application/json;odata=minimalmetadata")
    {
        request.Headers.SetValue("x-ms-version", version);
        request.Headers.SetValue("DataServiceVersion", "3.0");
        request.Headers.SetValue("Accept", accept);
    }

    public void BuildQueryTablesRequest(Request request, string? filter, int? top, string? nextTableName)
    {
        request.Method = RequestMethod.Get;
        request.Uri.Reset(Endpoint);
        request.Uri.AppendPath("/Tables", escape: false);
        if (filter is not null)
        {
            request.Uri.AppendQuery("$filter", filter);
        }
        if (top is not null)
        {
            request.Uri.AppendQuery("$top", top.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (nextTableName is not null)
        {
            request.Uri.AppendQuery("NextTableName", nextTableName);
        }
        SetCommonHeaders(request, "application/json;odata=nometadata");
    }
}
