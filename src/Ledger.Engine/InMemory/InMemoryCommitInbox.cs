using Ledger.Engine.Ports;

namespace Ledger.Engine.InMemory;

/// <summary>An <see cref="ICommitInbox"/> in memory (entries in enqueue order per ledger; answer times on <paramref name="clock"/>).</summary>
public sealed class InMemoryCommitInbox(TimeProvider clock) : ICommitInbox
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<ForwardedCommit>> _ledgers = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Ledger, string TransactionId), DateTimeOffset> _answeredAt = [];

    /// <inheritdoc/>
    public ValueTask EnqueueAsync(ForwardedCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        lock (_gate)
        {
            var entries = Entries(commit.LedgerName);
            if (entries.Exists(e => e.TransactionId == commit.TransactionId))
            {
                throw new InvalidOperationException($"Transaction {commit.TransactionId} is already in the inbox.");
            }

            entries.Add(commit with { Outcome = null });
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ForwardedCommit>> ListPendingAsync(string ledgerName, int maxCount, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<ForwardedCommit> pending = [.. Entries(ledgerName).Where(e => e.Outcome is null).Take(maxCount)];
            return ValueTask.FromResult(pending);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ForwardedCommitOutcome?> GetOutcomeAsync(string ledgerName, string transactionId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(Entries(ledgerName).Find(e => e.TransactionId == transactionId)?.Outcome);
        }
    }

    /// <inheritdoc/>
    public ValueTask SetOutcomeAsync(string ledgerName, string transactionId, ForwardedCommitOutcome outcome, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var entries = Entries(ledgerName);
            var index = entries.FindIndex(e => e.TransactionId == transactionId);
            if (index >= 0)
            {
                entries[index] = entries[index] with { Outcome = outcome };
                _answeredAt[(ledgerName, transactionId)] = clock.GetUtcNow();
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<AnsweredCommit>> ListAnsweredAsync(string ledgerName, string forwarder, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<AnsweredCommit> answered =
                [.. Entries(ledgerName).Where(e => e.Forwarder == forwarder && e.Outcome is not null).Select(e => new AnsweredCommit(e.TransactionId, e.Outcome!))];
            return ValueTask.FromResult(answered);
        }
    }

    /// <inheritdoc/>
    public ValueTask<int> DeleteAnsweredBeforeAsync(string ledgerName, DateTimeOffset answeredBefore, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var deleted = Entries(ledgerName).RemoveAll(e => e.Outcome is not null && _answeredAt.GetValueOrDefault((ledgerName, e.TransactionId)) < answeredBefore);
            foreach (var key in _answeredAt.Keys.Where(k => k.Ledger == ledgerName && !Entries(ledgerName).Exists(e => e.TransactionId == k.TransactionId)).ToList())
            {
                _answeredAt.Remove(key);
            }

            return ValueTask.FromResult(deleted);
        }
    }

    /// <inheritdoc/>
    public ValueTask DeleteAsync(string ledgerName, string transactionId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Entries(ledgerName).RemoveAll(e => e.TransactionId == transactionId);
            _answeredAt.Remove((ledgerName, transactionId));
        }

        return ValueTask.CompletedTask;
    }

    private List<ForwardedCommit> Entries(string ledgerName)
    {
        if (!_ledgers.TryGetValue(ledgerName, out var entries))
        {
            _ledgers[ledgerName] = entries = [];
        }

        return entries;
    }
}
