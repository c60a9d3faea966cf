namespace Ledger.Engine.Ports;

/// <summary>A held lease; <see cref="LeaseId"/> proves ownership on renew and release.</summary>
/// <param name="LedgerName">The ledger whose sequencer the lease elects.</param>
/// <param name="LeaseId">Proof of ownership (the Blob lease id).</param>
/// <param name="Duration">How long one acquisition or renewal lasts.</param>
/// <param name="ExpiresAt">When the lease lapses unless renewed.</param>
public sealed record SequencerLease(string LedgerName, string LeaseId, TimeSpan Duration, DateTimeOffset ExpiresAt);

/// <summary>
/// Elects the one sequencer of a ledger (Azure Blob lease on a per-ledger blob, 15-60 s, renewed while
/// sequencing). The journal's insert-if-absent append keeps the chain safe even if two instances briefly both
/// believe they hold it; the lease only keeps them from fighting.
/// </summary>
public interface ISequencerLease
{
    /// <summary>Takes the lease if it is free or expired; null when another owner holds it.</summary>
    ValueTask<SequencerLease?> TryAcquireAsync(string ledgerName, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Extends a held lease; false when it was lost (expired and taken by another owner).</summary>
    ValueTask<bool> RenewAsync(SequencerLease lease, CancellationToken cancellationToken = default);

    /// <summary>Gives the lease up.</summary>
    ValueTask ReleaseAsync(SequencerLease lease, CancellationToken cancellationToken = default);
}
