using System.Globalization;
using System.Text;
using System.Xml.Linq;
using global::Azure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace Ledger.Azure.Blobs;

/// <summary>
/// The Blob REST protocol: request builders and one method per call; each method switches on the statuses the
/// call expects and throws <see cref="RequestFailedException"/> (with the storage error code) otherwise.
/// </summary>
internal sealed class BlobRestClient(HttpPipeline pipeline, Uri endpoint, string version)
{
    private static readonly ResponseClassifier ConflictIsExpected = new StatusCodeClassifier([201, 409]);
    private static readonly ResponseClassifier NotFoundIsExpected = new StatusCodeClassifier([200, 202, 404]);

    public HttpPipeline Pipeline { get; } = pipeline;

    public Uri Endpoint { get; } = endpoint;

    // ---- service -------------------------------------------------------------------------------------------

    public void BuildListContainersRequest(Request request, int maxResults)
    {
        request.Method = RequestMethod.Get;
        request.Uri.Reset(Endpoint);
        request.Uri.AppendPath("/", escape: false);
        request.Uri.AppendQuery("comp", "list");
        request.Uri.AppendQuery("maxresults", maxResults.ToString(CultureInfo.InvariantCulture));
        request.Headers.SetValue("x-ms-version", version);
    }

    // ---- containers ----------------------------------------------------------------------------------------

    public HttpMessage CreateContainerRequest(string container, RequestMethod method)
    {
        var message = NewMessage(method, container, blob: null);
        message.Request.Uri.AppendQuery("restype", "container");
        return message;
    }

