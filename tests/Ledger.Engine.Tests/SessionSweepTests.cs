using Ledger.Engine.Errors;

namespace Ledger.Engine.Tests;

/// <summary>Sessions a client abandons are swept: once past their lifetime plus the grace, their stored records go.</summary>
public sealed class SessionSweepTests
{
    [Fact]
    public async Task An_abandoned_session_is_deleted_after_its_lifetime_and_the_grace_while_a_younger_one_stays()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var engine = fixture.Engine;
        var abandoned = await engine.StartSessionAsync(fixture.LedgerName);
        await engine.StartTransactionAsync(abandoned);
        fixture.Clock.Advance(TimeSpan.FromMinutes(10));
        var active = await engine.StartSessionAsync(fixture.LedgerName);

        // Expired (16 minutes old) but still within the grace: nothing stored is deleted yet.
        fixture.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(0, await engine.SweepExpiredSessionsAsync());
        Assert.NotNull(await fixture.Ports.Sessions.GetAsync(abandoned));

        fixture.Clock.Advance(engine.Limits.SessionLifetime + LedgerEngine.SessionSweepGrace - TimeSpan.FromMinutes(16) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await engine.SweepExpiredSessionsAsync());

        Assert.Null(await fixture.Ports.Sessions.GetAsync(abandoned));
        await Assert.ThrowsAsync<InvalidSessionException>(() => engine.StartTransactionAsync(abandoned));
        var transactionId = await engine.StartTransactionAsync(active);
        Assert.False(string.IsNullOrEmpty(transactionId));
        Assert.Equal(0, await engine.SweepExpiredSessionsAsync());
    }

    [Fact]
    public async Task A_sweep_on_one_instance_ends_an_expired_session_another_instance_still_holds_in_memory()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await using var other = new LedgerEngine(fixture.Ports, fixture.Clock);
        var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        await other.StartTransactionAsync(session);

        fixture.Clock.Advance(fixture.Engine.Limits.SessionLifetime + LedgerEngine.SessionSweepGrace + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await fixture.Engine.SweepExpiredSessionsAsync());
        Assert.Equal(0, await other.SweepExpiredSessionsAsync());

        await Assert.ThrowsAsync<InvalidSessionException>(() => other.StartTransactionAsync(session));
    }
}
