using Ledger.Engine;
using Ledger.Engine.Errors;
using Ledger.Functions.Api;

namespace Ledger.Functions.Tests.Api;

/// <summary>The native API's session pool on an in-memory engine: reuse, age limit, stale sessions, shutdown.</summary>
public sealed class NativeSessionPoolTests : IAsyncLifetime
{
    private const string LedgerName = "pooled";

    private readonly SettableClock _clock = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private EnginePorts? _ports;
    private LedgerEngine? _engine;

    private LedgerEngine Engine => _engine!;

    public async Task InitializeAsync()
    {
        _ports = EnginePorts.InMemory(_clock);
        _engine = new LedgerEngine(_ports, _clock);
        await _engine.CreateLedgerAsync(LedgerName, deletionProtection: false);
    }

    public async Task DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
    }

    private async Task<int> ActiveSessionsAsync() =>
        await _ports!.Sessions.CountActiveAsync(LedgerName, _clock.GetUtcNow() - TimeSpan.FromMinutes(15));

    [Fact]
    public async Task A_returned_session_serves_the_next_rent_without_a_new_engine_session()
    {
        await using var pool = new NativeSessionPool(Engine, _clock);

        var first = await pool.RentAsync(LedgerName, CancellationToken.None);
        await pool.ReturnAsync(first);
        var second = await pool.RentAsync(LedgerName, CancellationToken.None);

        Assert.False(first.Reused);
        Assert.True(second.Reused);
        Assert.Equal(first.Token, second.Token);
        Assert.Equal(1, await ActiveSessionsAsync());
    }

    [Fact]
    public async Task A_session_older_than_the_max_age_is_ended_instead_of_reused()
    {
        await using var pool = new NativeSessionPool(Engine, _clock);
        var old = await pool.RentAsync(LedgerName, CancellationToken.None);
        await pool.ReturnAsync(old);

        _clock.Advance(NativeSessionPool.MaxAge + TimeSpan.FromSeconds(1));
        var next = await pool.RentAsync(LedgerName, CancellationToken.None);

        Assert.False(next.Reused);
        Assert.NotEqual(old.Token, next.Token);
        Assert.Equal(1, await ActiveSessionsAsync());
        await Assert.ThrowsAsync<InvalidSessionException>(() => Engine.StartTransactionAsync(old.Token));
    }

    [Fact]
    public async Task Discarding_a_session_the_engine_already_ended_is_not_an_error()
    {
        await using var pool = new NativeSessionPool(Engine, _clock);
        var session = await pool.RentAsync(LedgerName, CancellationToken.None);
        await Engine.EndSessionAsync(session.Token);

        await pool.DiscardAsync(session);

        Assert.Equal(0, await ActiveSessionsAsync());
    }

    [Fact]
    public async Task Disposing_the_pool_ends_its_idle_sessions()
    {
        var pool = new NativeSessionPool(Engine, _clock);
        var sessions = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => pool.RentAsync(LedgerName, CancellationToken.None)));
        foreach (var session in sessions)
        {
            await pool.ReturnAsync(session);
        }

        Assert.Equal(3, pool.IdleCount(LedgerName));
        await pool.DisposeAsync();

        Assert.Equal(0, pool.IdleCount(LedgerName));
        Assert.Equal(0, await ActiveSessionsAsync());
    }

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
