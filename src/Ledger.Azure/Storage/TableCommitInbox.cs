using global::Azure;
using Ledger.Azure.Tables;
using Ledger.Engine.Ports;
using Ledger.Journal;

namespace Ledger.Azure.Storage;

/// <summary>
/// The commit inbox on Azure Table: partition = ledger, row = transaction id. A pending entry carries
/// <c>Pending = true</c>, so the holder's poll is one partition query filtered on it; the outcome is merged into the
/// entry. The transaction state is stored like a session's (inline when it fits, else a blob; see
/// <see cref="SessionStateStorage"/>), under a key of the entry, and deleted with it.
/// </summary>
public sealed class TableCommitInbox : ICommitInbox
{
    private readonly AzureLedgerStorage _storage;
    private readonly SessionStateStorage _states;

    internal TableCommitInbox(AzureLedgerStorage storage)
    {
        _storage = storage;
        _states = new SessionStateStorage(storage);
    }

    /// <inheritdoc/>
    public async ValueTask EnqueueAsync(ForwardedCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        await _storage.EnsureCreatedAsync(cancellationToken);
        var entity = new TableEntity(StorageKeys.Escape(commit.LedgerName), StorageKeys.Escape(commit.TransactionId))
        {
            ["Pending"] = true,
            ["TransactionStartedAt"] = commit.TransactionStartedAt,
            ["CommitDigest"] = commit.CommitDigest.ToBase64(),
        };
        await _states.WriteAsync(entity, StateKey(commit.LedgerName, commit.TransactionId), commit.TransactionState, cancellationToken);
        try
        {
            await _storage.Inbox.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            throw new InvalidOperationException($"Transaction {commit.TransactionId} is already in the inbox.", e);
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
                state));
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
        if (entity is null || entity.GetBoolean("Pending") != false || entity.GetString("Result") is not { } result)
        {
            return null;
        }

        return new ForwardedCommitOutcome(Enum.Parse<ForwardedCommitResult>(result), entity.GetInt64("SequenceNo"), entity.GetString("Message"));
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
        };
        if (outcome.SequenceNo is { } sequenceNo)
        {
            entity["SequenceNo"] = sequenceNo;
        }

        if (outcome.Message is { } message)
        {
            entity["Message"] = message;
        }

        try
        {
            // Merge only into an entry that still exists (ETag *): a forwarder that gave up and deleted it gets no ghost.
            await _storage.Inbox.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Gone: nobody waits for this outcome any more.
        }
    }

    /// <inheritdoc/>
    public async ValueTask DeleteAsync(string ledgerName, string transactionId, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        await _storage.Inbox.DeleteEntityAsync(StorageKeys.Escape(ledgerName), StorageKeys.Escape(transactionId), cancellationToken: cancellationToken);
        await _states.DeleteAllAsync(StateKey(ledgerName, transactionId), cancellationToken);
    }

    private static string StateKey(string ledgerName, string transactionId) => "inbox/" + ledgerName + "/" + transactionId;
}
