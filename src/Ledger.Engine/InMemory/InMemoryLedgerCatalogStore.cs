using System.Globalization;
using Ledger.Engine.Ports;

namespace Ledger.Engine.InMemory;

/// <summary>An <see cref="ILedgerCatalogStore"/> in memory with ETag semantics.</summary>
public sealed class InMemoryLedgerCatalogStore : ILedgerCatalogStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, LedgerRecord> _ledgers = new(StringComparer.Ordinal);
    private long _etag;

    /// <inheritdoc/>
    public ValueTask<bool> TryCreateAsync(LedgerRecord ledger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        lock (_gate)
        {
            return ValueTask.FromResult(_ledgers.TryAdd(ledger.Name, ledger with { ETag = NextETag() }));
        }
    }

    /// <inheritdoc/>
    public ValueTask<LedgerRecord?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_ledgers.GetValueOrDefault(name));
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> TryUpdateAsync(LedgerRecord ledger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        lock (_gate)
        {
            if (!_ledgers.TryGetValue(ledger.Name, out var current) || current.ETag != ledger.ETag)
            {
                return ValueTask.FromResult(false);
            }

            _ledgers[ledger.Name] = ledger with { ETag = NextETag() };
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> TryDeleteAsync(LedgerRecord ledger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        lock (_gate)
        {
            return ValueTask.FromResult(_ledgers.TryGetValue(ledger.Name, out var current) && current.ETag == ledger.ETag && _ledgers.Remove(ledger.Name));
        }
    }

    /// <inheritdoc/>
    public ValueTask<LedgerPage> ListAsync(int maxResults, string? nextToken, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxResults);
        lock (_gate)
        {
            var after = nextToken is null ? null : System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(nextToken));
            var rest = _ledgers.Values.Where(l => after is null || string.CompareOrdinal(l.Name, after) > 0).Take(maxResults + 1).ToList();
            var token = rest.Count > maxResults ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(rest[maxResults - 1].Name)) : null;
            return ValueTask.FromResult(new LedgerPage(rest.Take(maxResults).ToList(), token));
        }
    }

    private string NextETag() => (++_etag).ToString(CultureInfo.InvariantCulture);
}
