using global::Azure;
using Ledger.Azure.Tables;
using Ledger.Engine.Ports;

namespace Ledger.Azure.Storage;

/// <summary>
/// Sessions on Azure Table. Every request looks a session up by its token alone, so the partition is the escaped
/// token (a point read) rather than the ledger; counting a ledger's sessions is a filtered query, which only
/// StartSession runs. Updates are conditional on the ETag.
/// </summary>
public sealed class TableSessionStore : ISessionStore
{
    private const string RowKey = "";

    private readonly AzureLedgerStorage _storage;
    private readonly SessionStateStorage _states;

    internal TableSessionStore(AzureLedgerStorage storage)
    {
        _storage = storage;
        _states = new SessionStateStorage(storage);
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
        var entity = (await _storage.Sessions.GetEntityIfExistsAsync(StorageKeys.Escape(sessionToken), RowKey, cancellationToken: cancellationToken)).Value;
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
        try
        {
            return (await _storage.Sessions.UpdateEntityAsync(await ToEntityAsync(session, cancellationToken), new ETag(session.ETag), TableUpdateMode.Replace, cancellationToken)).Value.ToString();
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
        await _storage.Sessions.DeleteEntityAsync(StorageKeys.Escape(sessionToken), RowKey, cancellationToken: cancellationToken);
        await _states.DeleteAllAsync(sessionToken, cancellationToken);
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
        var entity = new TableEntity(StorageKeys.Escape(session.SessionToken), RowKey)
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
}
