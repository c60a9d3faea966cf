using global::Azure;
using Ledger.Azure.Tables;
using Ledger.Engine.Ports;

namespace Ledger.Azure.Storage;

/// <summary>
/// Sessions on Azure Table. Every request looks a session up by its token alone, so the row is the escaped token and
/// the partition a hash bucket of it (a point read; the ledger is not known from the token); counting a ledger's
/// sessions is a filtered query, which only StartSession runs. Updates are conditional on the ETag. The sessions of
/// a bucket share a partition so that their concurrent updates go out as one entity group transaction
/// (<see cref="WriteCoalescer{TWrite, TResult}"/>): a session command's write waits at most for the group in flight
/// in its bucket, and each update keeps its own If-Match (a moved session fails alone, the rest is resubmitted).
/// </summary>
public sealed class TableSessionStore : ISessionStore
{
    /// <summary>How many partitions the sessions spread over: enough to stay far below a partition's throughput limit, few enough that concurrent sessions share a group.</summary>
    internal const int DefaultBuckets = 8;

    private const string BucketPrefix = "s";

    private readonly AzureLedgerStorage _storage;
    private readonly SessionStateStorage _states;
    private readonly int _buckets;
    private readonly WriteCoalescer<ConditionalReplace, string?> _updates;

    internal TableSessionStore(AzureLedgerStorage storage, int buckets = DefaultBuckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        _storage = storage;
        _states = new SessionStateStorage(storage);
        _buckets = buckets;
        _updates = new WriteCoalescer<ConditionalReplace, string?>(
            SubmitReplacesAsync,
            write => write.Entity.PartitionKey,
            write => write.Entity.RowKey,
            write => write.Weight,
            TableTransaction.MaxOperations,
            TableTransaction.MaxOperationsBytes);
    }

