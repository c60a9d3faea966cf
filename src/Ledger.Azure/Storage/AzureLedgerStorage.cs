using System.Text.RegularExpressions;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using Ledger.Azure.Blobs;
using Ledger.Azure.Core;
using Ledger.Azure.Tables;

namespace Ledger.Azure.Storage;

/// <summary>Names of the tables and the container the ledger ports use.</summary>
/// <param name="Prefix">
/// Starts every table name (letters and digits, starting with a letter, at most 50 characters) and, lower-cased, the
/// container name; lets several deployments or test runs share one account.
/// </param>
public sealed partial record AzureStorageOptions(string Prefix = "ledger")
{
    /// <summary>
    /// A policy added once per call to every Table and Blob request of the ports (the load tool counts requests by
    /// kind with it); null adds nothing.
    /// </summary>
    public HttpPipelinePolicy? RequestObserver { get; init; }

    internal void Validate()
    {
        if (!PrefixPattern().IsMatch(Prefix))
        {
            throw new ArgumentException($"Storage prefix '{Prefix}' is invalid: 1-50 letters and digits, starting with a letter.");
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,49}$")]
    private static partial Regex PrefixPattern();
}

/// <summary>
/// The tables and the container of one deployment, created idempotently on first use (so that registering the ports
/// never blocks and a storage outage at start-up only fails the requests that need storage).
/// </summary>
internal sealed class AzureLedgerStorage
{
    private readonly Lock _gate = new();
    private readonly TableServiceClient _tables;
    private Task? _ready;

    public AzureLedgerStorage(StorageConnection connection, AzureStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var tableOptions = new TableClientOptions();
        var blobOptions = new BlobClientOptions();
        if (options.RequestObserver is { } observer)
        {
            tableOptions.AddPolicy(observer, HttpPipelinePosition.PerCall);
            blobOptions.AddPolicy(observer, HttpPipelinePosition.PerCall);
        }

        _tables = new TableServiceClient(connection, tableOptions);
        Journal = _tables.GetTableClient(options.Prefix + "Journal");
        Nodes = _tables.GetTableClient(options.Prefix + "Nodes");
        Views = _tables.GetTableClient(options.Prefix + "Views");
        Ledgers = _tables.GetTableClient(options.Prefix + "Ledgers");
        Sessions = _tables.GetTableClient(options.Prefix + "Sessions");
        Inbox = _tables.GetTableClient(options.Prefix + "Inbox");
        var blobs = new BlobServiceClient(connection, blobOptions);
        Blocks = blobs.GetBlobContainerClient(options.Prefix.ToLowerInvariant() + "-blocks");
        Leases = blobs.GetBlobContainerClient(options.Prefix.ToLowerInvariant() + "-leases");
    }

    /// <summary>Blocks by sequence number, one partition per ledger, plus each ledger's tip hint.</summary>
    public TableClient Journal { get; }

    /// <summary>Complete journal-tree nodes, one partition per ledger.</summary>
    public TableClient Nodes { get; }

    /// <summary>Documents, catalog, index entries and watermark of every ledger (partitions by prefix).</summary>
    public TableClient Views { get; }

    /// <summary>The ledger records.</summary>
    public TableClient Ledgers { get; }

    /// <summary>The sessions.</summary>
    public TableClient Sessions { get; }

    /// <summary>Commits handed to each ledger's lease holder, one partition per ledger.</summary>
    public TableClient Inbox { get; }

    /// <summary>Blocks too large for one entity.</summary>
    public BlobContainerClient Blocks { get; }

    /// <summary>One lease blob per ledger.</summary>
    public BlobContainerClient Leases { get; }

    /// <summary>Completes once every table and container exists; a failed attempt is retried by the next caller.</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                _ready = CreateAllAsync(cancellationToken);
            }

            return _ready;
        }
    }

    private async Task CreateAllAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(
            Journal.CreateIfNotExistsAsync(cancellationToken),
            Nodes.CreateIfNotExistsAsync(cancellationToken),
            Views.CreateIfNotExistsAsync(cancellationToken),
            Ledgers.CreateIfNotExistsAsync(cancellationToken),
            Sessions.CreateIfNotExistsAsync(cancellationToken),
            Inbox.CreateIfNotExistsAsync(cancellationToken),
            Blocks.CreateIfNotExistsAsync(cancellationToken),
            Leases.CreateIfNotExistsAsync(cancellationToken));
    }

    /// <summary>Deletes every table and container (tests clean up with it).</summary>
    public async Task DeleteAllAsync(CancellationToken cancellationToken = default)
    {
        await Task.WhenAll(
            Journal.DeleteAsync(cancellationToken),
            Nodes.DeleteAsync(cancellationToken),
            Views.DeleteAsync(cancellationToken),
            Ledgers.DeleteAsync(cancellationToken),
            Sessions.DeleteAsync(cancellationToken),
            Inbox.DeleteAsync(cancellationToken),
            Blocks.DeleteIfExistsAsync(cancellationToken),
            Leases.DeleteIfExistsAsync(cancellationToken));
    }
}
