using global::Azure;
using Ledger.Azure.Core;

namespace Ledger.Azure.Tables;

/// <summary>
/// One table: create/delete, entity reads and (conditional) writes, paged queries and entity group transactions.
/// Expected outcomes are results, not exceptions (CreateIfNotExists absorbs 409; deletes accept 404; GetEntityIfExists
/// returns null). Unexpected statuses throw <see cref="RequestFailedException"/> with the storage
/// <see cref="RequestFailedException.ErrorCode"/> (e.g. EntityAlreadyExists, UpdateConditionNotSatisfied).
/// </summary>
public sealed class TableClient
{
    private readonly TableRestClient _rest;

    /// <summary>Creates a client for table <paramref name="tableName"/> with its own pipeline.</summary>
    public TableClient(StorageConnection connection, string tableName, TableClientOptions? options = null)
        : this(new TableServiceClient(connection, options).Rest, tableName)
    {
    }

    internal TableClient(TableRestClient rest, string tableName)
    {
        TableKeys.ValidateTableName(tableName);
        _rest = rest;
        Name = tableName;
    }

    /// <summary>The table name.</summary>
    public string Name { get; }

    /// <summary>Creates the table; throws 409 TableAlreadyExists when it exists.</summary>
    public async Task<Response> CreateAsync(CancellationToken cancellationToken = default) =>
        await _rest.CreateTableAsync(Name, allowExisting: false, cancellationToken);

