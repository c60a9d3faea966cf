using System.Collections.Concurrent;
using global::Azure;
using Ledger.Azure.Tables;
using Ledger.Engine.Ports;
using Ledger.Journal;

namespace Ledger.Azure.Storage;

/// <summary>
/// The commit inbox on Azure Table: partition = ledger, row = transaction id. A pending entry carries
/// <c>Pending = true</c>, so the holder's poll is one partition query filtered on it; the outcome is merged into the
/// entry (with <c>AnsweredAt</c>, which the holder's sweep filters on), and each forwarding instance lists the
/// answers to its entries with one query filtered on <c>Forwarder</c>. Inserts, outcome merges and deletes of a
/// ledger each go through a lane of a <see cref="WriteCoalescer{TWrite, TResult}"/>: one alone goes out at once,
/// those of the same kind that arrive while one is in flight leave together as one entity group transaction. The transaction state is stored like a
/// session's (inline when it fits, else a blob; see <see cref="SessionStateStorage"/>), under a key of the entry,
/// and a spilled one is deleted with it.
/// </summary>
public sealed class TableCommitInbox : ICommitInbox
{
    // SessionStateStorage names a spilled state's blob in this property.
    private const string StateBlobProperty = "StateBlob";

    private readonly AzureLedgerStorage _storage;
    private readonly TimeProvider _clock;
    private readonly SessionStateStorage _states;
    private readonly WriteCoalescer<InboxWrite, bool> _writes;

    // Entries this instance enqueued with a spilled state: their delete removes the blob too (no read to find out).
    private readonly ConcurrentDictionary<string, bool> _spilled = new(StringComparer.Ordinal);

    internal TableCommitInbox(AzureLedgerStorage storage, TimeProvider clock)
    {
        _storage = storage;
        _clock = clock;
        _states = new SessionStateStorage(storage);
        _writes = new WriteCoalescer<InboxWrite, bool>(
            SubmitAsync,
            write => write.Lane,
            write => write.RowKey,
            write => write.Weight,
            TableTransaction.MaxOperations,
            TableTransaction.MaxOperationsBytes);
    }

    private enum WriteKind
    {
        Insert,
        Merge,
        Delete,
    }

