using Ledger.Engine.Ports;

namespace Ledger.Engine.InMemory;

/// <summary>An <see cref="ISequencerLease"/> in memory, timed by a <see cref="TimeProvider"/>.</summary>
public sealed class InMemorySequencerLease(TimeProvider clock) : ISequencerLease
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SequencerLease> _leases = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ValueTask<SequencerLease?> TryAcquireAsync(string ledgerName, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (_leases.TryGetValue(ledgerName, out var held) && held.ExpiresAt > now)
            {
                return ValueTask.FromResult<SequencerLease?>(null);
            }

            var lease = new SequencerLease(ledgerName, Guid.NewGuid().ToString("N"), duration, now + duration);
            _leases[ledgerName] = lease;
            return ValueTask.FromResult<SequencerLease?>(lease);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> RenewAsync(SequencerLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (!_leases.TryGetValue(lease.LedgerName, out var held) || held.LeaseId != lease.LeaseId)
            {
                return ValueTask.FromResult(false);
            }

            // Like a Blob lease, an expired lease can still be renewed by its holder as long as nobody took it.
            _leases[lease.LedgerName] = held with { ExpiresAt = now + held.Duration };
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask ReleaseAsync(SequencerLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        lock (_gate)
        {
            if (_leases.TryGetValue(lease.LedgerName, out var held) && held.LeaseId == lease.LeaseId)
            {
                _leases.Remove(lease.LedgerName);
            }
        }

        return ValueTask.CompletedTask;
    }
}
