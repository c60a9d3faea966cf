using System.Globalization;
using System.Text.Json;
using global::Azure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace Ledger.Azure.Tables;

/// <summary>
/// The Table REST protocol: one request builder and one method per call; each method switches on the statuses the
/// call expects and throws <see cref="RequestFailedException"/> (with the storage error code) otherwise.
/// </summary>
internal sealed class TableRestClient(HttpPipeline pipeline, Uri endpoint, string version)
{
    private const string MinimalMetadata = "application/json;odata=minimalmetadata";
    private static readonly RequestMethod Merge = RequestMethod.Parse("MERGE");
    private static readonly ResponseClassifier NotFoundIsExpected = new StatusCodeClassifier([200, 204, 404]);
    private static readonly ResponseClassifier ConflictIsExpected = new StatusCodeClassifier([201, 204, 409]);

    public HttpPipeline Pipeline { get; } = pipeline;

    public Uri Endpoint { get; } = endpoint;

    // ---- tables -------------------------------------------------------------------------------------------

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
            request.Uri.AppendQuery("$top", top.Value.ToString(CultureInfo.InvariantCulture));
        }
        if (nextTableName is not null)
        {
            request.Uri.AppendQuery("NextTableName", nextTableName);
        }
        SetCommonHeaders(request, "application/json;odata=nometadata");
    }

    /// <summary>One page of table names and the continuation (x-ms-continuation-NextTableName) to the next page.</summary>
    public async Task<(IReadOnlyList<string> Names, string? NextTableName, Response Response)> QueryTablesAsync(
        string? filter, int? top, string? nextTableName, CancellationToken cancellationToken)
    {
        using var message = Pipeline.CreateMessage();
        BuildQueryTablesRequest(message.Request, filter, top, nextTableName);
        await Pipeline.SendAsync(message, cancellationToken);
        if (message.Response.Status != 200)
        {
            throw new RequestFailedException(message.Response);
        }
        var names = new List<string>();
        using (var document = JsonDocument.Parse(message.Response.Content.ToMemory()))
        {
            foreach (var item in document.RootElement.GetProperty("value").EnumerateArray())
            {
                names.Add(item.GetProperty("TableName").GetString()!);
            }
        }
        var next = message.Response.Headers.TryGetValue("x-ms-continuation-NextTableName", out var token) && !string.IsNullOrEmpty(token) ? token : null;
        return (names, next, message.Response);
    }

    public HttpMessage CreateCreateTableRequest(string table)
    {
        var message = Pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(Endpoint);
        request.Uri.AppendPath("/Tables", escape: false);
        SetCommonHeaders(request, "application/json;odata=nometadata");
        request.Headers.SetValue("Prefer", "return-no-content");
        SetJsonContent(request, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = table }));
        return message;
    }

    /// <summary>Creates a table; <paramref name="allowExisting"/> turns 409 TableAlreadyExists into a result.</summary>
    public async Task<Response> CreateTableAsync(string table, bool allowExisting, CancellationToken cancellationToken)
    {
        using var message = CreateCreateTableRequest(table);
        if (allowExisting)
        {
            message.ResponseClassifier = ConflictIsExpected;
        }
        await Pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status switch
        {
            201 or 204 => message.Response,
            409 when allowExisting && ErrorCodeOf(message.Response) == "TableAlreadyExists" => message.Response,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    public HttpMessage CreateDeleteTableRequest(string table)
    {
        var message = Pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Delete;
        request.Uri.Reset(Endpoint);
        request.Uri.AppendPath($"/Tables('{table}')", escape: false);
        SetCommonHeaders(request);
        return message;
    }

    /// <summary>Deletes a table; 404 is a result (already gone).</summary>
    public async Task<Response> DeleteTableAsync(string table, CancellationToken cancellationToken)
    {
        using var message = CreateDeleteTableRequest(table);
        message.ResponseClassifier = NotFoundIsExpected;
        await Pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status switch
        {
            204 or 404 => message.Response,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    // ---- entities -----------------------------------------------------------------------------------------

    public HttpMessage CreateInsertEntityRequest(string table, byte[] entityJson)
    {
        var message = Pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(Endpoint);
        request.Uri.AppendPath("/" + table, escape: false);
        SetCommonHeaders(request);
        request.Headers.SetValue("Prefer", "return-no-content");
        SetJsonContent(request, entityJson);
        return message;
    }

    public async Task<Response> InsertEntityAsync(string table, byte[] entityJson, CancellationToken cancellationToken)
    {
        using var message = CreateInsertEntityRequest(table, entityJson);
        await Pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status switch
        {
            201 or 204 => message.Response,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>PUT (replace) or MERGE; without <paramref name="ifMatch"/> it is an upsert.</summary>
    public HttpMessage CreateUpdateEntityRequest(string table, string partitionKey, string rowKey, byte[] entityJson, ETag? ifMatch, bool merge)
    {
        var message = Pipeline.CreateMessage();
        var request = message.Request;
        request.Method = merge ? Merge : RequestMethod.Put;
        request.Uri.Reset(Endpoint);
        request.Uri.AppendPath(EntityPath(table, partitionKey, rowKey), escape: false);
        SetCommonHeaders(request);
        if (ifMatch is { } etag)
        {
            request.Headers.SetValue("If-Match", etag.ToString());
        }
        SetJsonContent(request, entityJson);
        return message;
    }

    public async Task<Response> UpdateEntityAsync(string table, string partitionKey, string rowKey, byte[] entityJson, ETag? ifMatch, bool merge, CancellationToken cancellationToken)
    {
        using var message = CreateUpdateEntityRequest(table, partitionKey, rowKey, entityJson, ifMatch, merge);
        await Pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status switch
        {
            204 => message.Response,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    public HttpMessage CreateDeleteEntityRequest(string table, string partitionKey, string rowKey, ETag ifMatch)
    {
        var message = Pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Delete;
        request.Uri.Reset(Endpoint);
        request.Uri.AppendPath(EntityPath(table, partitionKey, rowKey), escape: false);
        SetCommonHeaders(request);
        request.Headers.SetValue("If-Match", ifMatch.ToString());
        return message;
    }

    /// <summary>Deletes an entity; 404 is a result (already gone). A stale ETag (412) throws.</summary>
    public async Task<Response> DeleteEntityAsync(string table, string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken)
    {
        using var message = CreateDeleteEntityRequest(table, partitionKey, rowKey, ifMatch);
        message.ResponseClassifier = NotFoundIsExpected;
        await Pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status switch
        {
            204 or 404 => message.Response,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    public HttpMessage CreateGetEntityRequest(string table, string partitionKey, string rowKey, string? select)
    {
        var message = Pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Get;
        request.Uri.Reset(Endpoint);
        request.Uri.AppendPath(EntityPath(table, partitionKey, rowKey), escape: false);
        if (select is not null)
        {
            request.Uri.AppendQuery("$select", select);
        }
        SetCommonHeaders(request);
        return message;
    }

    /// <summary>Reads one entity; the value is null on 404 when <paramref name="allowMissing"/>.</summary>
    public async Task<(TableEntity? Entity, Response Response)> GetEntityAsync(string table, string partitionKey, string rowKey, string? select, bool allowMissing, CancellationToken cancellationToken)
    {
        using var message = CreateGetEntityRequest(table, partitionKey, rowKey, select);
        if (allowMissing)
        {
            message.ResponseClassifier = NotFoundIsExpected;
        }
        await Pipeline.SendAsync(message, cancellationToken);
        switch (message.Response.Status)
        {
            case 200:
                using (var document = JsonDocument.Parse(message.Response.Content.ToMemory()))
                {
                    return (TableEntityJson.Read(document.RootElement, message.Response.Headers.ETag), message.Response);
                }
            case 404 when allowMissing:
                return (null, message.Response);
            default:
                throw new RequestFailedException(message.Response);
        }
    }

    public HttpMessage CreateQueryEntitiesRequest(string table, string? filter, string? select, int? top, TableContinuation? continuation)
    {
        var message = Pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Get;
        request.Uri.Reset(Endpoint);
        request.Uri.AppendPath("/" + table + "()", escape: false);
        if (filter is not null)
        {
            request.Uri.AppendQuery("$filter", filter);
        }
        if (select is not null)
        {
            request.Uri.AppendQuery("$select", select);
        }
        if (top is not null)
        {
            request.Uri.AppendQuery("$top", top.Value.ToString(CultureInfo.InvariantCulture));
        }
        if (continuation is { } next)
        {
            request.Uri.AppendQuery("NextPartitionKey", next.NextPartitionKey);
            if (next.NextRowKey is not null)
            {
                request.Uri.AppendQuery("NextRowKey", next.NextRowKey);
            }
        }
        SetCommonHeaders(request);
        return message;
    }

    /// <summary>One page of a query and the continuation to the next page (null when done).</summary>
    public async Task<(IReadOnlyList<TableEntity> Entities, TableContinuation? Next, Response Response)> QueryEntitiesAsync(
        string table, string? filter, string? select, int? top, TableContinuation? continuation, CancellationToken cancellationToken)
    {
        using var message = CreateQueryEntitiesRequest(table, filter, select, top, continuation);
        await Pipeline.SendAsync(message, cancellationToken);
        if (message.Response.Status != 200)
        {
            throw new RequestFailedException(message.Response);
        }
        var entities = new List<TableEntity>();
        using (var document = JsonDocument.Parse(message.Response.Content.ToMemory()))
        {
            foreach (var item in document.RootElement.GetProperty("value").EnumerateArray())
            {
                entities.Add(TableEntityJson.Read(item));
            }
        }
        var headers = message.Response.Headers;
        TableContinuation? next = headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var nextPartitionKey) && !string.IsNullOrEmpty(nextPartitionKey)
            ? new TableContinuation(nextPartitionKey, headers.TryGetValue("x-ms-continuation-NextRowKey", out var nextRowKey) && !string.IsNullOrEmpty(nextRowKey) ? nextRowKey : null)
            : null;
        return (entities, next, message.Response);
    }

    // ---- batch ---------------------------------------------------------------------------------------------

    public HttpMessage CreateBatchRequest(byte[] body, string batchBoundary)
    {
        var message = Pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(Endpoint);
        request.Uri.AppendPath("/$batch", escape: false);
        SetCommonHeaders(request, "application/json;odata=nometadata");
        request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        request.Headers.SetValue("Content-Type", "multipart/mixed; boundary=" + batchBoundary);
        request.Content = RequestContent.Create(body);
        return message;
    }

    /// <summary>Sends a change set; the outer 202 is returned with its body for the caller to parse per operation.</summary>
    public async Task<(string ContentType, byte[] Body, Response Response)> SendBatchAsync(byte[] body, string batchBoundary, CancellationToken cancellationToken)
    {
        using var message = CreateBatchRequest(body, batchBoundary);
        await Pipeline.SendAsync(message, cancellationToken);
        if (message.Response.Status != 202)
        {
            throw new RequestFailedException(message.Response);
        }
        message.Response.Headers.TryGetValue("Content-Type", out var contentType);
        return (contentType ?? string.Empty, message.Response.Content.ToArray(), message.Response);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /// <summary><c>/table(PartitionKey='..',RowKey='..')</c> with quotes doubled and values percent-encoded.</summary>
    internal static string EntityPath(string table, string partitionKey, string rowKey) =>
        $"/{table}(PartitionKey='{EscapeKey(partitionKey)}',RowKey='{EscapeKey(rowKey)}')";

    internal static string EscapeKey(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));

    private void SetCommonHeaders(Request request, string accept = MinimalMetadata)
    {
        request.Headers.SetValue("x-ms-version", version);
        request.Headers.SetValue("DataServiceVersion", "3.0");
        request.Headers.SetValue("Accept", accept);
    }

    private static void SetJsonContent(Request request, byte[] json)
    {
        request.Headers.SetValue("Content-Type", "application/json");
        request.Content = RequestContent.Create(json);
    }

    private static string? ErrorCodeOf(Response response) => new RequestFailedException(response).ErrorCode;
}

/// <summary>The opaque continuation of a Table query (never parse the values; Azure and Azurite differ).</summary>
internal readonly record struct TableContinuation(string NextPartitionKey, string? NextRowKey)
{
    // A single string for Page<T>.ContinuationToken. Tokens are URL-safe on both Azure and Azurite, so a space separates them.
    public override string ToString() => NextRowKey is null ? NextPartitionKey : NextPartitionKey + " " + NextRowKey;

    public static TableContinuation? Parse(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        var space = token.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? new TableContinuation(token, null) : new TableContinuation(token[..space], token[(space + 1)..]);
    }
}
