using Ledger.Engine.InMemory;
using Ledger.Engine.Ports;

namespace Ledger.Engine.Tests;

public sealed class InMemoryPortTests
{
    [Fact]
    public async Task A_lease_excludes_others_until_it_expires_and_then_can_be_taken_over()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var leases = new InMemorySequencerLease(clock);
        var held = await leases.TryAcquireAsync("l", TimeSpan.FromSeconds(30));
        Assert.NotNull(held);
        Assert.Null(await leases.TryAcquireAsync("l", TimeSpan.FromSeconds(30)));

        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await leases.RenewAsync(held));
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(await leases.TryAcquireAsync("l", TimeSpan.FromSeconds(30)));

        clock.Advance(TimeSpan.FromSeconds(11));
        var other = await leases.TryAcquireAsync("l", TimeSpan.FromSeconds(30));
        Assert.NotNull(other);
        Assert.False(await leases.RenewAsync(held));
        await leases.ReleaseAsync(held);
        Assert.Null(await leases.TryAcquireAsync("l", TimeSpan.FromSeconds(30)));
        await leases.ReleaseAsync(other);
        Assert.NotNull(await leases.TryAcquireAsync("l", TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Ledger_and_session_records_are_updated_only_with_their_current_etag()
    {
        var ledgers = new InMemoryLedgerCatalogStore();
        var record = new LedgerRecord("l", LedgerState.Creating, DateTimeOffset.UnixEpoch, "ALLOW_ALL", true, "strand");
        Assert.True(await ledgers.TryCreateAsync(record));
        Assert.False(await ledgers.TryCreateAsync(record));
        var stored = (await ledgers.GetAsync("l"))!;
        Assert.True(await ledgers.TryUpdateAsync(stored with { State = LedgerState.Active }));
        Assert.False(await ledgers.TryUpdateAsync(stored with { State = LedgerState.Deleting }));
        Assert.False(await ledgers.TryDeleteAsync(stored));
        Assert.True(await ledgers.TryDeleteAsync((await ledgers.GetAsync("l"))!));

        var sessions = new InMemorySessionStore();
        await sessions.CreateAsync(new SessionRecord("token", "id", "l", DateTimeOffset.UnixEpoch, null, null));
        var session = (await sessions.GetAsync("token"))!;
        Assert.True(await sessions.TryUpdateAsync(session with { TransactionId = "tx" }));
        Assert.False(await sessions.TryUpdateAsync(session with { TransactionId = "other" }));
        Assert.Equal("tx", (await sessions.GetAsync("token"))!.TransactionId);
        Assert.Equal(1, await sessions.CountActiveAsync("l", DateTimeOffset.UnixEpoch.AddSeconds(-1)));
    }
}

public sealed class SequencerLeaseHandoverTests
{
    [Fact]
    public async Task An_instance_that_lost_its_lease_keeps_sequencing_after_the_new_holder_and_the_chain_stays_one()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE T");

        // The first instance goes quiet past its lease; a second instance over the same storage takes over.
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock);
        var session = await second.StartSessionAsync(fixture.LedgerName);
        var transactionId = await second.StartTransactionAsync(session);
        await second.ExecuteStatementAsync(session, transactionId, "INSERT INTO T VALUE {'a': 1}");
        var outcome = await second.CommitTransactionAsync(session, transactionId, EngineFixture.DriverDigest(transactionId, ("INSERT INTO T VALUE {'a': 1}", [])));
        Assert.Equal(1, outcome.SequenceNo);

        var (late, _) = await fixture.RunAsync("INSERT INTO T VALUE {'b': 2}");
        Assert.Equal(2, late.SequenceNo);
        var blocks = await fixture.BlocksAsync();
        Assert.Equal(3, blocks.Count);
        Ledger.Journal.Verification.BlockVerifier.VerifyChain(blocks.Select(b => b.Hashes).ToList()).ThrowIfInvalid();
    }
}
