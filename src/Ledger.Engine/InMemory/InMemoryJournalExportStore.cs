using System.Globalization;
using Ledger.Engine.Ports;

namespace Ledger.Engine.InMemory;

/// <summary>An <see cref="IJournalExportStore"/> in memory: exports per ledger in creation order, ETag-guarded.</summary>
public sealed class InMemoryJournalExportStore : IJournalExportStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<JournalExportRecord>> _byLedger = new(StringComparer.Ordinal);
    private long _version;

    /// <inheritdoc/>
    public ValueTask<bool> TryCreateAsync(JournalExportRecord export, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(export);
        lock (_gate)
        {
            var exports = LedgerExports(export.LedgerName);
            if (exports.Exists(e => e.ExportId == export.ExportId))
            {
                return ValueTask.FromResult(false);
            }

            exports.Add(Stamped(export));
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<JournalExportRecord?> GetAsync(string ledgerName, string exportId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(LedgerExports(ledgerName).Find(e => e.ExportId == exportId));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JournalExportRecord>> ListAsync(string ledgerName, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<JournalExportRecord>>([.. LedgerExports(ledgerName)]);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> TryUpdateAsync(JournalExportRecord export, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(export);
        lock (_gate)
        {
            var exports = LedgerExports(export.LedgerName);
            var position = exports.FindIndex(e => e.ExportId == export.ExportId);
            if (position < 0 || exports[position].ETag != export.ETag)
            {
                return ValueTask.FromResult(false);
            }

            exports[position] = Stamped(export);
            return ValueTask.FromResult(true);
        }
    }

    private List<JournalExportRecord> LedgerExports(string ledgerName)
    {
        if (!_byLedger.TryGetValue(ledgerName, out var exports))
        {
            _byLedger[ledgerName] = exports = [];
        }

        return exports;
    }

    // Keys are copied so a caller's list cannot change what is stored.
    private JournalExportRecord Stamped(JournalExportRecord export) =>
        export with { Keys = [.. export.Keys], ETag = (++_version).ToString(CultureInfo.InvariantCulture) };
}
