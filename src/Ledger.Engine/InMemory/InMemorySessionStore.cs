using System.Globalization;
using Ledger.Engine.Ports;

namespace Ledger.Engine.InMemory;

/// <summary>An <see cref="ISessionStore"/> in memory with ETag semantics.</summary>
public sealed class InMemorySessionStore : ISessionStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SessionRecord> _sessions = new(StringComparer.Ordinal);
    private long _etag;

    /// <inheritdoc/>
    public ValueTask CreateAsync(SessionRecord session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            if (!_sessions.TryAdd(session.SessionToken, session with { ETag = NextETag() }))
            {
                throw new InvalidOperationException("The session token is already in use.");
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<SessionRecord?> GetAsync(string sessionToken, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_sessions.GetValueOrDefault(sessionToken));
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryUpdateAsync(SessionRecord session, CancellationToken cancellationToken = default) =>
        await ReplaceIfMatchAsync(session, cancellationToken) is not null;

    /// <inheritdoc/>
    public ValueTask<string?> ReplaceIfMatchAsync(SessionRecord session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            if (!_sessions.TryGetValue(session.SessionToken, out var current) || current.ETag != session.ETag)
            {
                return ValueTask.FromResult<string?>(null);
            }

            var etag = NextETag();
            _sessions[session.SessionToken] = session with { ETag = etag };
            return ValueTask.FromResult<string?>(etag);
        }
    }

    /// <inheritdoc/>
    public ValueTask DeleteAsync(string sessionToken, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _sessions.Remove(sessionToken);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<int> DeleteCreatedBeforeAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var expired = _sessions.Values.Where(s => s.CreatedAt < createdBefore).Select(s => s.SessionToken).ToList();
            foreach (var token in expired)
            {
                _sessions.Remove(token);
            }

            return ValueTask.FromResult(expired.Count);
        }
    }

    /// <inheritdoc/>
    public ValueTask<int> CountActiveAsync(string ledgerName, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_sessions.Values.Count(s => s.LedgerName == ledgerName && s.CreatedAt > since));
        }
    }

    private string NextETag() => (++_etag).ToString(CultureInfo.InvariantCulture);
}