    /// <summary>Creates the table unless it exists; the value is true when this call created it.</summary>
    public async Task<Response<bool>> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        var response = await _rest.CreateTableAsync(Name, allowExisting: true, cancellationToken);
        return Response.FromValue(response.Status != 409, response);
    }

    /// <summary>Deletes the table; the value is false when it did not exist.</summary>
    public async Task<Response<bool>> DeleteAsync(CancellationToken cancellationToken = default)
    {
        var response = await _rest.DeleteTableAsync(Name, cancellationToken);
        return Response.FromValue(response.Status != 404, response);
    }

    /// <summary>Inserts <paramref name="entity"/>; throws 409 EntityAlreadyExists when present. The value is the new ETag.</summary>
    public async Task<Response<ETag>> AddEntityAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ValidateEntity(entity);
        var response = await _rest.InsertEntityAsync(Name, TableEntityJson.Serialize(entity), cancellationToken);
        return Response.FromValue(ETagOf(response), response);
    }

    /// <summary>Inserts, or merges into / replaces an existing entity. The value is the new ETag.</summary>
    public async Task<Response<ETag>> UpsertEntityAsync(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        ValidateEntity(entity);
        var response = await _rest.UpdateEntityAsync(Name, entity.PartitionKey, entity.RowKey, TableEntityJson.Serialize(entity),
            ifMatch: null, merge: mode == TableUpdateMode.Merge, cancellationToken);
        return Response.FromValue(ETagOf(response), response);
    }

    /// <summary>
    /// Merges into / replaces an existing entity if its ETag equals <paramref name="ifMatch"/> (<see cref="ETag.All"/>:
    /// any). Throws 412 UpdateConditionNotSatisfied on a stale ETag and 404 ResourceNotFound when missing.
    /// </summary>
    public async Task<Response<ETag>> UpdateEntityAsync(TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        ValidateEntity(entity);
        if (ifMatch == default)
        {
            throw new ArgumentException("An update needs an ETag; use ETag.All to update unconditionally.", nameof(ifMatch));
        }
        var response = await _rest.UpdateEntityAsync(Name, entity.PartitionKey, entity.RowKey, TableEntityJson.Serialize(entity),
            ifMatch, merge: mode == TableUpdateMode.Merge, cancellationToken);
        return Response.FromValue(ETagOf(response), response);
    }

    /// <summary>
    /// Deletes an entity if its ETag equals <paramref name="ifMatch"/> (default: any). The value is false when it did
    /// not exist; a stale ETag throws 412 UpdateConditionNotSatisfied.
    /// </summary>
    public async Task<Response<bool>> DeleteEntityAsync(string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default)
    {
        TableKeys.Validate(partitionKey, rowKey);
        var response = await _rest.DeleteEntityAsync(Name, partitionKey, rowKey, ifMatch == default ? ETag.All : ifMatch, cancellationToken);
        return Response.FromValue(response.Status != 404, response);
    }

    /// <summary>Reads an entity; throws 404 ResourceNotFound when missing.</summary>
    public async Task<Response<TableEntity>> GetEntityAsync(string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        TableKeys.Validate(partitionKey, rowKey);
        var (entity, response) = await _rest.GetEntityAsync(Name, partitionKey, rowKey, JoinSelect(select), allowMissing: false, cancellationToken);
        return Response.FromValue(entity!, response);
    }

    /// <summary>Reads an entity; the value is null when it does not exist.</summary>
    public async Task<Response<TableEntity?>> GetEntityIfExistsAsync(string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        TableKeys.Validate(partitionKey, rowKey);
        var (entity, response) = await _rest.GetEntityAsync(Name, partitionKey, rowKey, JoinSelect(select), allowMissing: true, cancellationToken);
        return Response.FromValue(entity, response);
    }

    /// <summary>
    /// Queries entities. <paramref name="filter"/> is an OData filter (build it safely with
    /// <see cref="TableFilter.Create"/>); <paramref name="maxPerPage"/> is sent as $top (at most 1000). Pages follow the
    /// service's continuation headers; a page may be empty while more follow. Each entity carries its ETag.
    /// </summary>
    public AsyncPageable<TableEntity> QueryAsync(string? filter = null, int? maxPerPage = null, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        if (maxPerPage is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPerPage), maxPerPage, "maxPerPage must be 1..1000.");
        }
        var selectText = JoinSelect(select);
        return new TableQueryPageable(this, filter, selectText, maxPerPage, cancellationToken);
    }

    /// <summary>
    /// Submits an entity group transaction: all operations commit, or none. The value has one result per operation.
    /// A rejected transaction throws <see cref="TableTransactionFailedException"/> with the failing operation's index,
    /// status and error code; nothing was written.
    /// </summary>
    public async Task<Response<IReadOnlyList<TableTransactionResult>>> SubmitTransactionAsync(TableTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Count == 0)
        {
            throw new ArgumentException("The transaction has no operations.", nameof(transaction));
        }
        var id = Guid.NewGuid().ToString("D");
        var batchBoundary = "batch_" + id;
        var body = TableBatchMultipart.BuildBody(_rest.Endpoint, Name, transaction.Actions, batchBoundary, "changeset_" + id);
        if (body.Length > TableTransaction.MaxPayloadBytes)
        {
            throw new InvalidOperationException($"The transaction's payload is {body.Length} bytes; the limit is {TableTransaction.MaxPayloadBytes}.");
        }

        var (contentType, responseBody, response) = await _rest.SendBatchAsync(body, batchBoundary, cancellationToken);
        IReadOnlyList<TableBatchPartResponse> parts;
        try
        {
            parts = TableBatchMultipart.ParseResponse(contentType, responseBody);
        }
        catch (FormatException e)
        {
            throw new TableTransactionFailedException(response.Status,
                $"The transaction's response could not be parsed; treat it as failed. {e.Message}", "InvalidBatchResponse", null, e);
        }

        var failed = parts.FirstOrDefault(p => p.Status >= 400);
        if (failed is not null)
        {
            var (code, message) = StorageRequestFailedDetailsParser.ParseBody(failed.Body);
            var index = TableBatchMultipart.FailedIndexOf(failed, message);
            throw new TableTransactionFailedException(failed.Status,
                $"Table transaction failed at operation {(index?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?")}: {failed.Status} {code}. {FirstLine(message)}",
                code, index);
        }
        if (parts.Count != transaction.Count)
        {
            throw new TableTransactionFailedException(response.Status,
                $"The transaction's response has {parts.Count} parts for {transaction.Count} operations.", "InvalidBatchResponse", null);
        }
        var results = parts
            .Select(p => new TableTransactionResult(p.Status, p.Headers.TryGetValue("ETag", out var etag) ? new ETag(etag) : default))
            .ToList();
        return Response.FromValue<IReadOnlyList<TableTransactionResult>>(results, response);
    }

    internal Task<(IReadOnlyList<TableEntity> Entities, TableContinuation? Next, Response Response)> QueryPageAsync(
        string? filter, string? select, int? top, TableContinuation? continuation, CancellationToken cancellationToken) =>
        _rest.QueryEntitiesAsync(Name, filter, select, top, continuation, cancellationToken);

    private static void ValidateEntity(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        TableKeys.Validate(entity.PartitionKey, entity.RowKey);
        entity.ValidateLimits();
    }

    private static ETag ETagOf(Response response) => response.Headers.ETag ?? default;

    // The keys are always selected so that every returned entity can be addressed again.
    private static string? JoinSelect(IEnumerable<string>? select) =>
        select is null ? null : string.Join(',', new[] { "PartitionKey", "RowKey" }.Union(select, StringComparer.Ordinal));

    private static string FirstLine(string? text)
    {
        if (text is null)
        {
            return string.Empty;
        }
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[..newline];
    }

    private sealed class TableQueryPageable(TableClient client, string? filter, string? select, int? top, CancellationToken cancellationToken)
        : AsyncPageable<TableEntity>(cancellationToken)
    {
        public override async IAsyncEnumerable<Page<TableEntity>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
        {
            var continuation = TableContinuation.Parse(continuationToken);
            var pageSize = pageSizeHint ?? top;
            do
            {
                var (entities, next, response) = await client.QueryPageAsync(filter, select, pageSize, continuation, CancellationToken);
                continuation = next;
                yield return Page<TableEntity>.FromValues(entities, next?.ToString(), response);
            }
            while (continuation is not null);
        }
    }
}
