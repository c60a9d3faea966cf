using System.Collections.Concurrent;
using Ledger.Engine;
using Ledger.Engine.Errors;

namespace Ledger.Functions.Api;

/// <summary>
/// Engine sessions the native API reuses from one request to the next. A native request is one transaction; a
/// session started and ended for each cost a session count (on Table storage a query over the sessions table), a
/// session insert and a delete on top of the transaction's own three session writes, which made the native route
/// on Azurite a third as fast as the engine. A session goes back to the pool only after its transaction committed
/// (nothing is left open in it); a failed request ends its session, as before. Sessions never leave this process:
/// they carry no principal (every statement is authorised on its own) and are ended once older than
/// <see cref="MaxAge"/>, well inside the engine's session lifetime.
/// </summary>
public sealed class NativeSessionPool(LedgerEngine engine, TimeProvider clock) : IAsyncDisposable
{
    /// <summary>A pooled session older than this is ended instead of reused (the engine's lifetime is 15 minutes).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>Idle sessions kept per ledger; more are ended (they count against the ledger's session limit).</summary>
    public const int MaxIdlePerLedger = 256;

    private readonly ConcurrentDictionary<string, ConcurrentBag<NativeSession>> _idle = new(StringComparer.Ordinal);

    /// <summary>Idle sessions of a ledger (tests).</summary>
    internal int IdleCount(string ledgerName) => _idle.TryGetValue(ledgerName, out var idle) ? idle.Count : 0;

    /// <summary>An idle session of the ledger that is young enough, else a new one.</summary>
    public async Task<NativeSession> RentAsync(string ledgerName, CancellationToken cancellationToken)
    {
        if (_idle.TryGetValue(ledgerName, out var idle))
        {
            while (idle.TryTake(out var session))
            {
                if (IsYoung(session))
                {
                    return session with { Reused = true };
                }

                await DiscardAsync(session);
            }
        }

        return await StartAsync(ledgerName, cancellationToken);
    }

    /// <summary>A new engine session, never a pooled one.</summary>
    public async Task<NativeSession> StartAsync(string ledgerName, CancellationToken cancellationToken) =>
        new(ledgerName, await engine.StartSessionAsync(ledgerName, cancellationToken), clock.GetUtcNow(), Reused: false);

    /// <summary>Keeps a session whose transaction committed for the next request, or ends it when the pool is full.</summary>
    public async Task ReturnAsync(NativeSession session)
    {
        var idle = _idle.GetOrAdd(session.LedgerName, _ => []);
        if (IsYoung(session) && idle.Count < MaxIdlePerLedger)
        {
            idle.Add(session);
            return;
        }

        await DiscardAsync(session);
    }

    /// <summary>Ends a session (and any transaction open in it); one the engine no longer knows is already gone.</summary>
    public async Task DiscardAsync(NativeSession session)
    {
        try
        {
            await engine.EndSessionAsync(session.Token, CancellationToken.None);
        }
        catch (InvalidSessionException)
        {
            // Expired or ended elsewhere: nothing left to end.
        }
    }

    /// <summary>Ends the idle sessions so they do not count against the ledger's limit after the handler stops.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var idle in _idle.Values)
        {
            while (idle.TryTake(out var session))
            {
                try
                {
                    await DiscardAsync(session);
                }
                catch (Exception failure) when (failure is not OutOfMemoryException)
                {
                    // Storage may be gone at shutdown; the session expires with the engine's session lifetime.
                    break;
                }
            }
        }
    }

    private bool IsYoung(NativeSession session) => clock.GetUtcNow() - session.StartedAt < MaxAge;
}

/// <summary>An engine session the native API holds; <paramref name="Reused"/> when it came from the pool.</summary>
public sealed record NativeSession(string LedgerName, string Token, DateTimeOffset StartedAt, bool Reused);