    /// <summary>Creates a container; <paramref name="allowExisting"/> turns 409 ContainerAlreadyExists into a result.</summary>
    public async Task<Response> CreateContainerAsync(string container, bool allowExisting, CancellationToken cancellationToken)
    {
        using var message = CreateContainerRequest(container, RequestMethod.Put);
        if (allowExisting)
        {
            message.ResponseClassifier = ConflictIsExpected;
        }
        await Pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status switch
        {
            201 => message.Response,
            409 when allowExisting && ErrorCodeOf(message.Response) == "ContainerAlreadyExists" => message.Response,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>Deletes a container; 404 is a result when <paramref name="allowMissing"/>.</summary>
    public async Task<Response> DeleteContainerAsync(string container, bool allowMissing, CancellationToken cancellationToken)
    {
        using var message = CreateContainerRequest(container, RequestMethod.Delete);
        if (allowMissing)
        {
            message.ResponseClassifier = NotFoundIsExpected;
        }
        await Pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status switch
        {
            202 => message.Response,
            404 when allowMissing => message.Response,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    public HttpMessage CreateListBlobsRequest(string container, string? prefix, string? delimiter, int? maxResults, string? marker)
    {
        var message = NewMessage(RequestMethod.Get, container, blob: null);
        var uri = message.Request.Uri;
        uri.AppendQuery("restype", "container");
        uri.AppendQuery("comp", "list");
        if (!string.IsNullOrEmpty(prefix))
        {
            uri.AppendQuery("prefix", prefix);
        }
        if (!string.IsNullOrEmpty(delimiter))
        {
            uri.AppendQuery("delimiter", delimiter);
        }
        if (maxResults is not null)
        {
            uri.AppendQuery("maxresults", maxResults.Value.ToString(CultureInfo.InvariantCulture));
        }
        if (!string.IsNullOrEmpty(marker))
        {
            uri.AppendQuery("marker", marker);
        }
        return message;
    }

    /// <summary>One listing page and the marker of the next page (null when done).</summary>
    public async Task<(IReadOnlyList<BlobItem> Items, string? NextMarker, Response Response)> ListBlobsAsync(
        string container, string? prefix, string? delimiter, int? maxResults, string? marker, CancellationToken cancellationToken)
    {
        using var message = CreateListBlobsRequest(container, prefix, delimiter, maxResults, marker);
        await Pipeline.SendAsync(message, cancellationToken);
        if (message.Response.Status != 200)
        {
            throw new RequestFailedException(message.Response);
        }
        var (items, next) = ParseBlobList(message.Response.Content.ToString());
        return (items, next, message.Response);
    }

    internal static (IReadOnlyList<BlobItem> Items, string? NextMarker) ParseBlobList(string xml)
    {
        var root = XDocument.Parse(xml).Root ?? throw new FormatException("Empty blob listing.");
        var items = new List<BlobItem>();
        foreach (var element in root.Element("Blobs")?.Elements() ?? [])
        {
            var name = element.Element("Name")?.Value ?? throw new FormatException("A listed blob has no name.");
            if (element.Name.LocalName == "BlobPrefix")
            {
                items.Add(new BlobItem(name, true, null, null, null, null));
                continue;
            }
            var properties = element.Element("Properties");
            items.Add(new BlobItem(
                name,
                false,
                long.TryParse(properties?.Element("Content-Length")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : null,
                properties?.Element("Etag")?.Value is { } etag ? UnquotedETag(etag) : null,
                properties?.Element("Last-Modified")?.Value is { } modified ? DateTimeOffset.Parse(modified, CultureInfo.InvariantCulture) : null,
                properties?.Element("BlobType")?.Value is { } type ? ParseBlobType(type) : null));
        }
        // Azure interleaves blobs and prefixes in name order; Azurite lists prefixes first. Keep one order for both.
        items.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var nextMarker = root.Element("NextMarker")?.Value;
        return (items, string.IsNullOrEmpty(nextMarker) ? null : nextMarker);
    }

    // ---- blobs ---------------------------------------------------------------------------------------------

    public HttpMessage CreatePutBlobRequest(string container, string blob, BlobType type, BinaryData? content, string? contentType,
        IDictionary<string, string>? metadata, BlobRequestConditions? conditions)
    {
        var message = NewMessage(RequestMethod.Put, container, blob);
        var request = message.Request;
        request.Headers.SetValue("x-ms-blob-type", type == BlobType.Append ? "AppendBlob" : "BlockBlob");
        SetBlobHeaders(request, contentType, metadata);
        SetConditions(request, conditions);
        // Append blobs are created empty; block blobs always carry content (possibly zero bytes).
        if (type == BlobType.Block)
        {
            request.Content = RequestContent.Create(content ?? BinaryData.Empty);
        }
        return message;
    }

    public async Task<Response> PutBlobAsync(string container, string blob, BlobType type, BinaryData? content, string? contentType,
        IDictionary<string, string>? metadata, BlobRequestConditions? conditions, bool allowExisting, CancellationToken cancellationToken)
    {
        using var message = CreatePutBlobRequest(container, blob, type, content, contentType, metadata, conditions);
        if (allowExisting)
        {
            message.ResponseClassifier = ConflictIsExpected;
        }
        await Pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status switch
        {
            201 => message.Response,
            409 when allowExisting && ErrorCodeOf(message.Response) == "BlobAlreadyExists" => message.Response,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    public async Task<Response> PutBlockAsync(string container, string blob, string blockId, BinaryData content, string? leaseId, CancellationToken cancellationToken)
    {
        using var message = NewMessage(RequestMethod.Put, container, blob);
        message.Request.Uri.AppendQuery("comp", "block");
        message.Request.Uri.AppendQuery("blockid", blockId);
        if (leaseId is not null)
        {
            message.Request.Headers.SetValue("x-ms-lease-id", leaseId);
        }
        message.Request.Content = RequestContent.Create(content);
        await Pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status == 201 ? message.Response : throw new RequestFailedException(message.Response);
    }

    public async Task<Response> PutBlockListAsync(string container, string blob, IEnumerable<string> blockIds, string? contentType,
        IDictionary<string, string>? metadata, BlobRequestConditions? conditions, CancellationToken cancellationToken)
    {
        using var message = NewMessage(RequestMethod.Put, container, blob);
        var request = message.Request;
        request.Uri.AppendQuery("comp", "blocklist");
        SetBlobHeaders(request, contentType, metadata);
        SetConditions(request, conditions);
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        foreach (var id in blockIds)
        {
            xml.Append("<Latest>").Append(System.Security.SecurityElement.Escape(id)).Append("</Latest>");
        }
        xml.Append("</BlockList>");
        request.Headers.SetValue("Content-Type", "application/xml");
        request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(xml.ToString()));
        await Pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status == 201 ? message.Response : throw new RequestFailedException(message.Response);
    }

    public async Task<Response> AppendBlockAsync(string container, string blob, BinaryData content, AppendBlobRequestConditions? conditions, CancellationToken cancellationToken)
    {
        using var message = NewMessage(RequestMethod.Put, container, blob);
        var request = message.Request;
        request.Uri.AppendQuery("comp", "appendblock");
        SetConditions(request, conditions);
        if (conditions?.IfAppendPositionEqual is { } position)
        {
            request.Headers.SetValue("x-ms-blob-condition-appendpos", position.ToString(CultureInfo.InvariantCulture));
        }
        if (conditions?.IfMaxSizeLessThanOrEqual is { } maxSize)
        {
            request.Headers.SetValue("x-ms-blob-condition-maxsize", maxSize.ToString(CultureInfo.InvariantCulture));
        }
        request.Content = RequestContent.Create(content);
        await Pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status == 201 ? message.Response : throw new RequestFailedException(message.Response);
    }

    public async Task<(BinaryData Content, Response Response)> GetBlobAsync(string container, string blob, HttpRange range, BlobRequestConditions? conditions, CancellationToken cancellationToken)
    {
        using var message = NewMessage(RequestMethod.Get, container, blob);
        if (range != default)
        {
            message.Request.Headers.SetValue("x-ms-range", range.ToString());
        }
        SetConditions(message.Request, conditions);
        await Pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status is 200 or 206
            ? (message.Response.Content, message.Response)
            : throw new RequestFailedException(message.Response);
    }

    /// <summary>HEAD; 404 is a result (null properties) when <paramref name="allowMissing"/>.</summary>
    public async Task<(BlobProperties? Properties, Response Response)> GetPropertiesAsync(string container, string blob, BlobRequestConditions? conditions, bool allowMissing, CancellationToken cancellationToken)
    {
        using var message = NewMessage(RequestMethod.Head, container, blob);
        SetConditions(message.Request, conditions);
        if (allowMissing)
        {
            message.ResponseClassifier = NotFoundIsExpected;
        }
        await Pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status switch
        {
            200 => (PropertiesOf(message.Response), message.Response),
            404 when allowMissing => (null, message.Response),
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>Deletes a blob; 404 is a result when <paramref name="allowMissing"/>.</summary>
    public async Task<Response> DeleteBlobAsync(string container, string blob, BlobRequestConditions? conditions, bool allowMissing, CancellationToken cancellationToken)
    {
        using var message = NewMessage(RequestMethod.Delete, container, blob);
        SetConditions(message.Request, conditions);
        if (allowMissing)
        {
            message.ResponseClassifier = NotFoundIsExpected;
        }
        await Pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status switch
        {
            202 => message.Response,
            404 when allowMissing => message.Response,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>Any lease action; <paramref name="expectedStatus"/> is 201 (acquire), 202 (break) or 200.</summary>
    public async Task<Response> LeaseAsync(string container, string blob, string action, int expectedStatus, IReadOnlyDictionary<string, string> headers,
        RequestConditions? conditions, CancellationToken cancellationToken)
    {
        using var message = NewMessage(RequestMethod.Put, container, blob);
        message.Request.Uri.AppendQuery("comp", "lease");
        message.Request.Headers.SetValue("x-ms-lease-action", action);
        foreach (var (name, value) in headers)
        {
            message.Request.Headers.SetValue(name, value);
        }
        SetConditions(message.Request, conditions);
        await Pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status == expectedStatus ? message.Response : throw new RequestFailedException(message.Response);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /// <summary>The encoded path of a container or blob: each segment percent-encoded, '/' kept.</summary>
    internal static string ResourcePath(string container, string? blob) =>
        "/" + container + (blob is null ? string.Empty : "/" + string.Join('/', blob.Split('/').Select(Uri.EscapeDataString)));

    internal static BlobProperties PropertiesOf(Response response)
    {
        var headers = response.Headers;
        string? Header(string name) => headers.TryGetValue(name, out var value) ? value : null;
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in headers)
        {
            if (header.Name.StartsWith("x-ms-meta-", StringComparison.OrdinalIgnoreCase))
            {
                metadata[header.Name["x-ms-meta-".Length..]] = header.Value;
            }
        }
        return new BlobProperties(
            headers.ContentLength ?? 0,
            headers.ContentType,
            headers.ETag ?? default,
            LastModifiedOf(response),
            ParseBlobType(Header("x-ms-blob-type") ?? "BlockBlob"),
            Header("x-ms-lease-state") switch
            {
                "leased" => LeaseState.Leased,
                "expired" => LeaseState.Expired,
                "breaking" => LeaseState.Breaking,
                "broken" => LeaseState.Broken,
                _ => LeaseState.Available,
            },
            Header("x-ms-lease-status") == "locked" ? LeaseStatus.Locked : LeaseStatus.Unlocked,
            Header("x-ms-lease-duration") switch
            {
                "infinite" => LeaseDurationType.Infinite,
                "fixed" => LeaseDurationType.Fixed,
                _ => null,
            },
            metadata);
    }

    internal static DateTimeOffset LastModifiedOf(Response response) =>
        response.Headers.TryGetValue("Last-Modified", out var value)
            ? DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : default;

    // Azure.Core keeps a strong ETag header without its quotes; strip them here too (if present) so both compare equal.
    private static ETag UnquotedETag(string value) =>
        new(value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value);

    private static BlobType ParseBlobType(string value) => value switch
    {
        "AppendBlob" => BlobType.Append,
        "PageBlob" => BlobType.Page,
        _ => BlobType.Block,
    };

    private HttpMessage NewMessage(RequestMethod method, string container, string? blob)
    {
        var message = Pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(Endpoint);
        message.Request.Uri.AppendPath(ResourcePath(container, blob), escape: false);
        message.Request.Headers.SetValue("x-ms-version", version);
        return message;
    }

    // Metadata and the stored content type travel as x-ms-* headers, never as Content-Type on an empty body (spec 3.4 pitfall).
    private static void SetBlobHeaders(Request request, string? contentType, IDictionary<string, string>? metadata)
    {
        if (contentType is not null)
        {
            request.Headers.SetValue("x-ms-blob-content-type", contentType);
        }
        foreach (var (name, value) in metadata ?? new Dictionary<string, string>())
        {
            request.Headers.SetValue("x-ms-meta-" + name, value);
        }
    }

    private static void SetConditions(Request request, RequestConditions? conditions)
    {
        if (conditions is null)
        {
            return;
        }
        if (conditions.IfMatch is { } ifMatch)
        {
            request.Headers.SetValue("If-Match", ifMatch.ToString("H"));
        }
        if (conditions.IfNoneMatch is { } ifNoneMatch)
        {
            request.Headers.SetValue("If-None-Match", ifNoneMatch.ToString("H"));
        }
        if (conditions.IfModifiedSince is { } modifiedSince)
        {
            request.Headers.SetValue("If-Modified-Since", modifiedSince.ToString("r", CultureInfo.InvariantCulture));
        }
        if (conditions.IfUnmodifiedSince is { } unmodifiedSince)
        {
            request.Headers.SetValue("If-Unmodified-Since", unmodifiedSince.ToString("r", CultureInfo.InvariantCulture));
        }
        if (conditions is BlobRequestConditions { LeaseId: { } leaseId })
        {
            request.Headers.SetValue("x-ms-lease-id", leaseId);
        }
    }

    private static string? ErrorCodeOf(Response response) => new RequestFailedException(response).ErrorCode;
}
