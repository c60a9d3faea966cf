using System.Collections.Immutable;
using Ledger.Engine.Errors;
using Ledger.Engine.Ports;

namespace Ledger.Engine;

// Control-plane operations beyond create/describe/list/update/delete: permissions mode and resource tags.
public sealed partial class LedgerEngine
{
    /// <summary>QLDB's documented quota of tags on one resource.</summary>
    public const int MaxTagsPerResource = 50;

    /// <summary>UpdateLedgerPermissionsMode: ALLOW_ALL or STANDARD.</summary>
    public async Task<LedgerRecord> UpdateLedgerPermissionsModeAsync(string name, string permissionsMode, CancellationToken cancellationToken = default)
    {
        if (permissionsMode is not ("ALLOW_ALL" or "STANDARD"))
        {
            throw new InvalidParameterException("PermissionsMode", $"Invalid permissions mode: {permissionsMode}");
        }

        return await UpdateLedgerRecordAsync(name, ledger => ledger with { PermissionsMode = permissionsMode }, cancellationToken);
    }

    /// <summary>ListTagsForResource of a ledger: its tags (empty when it has none).</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetLedgerTagsAsync(string name, CancellationToken cancellationToken = default) =>
        (await DescribeLedgerAsync(name, cancellationToken)).Tags ?? ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>
    /// TagResource on a ledger: adds the tags, replacing the values of keys it has already. Refused as a whole when
    /// the ledger would carry more than <see cref="MaxTagsPerResource"/> tags.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> TagLedgerAsync(string name, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var updated = await UpdateLedgerRecordAsync(name, ledger =>
        {
            var merged = (ledger.Tags ?? ImmutableSortedDictionary<string, string>.Empty).ToImmutableSortedDictionary(StringComparer.Ordinal).SetItems(tags);
            if (merged.Count > MaxTagsPerResource)
            {
                throw new InvalidParameterException("Tags", $"A resource can have at most {MaxTagsPerResource} tags; ledger {name} would have {merged.Count}.");
            }

            return ledger with { Tags = merged };
        }, cancellationToken);
        return updated.Tags!;
    }

    /// <summary>UntagResource on a ledger: removes the keys; keys it does not have are ignored, as in QLDB.</summary>
    public async Task<IReadOnlyDictionary<string, string>> UntagLedgerAsync(string name, IEnumerable<string> tagKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tagKeys);
        var keys = tagKeys.ToList();
        var updated = await UpdateLedgerRecordAsync(name, ledger =>
        {
            var remaining = (ledger.Tags ?? ImmutableSortedDictionary<string, string>.Empty).ToImmutableSortedDictionary(StringComparer.Ordinal).RemoveRange(keys);
            return ledger with { Tags = remaining.IsEmpty ? null : remaining };
        }, cancellationToken);
        return updated.Tags ?? ImmutableSortedDictionary<string, string>.Empty;
    }

    // Read, change and write back under the record's ETag until no concurrent change intervenes.
    private async Task<LedgerRecord> UpdateLedgerRecordAsync(string name, Func<LedgerRecord, LedgerRecord> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            var ledger = await DescribeLedgerAsync(name, cancellationToken);
            if (ledger.State is LedgerState.Deleting or LedgerState.Deleted)
            {
                throw new ResourceNotFoundException("LEDGER", name);
            }

            var updated = change(ledger);
            if (await _ports.Ledgers.TryUpdateAsync(updated, cancellationToken))
            {
                return updated;
            }
        }
    }
}
