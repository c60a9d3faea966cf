namespace Ledger.Engine.Ports;

/// <summary>QLDB ledger states.</summary>
public enum LedgerState
{
    /// <summary>Being created; data-plane calls are refused.</summary>
    Creating,

    /// <summary>Usable.</summary>
    Active,

    /// <summary>Being deleted.</summary>
    Deleting,

    /// <summary>Deleted (kept for describe until purged).</summary>
    Deleted,
}

/// <summary>
/// A ledger's control-plane record; <see cref="ETag"/> guards conditional updates. <see cref="Tags"/> are the
/// ledger's resource tags (TagResource), null when it has none; a store persists them with the record.
/// </summary>
public sealed record LedgerRecord(
    string Name,
    LedgerState State,
    DateTimeOffset CreationDateTime,
    string PermissionsMode,
    bool DeletionProtection,
    string StrandId,
    string? ETag = null,
    IReadOnlyDictionary<string, string>? Tags = null);

/// <summary>A page of ledgers in name order; <see cref="NextToken"/> is null on the last page.</summary>
public sealed record LedgerPage(IReadOnlyList<LedgerRecord> Ledgers, string? NextToken);

/// <summary>
/// The ledgers of the deployment (Azure Table: one partition, row key = ledger name). Writes are conditional:
/// insert-if-absent for create, ETag match for update and delete.
/// </summary>
public interface ILedgerCatalogStore
{
    /// <summary>Inserts the record; false when a ledger of that name exists.</summary>
    ValueTask<bool> TryCreateAsync(LedgerRecord ledger, CancellationToken cancellationToken = default);

    /// <summary>The record with its current ETag, or null.</summary>
    ValueTask<LedgerRecord?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Replaces the record if its ETag still matches; false on a concurrent change.</summary>
    ValueTask<bool> TryUpdateAsync(LedgerRecord ledger, CancellationToken cancellationToken = default);

    /// <summary>Removes the record if its ETag still matches; false on a concurrent change.</summary>
    ValueTask<bool> TryDeleteAsync(LedgerRecord ledger, CancellationToken cancellationToken = default);

    /// <summary>Ledgers in name order, from after <paramref name="nextToken"/>.</summary>
    ValueTask<LedgerPage> ListAsync(int maxResults, string? nextToken, CancellationToken cancellationToken = default);
}