    /// <inheritdoc/>
    public async ValueTask EnqueueAsync(ForwardedCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        await _storage.EnsureCreatedAsync(cancellationToken);
        var entity = new TableEntity(StorageKeys.Escape(commit.LedgerName), StorageKeys.Escape(commit.TransactionId))
        {
            ["Pending"] = true,
            ["Forwarder"] = commit.Forwarder,
            ["TransactionStartedAt"] = commit.TransactionStartedAt,
            ["CommitDigest"] = commit.CommitDigest.ToBase64(),
        };
        var stateKey = StateKey(commit.LedgerName, commit.TransactionId);
        await _states.WriteAsync(entity, stateKey, commit.TransactionState, cancellationToken);
        if (entity.ContainsKey(StateBlobProperty))
        {
            _spilled[stateKey] = true;
        }

        if (!await WriteAsync(InboxWrite.Of(WriteKind.Insert, entity), cancellationToken))
        {
            throw new InvalidOperationException($"Transaction {commit.TransactionId} is already in the inbox.");
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ForwardedCommit>> ListPendingAsync(string ledgerName, int maxCount, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        var pending = new List<ForwardedCommit>();
        var filter = TableFilter.Create($"PartitionKey eq {StorageKeys.Escape(ledgerName)} and Pending eq true");
        await foreach (var entity in _storage.Inbox.QueryAsync(filter, maxCount, cancellationToken: cancellationToken))
        {
            var state = await _states.ReadAsync(entity, cancellationToken) ?? [];
            pending.Add(new ForwardedCommit(
                ledgerName,
                StorageKeys.Unescape(entity.RowKey),
                entity.GetDateTimeOffset("TransactionStartedAt")!.Value,
                Hash32.FromBase64(entity.GetString("CommitDigest")!),
                state,
                entity.GetString("Forwarder") ?? string.Empty));
            if (pending.Count >= maxCount)
            {
                break;
            }
        }

        return pending;
    }

    /// <inheritdoc/>
    public async ValueTask<ForwardedCommitOutcome?> GetOutcomeAsync(string ledgerName, string transactionId, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        var entity = (await _storage.Inbox.GetEntityIfExistsAsync(
            StorageKeys.Escape(ledgerName), StorageKeys.Escape(transactionId), ["Pending", "Result", "SequenceNo", "Message"], cancellationToken)).Value;
        return entity is null || entity.GetBoolean("Pending") != false ? null : OutcomeOf(entity);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<AnsweredCommit>> ListAnsweredAsync(string ledgerName, string forwarder, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        var answered = new List<AnsweredCommit>();
        var filter = TableFilter.Create($"PartitionKey eq {StorageKeys.Escape(ledgerName)} and Forwarder eq {forwarder} and Pending eq false");
        await foreach (var entity in _storage.Inbox.QueryAsync(filter, select: ["RowKey", "Result", "SequenceNo", "Message"], cancellationToken: cancellationToken))
        {
            if (OutcomeOf(entity) is { } outcome)
            {
                answered.Add(new AnsweredCommit(StorageKeys.Unescape(entity.RowKey), outcome));
            }
        }

        return answered;
    }

    /// <inheritdoc/>
    public async ValueTask SetOutcomeAsync(string ledgerName, string transactionId, ForwardedCommitOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await _storage.EnsureCreatedAsync(cancellationToken);
        var entity = new TableEntity(StorageKeys.Escape(ledgerName), StorageKeys.Escape(transactionId))
        {
            ["Pending"] = false,
            ["Result"] = outcome.Result.ToString(),
            ["AnsweredAt"] = _clock.GetUtcNow(),
        };
        if (outcome.SequenceNo is { } sequenceNo)
        {
            entity["SequenceNo"] = sequenceNo;
        }

        if (outcome.Message is { } message)
        {
            entity["Message"] = message;
        }

        // Merged only into an entry that still exists (ETag *): one its forwarder gave up and deleted gets no ghost.
        await WriteAsync(InboxWrite.Of(WriteKind.Merge, entity), cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<int> DeleteAnsweredBeforeAsync(string ledgerName, DateTimeOffset answeredBefore, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        var filter = TableFilter.Create($"PartitionKey eq {StorageKeys.Escape(ledgerName)} and Pending eq false and AnsweredAt lt {answeredBefore}");
        var deletes = new List<Task>();
        await foreach (var entity in _storage.Inbox.QueryAsync(filter, select: ["RowKey", StateBlobProperty], cancellationToken: cancellationToken))
        {
            deletes.Add(DeleteEntryAsync(ledgerName, StorageKeys.Unescape(entity.RowKey), entity.ContainsKey(StateBlobProperty), cancellationToken));
        }

        await Task.WhenAll(deletes);
        return deletes.Count;
    }

    /// <inheritdoc/>
    public async ValueTask DeleteAsync(string ledgerName, string transactionId, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        await DeleteEntryAsync(ledgerName, transactionId, _spilled.ContainsKey(StateKey(ledgerName, transactionId)), cancellationToken);
    }

    // The blob goes after the entry: a blob without its entry is only storage, an entry without its blob could not
    // be served.
    private async Task DeleteEntryAsync(string ledgerName, string transactionId, bool spilled, CancellationToken cancellationToken)
    {
        await WriteAsync(InboxWrite.Of(WriteKind.Delete, new TableEntity(StorageKeys.Escape(ledgerName), StorageKeys.Escape(transactionId))), cancellationToken);
        if (spilled)
        {
            var stateKey = StateKey(ledgerName, transactionId);
            await _states.DeleteAllAsync(stateKey, cancellationToken);
            _spilled.TryRemove(stateKey, out _);
        }
    }

    // A write the coalescer rejected alone (a group's failed operation) reports like one sent alone.
    private async Task<bool> WriteAsync(InboxWrite write, CancellationToken cancellationToken)
    {
        try
        {
            return await _writes.WriteAsync(write, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409)
        {
            return false;
        }
    }

    private static ForwardedCommitOutcome? OutcomeOf(TableEntity entity) =>
        entity.GetString("Result") is { } result
            ? new ForwardedCommitOutcome(Enum.Parse<ForwardedCommitResult>(result), entity.GetInt64("SequenceNo"), entity.GetString("Message"))
            : null;

    private static string StateKey(string ledgerName, string transactionId) => "inbox/" + ledgerName + "/" + transactionId;

    // One write alone is a plain request; several are one entity group transaction. A failed operation the service
    // names is rejected alone (the coalescer resubmits the rest); an insert that finds its entry, or a merge or delete
    // that does not, reports false.
    private async Task<IReadOnlyList<bool>> SubmitAsync(IReadOnlyList<InboxWrite> writes)
    {
        if (writes.Count == 1)
        {
            return [await WriteAloneAsync(writes[0])];
        }

        var transaction = new TableTransaction();
        foreach (var write in writes)
        {
            _ = write.Kind switch
            {
                WriteKind.Insert => transaction.AddEntity(write.Entity),
                WriteKind.Merge => transaction.UpdateEntity(write.Entity, ETag.All, TableUpdateMode.Merge),
                _ => transaction.DeleteEntity(write.PartitionKey, write.RowKey, ETag.All),
            };
        }

        try
        {
            await _storage.Inbox.SubmitTransactionAsync(transaction);
            return [.. writes.Select(_ => true)];
        }
        catch (TableTransactionFailedException e) when (e.FailedOperationIndex is { } index && index >= 0 && index < writes.Count)
        {
            throw new CoalescedWriteRejectedException(index, e);
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 409)
        {
            var alone = new List<bool>(writes.Count);
            foreach (var write in writes)
            {
                alone.Add(await WriteAloneAsync(write));
            }

            return alone;
        }
    }

    private async Task<bool> WriteAloneAsync(InboxWrite write)
    {
        try
        {
            switch (write.Kind)
            {
                case WriteKind.Insert:
                    await _storage.Inbox.AddEntityAsync(write.Entity);
                    break;
                case WriteKind.Merge:
                    await _storage.Inbox.UpdateEntityAsync(write.Entity, ETag.All, TableUpdateMode.Merge);
                    break;
                default:
                    await _storage.Inbox.DeleteEntityAsync(write.PartitionKey, write.RowKey, ETag.All);
                    break;
            }

            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409)
        {
            return false;
        }
    }

    private sealed record InboxWrite(WriteKind Kind, TableEntity Entity, long Weight)
    {
        public string PartitionKey => Entity.PartitionKey;

        // Each kind of write has its own group in flight per ledger, so an insert (a commit about to wait) never waits
        // behind a group of deletes. The writes of one entry cannot overtake each other across lanes: its outcome is
        // written after its insert returned, and its delete after its outcome was read back.
        public string Lane => PartitionKey + "/" + Kind.ToString();

        public string RowKey => Entity.RowKey;

        public static InboxWrite Of(WriteKind kind, TableEntity entity) =>
            new(kind, entity, TableTransaction.OperationBytes(entity, withBody: kind != WriteKind.Delete));
    }
}
