using Ledger.Engine.Sessions;

namespace Ledger.Engine;

// Housekeeping that no client request triggers: sessions a client abandoned (QLDB lets them expire).
public sealed partial class LedgerEngine
{
    /// <summary>
    /// How long past its lifetime an expired session's stored record is kept before a sweep deletes it: room for a
    /// command that started just before the expiry, and for clock skew between instances and the storage service
    /// (state blobs go by the service's last-modified time).
    /// </summary>
    public static readonly TimeSpan SessionSweepGrace = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Forgets sessions past their lifetime: this instance's in-memory copies at once, and the stored records (with
    /// any spilled transaction state) once they are also <see cref="SessionSweepGrace"/> old. A command on an
    /// expired session already fails with InvalidSessionException; the sweep only frees what such sessions hold.
    /// Returns how many stored sessions were deleted.
    /// </summary>
    public async Task<int> SweepExpiredSessionsAsync(CancellationToken cancellationToken = default)
    {
        var expiredBefore = _clock.GetUtcNow() - Limits.SessionLifetime;
        foreach (var (token, session) in _sessions)
        {
            if (session.CreatedAt < expiredBefore)
            {
                _sessions.TryRemove(new KeyValuePair<string, Session>(token, session));
            }
        }

        return await _ports.Sessions.DeleteCreatedBeforeAsync(expiredBefore - SessionSweepGrace, cancellationToken);
    }
}
