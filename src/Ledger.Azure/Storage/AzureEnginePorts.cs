using Ledger.Azure.Core;
using Ledger.Engine;

namespace Ledger.Azure.Storage;

/// <summary>The engine's ports on Azure Table and Blob storage (Azurite locally).</summary>
public static class AzureEnginePorts
{
    /// <summary>
    /// Ports over <paramref name="connection"/>. Tables and containers are created idempotently on first use, so this
    /// never touches the network; use <see cref="CreateAsync"/> to create them up front.
    /// </summary>
    public static EnginePorts Create(StorageConnection connection, TimeProvider clock, AzureStorageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return Over(new AzureLedgerStorage(connection, options ?? new AzureStorageOptions()), clock);
    }

    /// <summary>Like <see cref="Create"/>, and creates every table and container before returning.</summary>
    public static async Task<EnginePorts> CreateAsync(StorageConnection connection, TimeProvider clock, AzureStorageOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var storage = new AzureLedgerStorage(connection, options ?? new AzureStorageOptions());
        await storage.EnsureCreatedAsync(cancellationToken);
        return Over(storage, clock);
    }

    /// <summary>Deletes every table and container of the deployment <paramref name="options"/> names (tests, teardown).</summary>
    public static Task DeleteAllAsync(StorageConnection connection, AzureStorageOptions options, CancellationToken cancellationToken = default) =>
        new AzureLedgerStorage(connection, options).DeleteAllAsync(cancellationToken);

    private static EnginePorts Over(AzureLedgerStorage storage, TimeProvider clock) => new(
        new TableJournalStore(storage),
        new TableViewStore(storage),
        new TableLedgerCatalogStore(storage),
        new TableSessionStore(storage),
        new BlobSequencerLease(storage, clock),
        new TableCommitInbox(storage, clock));
}
