using Ledger.Journal;

namespace Ledger.Engine.Ports;

/// <summary>How a forwarded commit ended, as the lease holder wrote it for the instance that forwarded it.</summary>
public enum ForwardedCommitResult
{
    /// <summary>Journaled (or read-only and validated); <see cref="ForwardedCommitOutcome.SequenceNo"/> names its block.</summary>
    Committed,

    /// <summary>Failed OCC validation; nothing was stored.</summary>
    OccConflict,

    /// <summary>The append failed (storage, contention); nothing of it was acknowledged, the driver retries.</summary>
    CapacityExceeded,

    /// <summary>Any other refusal, with the message the client gets.</summary>
    Refused,
}

/// <summary>The outcome of a forwarded commit: its block's sequence number (null when read-only) or why it failed.</summary>
public sealed record ForwardedCommitOutcome(ForwardedCommitResult Result, long? SequenceNo, string? Message);

/// <summary>
/// A commit an instance without the ledger's lease hands to the holder: the transaction's identity, the CommitDigest
/// the client sent, the open transaction's state (<c>TransactionState</c>: snapshot and statements, from which the
/// holder rebuilds it by re-execution), and the forwarding instance (whose outcome poller lists its answers).
/// </summary>
public sealed record ForwardedCommit(
    string LedgerName,
    string TransactionId,
    DateTimeOffset TransactionStartedAt,
    Hash32 CommitDigest,
    byte[] TransactionState,
    string Forwarder,
    ForwardedCommitOutcome? Outcome = null);

/// <summary>An entry the holder has answered: its transaction id and outcome.</summary>
public sealed record AnsweredCommit(string TransactionId, ForwardedCommitOutcome Outcome);

/// <summary>
/// The commit inbox of each ledger (Azure Table: partition = ledger, row = transaction id): non-holders enqueue,
/// the lease holder lists pending entries and writes outcomes, each forwarding instance lists the outcomes of its
/// entries (one query for all its waiting commits) and deletes them; the holder sweeps answered entries nobody
/// deleted (their forwarder died).
/// </summary>
public interface ICommitInbox
{
    /// <summary>Adds a pending entry (a transaction id is forwarded at most once: its session record was closed first).</summary>
    ValueTask EnqueueAsync(ForwardedCommit commit, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="maxCount"/> entries of a ledger that have no outcome yet, oldest first where the store can tell.</summary>
    ValueTask<IReadOnlyList<ForwardedCommit>> ListPendingAsync(string ledgerName, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>The outcome of an entry, or null while it is pending (or when it is gone).</summary>
    ValueTask<ForwardedCommitOutcome?> GetOutcomeAsync(string ledgerName, string transactionId, CancellationToken cancellationToken = default);

    /// <summary>The answered entries of a ledger that <paramref name="forwarder"/> enqueued (one query).</summary>
    ValueTask<IReadOnlyList<AnsweredCommit>> ListAnsweredAsync(string ledgerName, string forwarder, CancellationToken cancellationToken = default);

    /// <summary>Deletes a ledger's entries answered before <paramref name="answeredBefore"/> (left by forwarders that died); returns how many.</summary>
    ValueTask<int> DeleteAnsweredBeforeAsync(string ledgerName, DateTimeOffset answeredBefore, CancellationToken cancellationToken = default);

    /// <summary>Records an entry's outcome (it is no longer pending).</summary>
    ValueTask SetOutcomeAsync(string ledgerName, string transactionId, ForwardedCommitOutcome outcome, CancellationToken cancellationToken = default);

    /// <summary>Forgets an entry (its forwarder has read the outcome); an entry already gone is no error.</summary>
    ValueTask DeleteAsync(string ledgerName, string transactionId, CancellationToken cancellationToken = default);
}
