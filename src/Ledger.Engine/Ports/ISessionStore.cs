namespace Ledger.Engine.Ports;

/// <summary>
/// What any instance needs to serve a session: who it belongs to, when it expires, and the open transaction's
/// identity and start (the lifetime clock), and <see cref="TransactionState"/>: the open transaction's snapshot and
/// statements as Ion binary, from which any instance rebuilds it. <see cref="ETag"/> guards conditional writes.
/// </summary>
public sealed record SessionRecord(
    string SessionToken,
    string SessionId,
    string LedgerName,
    DateTimeOffset CreatedAt,
    string? TransactionId,
    DateTimeOffset? TransactionStartedAt,
    string? ETag = null,
    byte[]? TransactionState = null);

/// <summary>
/// Session state shared by all instances (Azure Table: partition = ledger, row = session token).
/// </summary>
public interface ISessionStore
{
    /// <summary>Inserts a new session.</summary>
    ValueTask CreateAsync(SessionRecord session, CancellationToken cancellationToken = default);

    /// <summary>The session for a token with its ETag, or null.</summary>
    ValueTask<SessionRecord?> GetAsync(string sessionToken, CancellationToken cancellationToken = default);

    /// <summary>Replaces the session if its ETag still matches; false on a concurrent change.</summary>
    ValueTask<bool> TryUpdateAsync(SessionRecord session, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the session if its ETag still matches and returns the new ETag (so the next write needs no read);
    /// null on a concurrent change or when the session is gone.
    /// </summary>
    ValueTask<string?> ReplaceIfMatchAsync(SessionRecord session, CancellationToken cancellationToken = default);

    /// <summary>Forgets a session (ended or expired).</summary>
    ValueTask DeleteAsync(string sessionToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes every session created before <paramref name="createdBefore"/>, with the transaction state stored for
    /// it, and returns how many sessions went. Sessions a client abandons are never ended, so without this their
    /// records (and spilled state) would stay forever. A session whose record changes while it is being swept is
    /// left for the next sweep.
    /// </summary>
    ValueTask<int> DeleteCreatedBeforeAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken = default);

    /// <summary>Sessions of a ledger created after <paramref name="since"/> (to enforce the per-ledger limit).</summary>
    ValueTask<int> CountActiveAsync(string ledgerName, DateTimeOffset since, CancellationToken cancellationToken = default);
}