    /// <summary>The partition of a session: a stable hash of its token, so every instance finds it.</summary>
    internal string PartitionOf(string sessionToken)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sessionToken));
        var bucket = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash) % (uint)_buckets;
        return BucketPrefix + bucket.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public async ValueTask CreateAsync(SessionRecord session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        await _storage.EnsureCreatedAsync(cancellationToken);
        try
        {
            await _storage.Sessions.AddEntityAsync(await ToEntityAsync(session, cancellationToken), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            throw new InvalidOperationException("The session token is already in use.", e);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<SessionRecord?> GetAsync(string sessionToken, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        var entity = (await _storage.Sessions.GetEntityIfExistsAsync(PartitionOf(sessionToken), StorageKeys.Escape(sessionToken), cancellationToken: cancellationToken)).Value;
        return entity is null ? null : FromEntity(sessionToken, entity, await _states.ReadAsync(entity, cancellationToken));
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryUpdateAsync(SessionRecord session, CancellationToken cancellationToken = default) =>
        await ReplaceIfMatchAsync(session, cancellationToken) is not null;

    /// <inheritdoc/>
    public async ValueTask<string?> ReplaceIfMatchAsync(SessionRecord session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.ETag is null)
        {
            return null;
        }

        await _storage.EnsureCreatedAsync(cancellationToken);
        var entity = await ToEntityAsync(session, cancellationToken);
        var weight = TableTransaction.OperationBytes(entity);
        try
        {
            return await _updates.WriteAsync(new ConditionalReplace(entity, new ETag(session.ETag), weight), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return null;
        }
    }

    // One update goes as a plain conditional PUT; several as one entity group transaction. A transaction fails whole
    // when one update's ETag no longer matches (or its session is gone): that update alone is rejected (the caller
    // sees a concurrent change) and the coalescer resubmits the rest. When the service does not name the failed
    // operation, each update is retried on its own so that none fails for another session's race.
    private async Task<IReadOnlyList<string?>> SubmitReplacesAsync(IReadOnlyList<ConditionalReplace> writes)
    {
        if (writes.Count == 1)
        {
            return [await ReplaceAloneAsync(writes[0])];
        }

        var transaction = new TableTransaction();
        foreach (var write in writes)
        {
            transaction.UpdateEntity(write.Entity, write.IfMatch, TableUpdateMode.Replace);
        }

        try
        {
            var results = (await _storage.Sessions.SubmitTransactionAsync(transaction)).Value;
            return [.. results.Select(r => (string?)r.ETag.ToString())];
        }
        catch (TableTransactionFailedException e) when (e.FailedOperationIndex is { } index && index >= 0 && index < writes.Count)
        {
            throw new CoalescedWriteRejectedException(index, e);
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
        {
            var alone = new List<string?>(writes.Count);
            foreach (var write in writes)
            {
                alone.Add(await ReplaceAloneAsync(write));
            }

            return alone;
        }
    }

    private async Task<string?> ReplaceAloneAsync(ConditionalReplace write)
    {
        try
        {
            return (await _storage.Sessions.UpdateEntityAsync(write.Entity, write.IfMatch, TableUpdateMode.Replace)).Value.ToString();
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DeleteAsync(string sessionToken, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        await _storage.Sessions.DeleteEntityAsync(PartitionOf(sessionToken), StorageKeys.Escape(sessionToken), cancellationToken: cancellationToken);
        await _states.DeleteAllAsync(sessionToken, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One query over the whole sessions table (every bucket, and rows of earlier layouts too), then a delete per
    /// expired session, conditional on the ETag the query returned. Spilled state blobs go by age: a state blob is
    /// written after its session was created, so one last modified before <paramref name="createdBefore"/> belongs
    /// to an expired session or was superseded, and that also collects blobs a crash left behind.
    /// </remarks>
    public async ValueTask<int> DeleteCreatedBeforeAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        var expired = new List<TableEntity>();
        var filter = TableFilter.Create($"CreatedAt lt {createdBefore}");
        await foreach (var entity in _storage.Sessions.QueryAsync(filter, 1000, ["PartitionKey", "RowKey"], cancellationToken))
        {
            expired.Add(entity);
        }

        var deleted = 0;
        foreach (var entity in expired)
        {
            try
            {
                if ((await _storage.Sessions.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken)).Value)
                {
                    deleted++;
                }
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Written since the query: the next sweep sees it again.
            }
        }

        await _states.DeleteModifiedBeforeAsync(createdBefore, cancellationToken);
        return deleted;
    }

    /// <inheritdoc/>
    public async ValueTask<int> CountActiveAsync(string ledgerName, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        var count = 0;
        var filter = TableFilter.Create($"LedgerName eq {ledgerName} and CreatedAt gt {since}");
        await foreach (var _ in _storage.Sessions.QueryAsync(filter, 1000, ["LedgerName"], cancellationToken))
        {
            count++;
        }

        return count;
    }

    private async Task<TableEntity> ToEntityAsync(SessionRecord session, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(PartitionOf(session.SessionToken), StorageKeys.Escape(session.SessionToken))
        {
            ["SessionId"] = session.SessionId,
            ["LedgerName"] = session.LedgerName,
            ["CreatedAt"] = session.CreatedAt,
        };
        entity["TransactionId"] = session.TransactionId;
        if (session.TransactionStartedAt is { } started)
        {
            entity["TransactionStartedAt"] = started;
        }

        if (session.TransactionState is { } state)
        {
            await _states.WriteAsync(entity, session.SessionToken, state, cancellationToken);
        }

        return entity;
    }

    private static SessionRecord FromEntity(string sessionToken, TableEntity entity, byte[]? transactionState) => new(
        sessionToken,
        entity.GetString("SessionId")!,
        entity.GetString("LedgerName")!,
        entity.GetDateTimeOffset("CreatedAt")!.Value,
        entity.GetString("TransactionId"),
        entity.GetDateTimeOffset("TransactionStartedAt"),
        entity.ETag.ToString(),
        transactionState);

    /// <summary>A session entity replaced if its stored ETag is <see cref="IfMatch"/>; <see cref="Weight"/> is its share of a transaction's 4 MiB.</summary>
    private sealed record ConditionalReplace(TableEntity Entity, ETag IfMatch, long Weight);
}
