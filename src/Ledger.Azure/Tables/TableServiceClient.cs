using global::Azure;
using Ledger.Azure.Core;

namespace Ledger.Azure.Tables;

/// <summary>The Table service of one storage account: tables, and a health ping.</summary>
public sealed class TableServiceClient
{
    private readonly TableRestClient _rest;

    /// <summary>Creates a client for the Table endpoint of <paramref name="connection"/>.</summary>
    public TableServiceClient(StorageConnection connection, TableClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new TableClientOptions();
        var pipeline = StoragePipeline.Build(options, connection, key => new TableSharedKeyPolicy(key));
        _rest = new TableRestClient(pipeline, connection.TableEndpoint, options.VersionString);
    }

    /// <summary>The Table service endpoint.</summary>
    public Uri Endpoint => _rest.Endpoint;

    internal TableRestClient Rest => _rest;

    /// <summary>A client for table <paramref name="tableName"/> sharing this client's pipeline.</summary>
    public TableClient GetTableClient(string tableName) => new(_rest, tableName);

    /// <summary>Creates table <paramref name="tableName"/> unless it exists; the value is true when this call created it.</summary>
    public Task<Response<bool>> CreateTableIfNotExistsAsync(string tableName, CancellationToken cancellationToken = default) =>
        GetTableClient(tableName).CreateIfNotExistsAsync(cancellationToken);

    /// <summary>Deletes table <paramref name="tableName"/>; the value is false when it did not exist.</summary>
    public Task<Response<bool>> DeleteTableAsync(string tableName, CancellationToken cancellationToken = default) =>
        GetTableClient(tableName).DeleteAsync(cancellationToken);

    /// <summary>
    /// Lists table names, optionally only those starting with <paramref name="prefix"/>, in pages that follow the
    /// service's continuation.
    /// </summary>
    public AsyncPageable<string> QueryTablesAsync(string? prefix = null, int? maxPerPage = null, CancellationToken cancellationToken = default)
    {
        if (maxPerPage is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPerPage), maxPerPage, "maxPerPage must be 1..1000.");
        }
        // Table names are letters and digits, so every name with the prefix sorts below prefix + '{'.
        var filter = string.IsNullOrEmpty(prefix) ? null : TableFilter.Create($"TableName ge {prefix} and TableName lt {prefix + "{"}");
        return new TableNamePageable(_rest, filter, maxPerPage, cancellationToken);
    }

    /// <summary>
    /// Lists at most one table with a signed request: true reachability and credentials check.
    /// Never throws except when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public Task<StoragePingResult> PingAsync(CancellationToken cancellationToken = default) =>
        StoragePing.PingAsync(_rest.Pipeline, "Table", Endpoint, request => _rest.BuildQueryTablesRequest(request, null, 1, null), cancellationToken);

    private sealed class TableNamePageable(TableRestClient rest, string? filter, int? top, CancellationToken cancellationToken)
        : AsyncPageable<string>(cancellationToken)
    {
        public override async IAsyncEnumerable<Page<string>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
        {
            var next = continuationToken;
            do
            {
                var (names, nextTableName, response) = await rest.QueryTablesAsync(filter, pageSizeHint ?? top, next, CancellationToken);
                next = nextTableName;
                yield return Page<string>.FromValues(names, next, response);
            }
            while (next is not null);
        }
    }
}
