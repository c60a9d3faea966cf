using Ledger.Azure.Storage;
using Ledger.Azure.Tests.Infrastructure;
using Ledger.Engine.Ports;
using Ledger.Journal;

namespace Ledger.Azure.Tests.Storage;

/// <summary>The commit inbox on Azurite: pending entries per ledger, outcomes, deletion, and a spilled big state.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableCommitInboxTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly AzureStorageOptions _options = new(AzuriteFixture.UniqueName("inbox"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => AzureEnginePorts.DeleteAllAsync(azurite.Connection, _options);

    [Fact]
    public async Task Pending_entries_are_listed_per_ledger_until_their_outcome_is_written_and_the_forwarder_reads_and_deletes_it()
    {
        var inbox = (await AzureEnginePorts.CreateAsync(azurite.Connection, TimeProvider.System, _options)).Inbox;
        var started = new DateTimeOffset(2026, 12, 7, 22, 0, 0, TimeSpan.Zero);
        var digest = new Hash32(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        await inbox.EnqueueAsync(new ForwardedCommit("alpha", "tx-1", started, digest, [1, 2, 3], "here"));
        await inbox.EnqueueAsync(new ForwardedCommit("alpha", "tx-2", started, digest, [4], "there"));
        await inbox.EnqueueAsync(new ForwardedCommit("beta", "tx-3", started, digest, [5], "here"));

        var pending = await inbox.ListPendingAsync("alpha", 10);
        Assert.Equal(["tx-1", "tx-2"], pending.Select(p => p.TransactionId).Order());
        var first = pending.Single(p => p.TransactionId == "tx-1");
        Assert.Equal(("alpha", started, digest, "here"), (first.LedgerName, first.TransactionStartedAt, first.CommitDigest, first.Forwarder));
        Assert.Equal([1, 2, 3], first.TransactionState);
        Assert.Single(await inbox.ListPendingAsync("alpha", 1));
        Assert.Null(await inbox.GetOutcomeAsync("alpha", "tx-1"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => inbox.EnqueueAsync(first).AsTask());

        await inbox.SetOutcomeAsync("alpha", "tx-1", new ForwardedCommitOutcome(ForwardedCommitResult.Committed, 43, null));
        await inbox.SetOutcomeAsync("alpha", "tx-2", new ForwardedCommitOutcome(ForwardedCommitResult.OccConflict, null, "OCC"));

        Assert.Empty(await inbox.ListPendingAsync("alpha", 10));
        Assert.Equal(["tx-3"], (await inbox.ListPendingAsync("beta", 10)).Select(p => p.TransactionId));
        Assert.Equal(new ForwardedCommitOutcome(ForwardedCommitResult.Committed, 43, null), await inbox.GetOutcomeAsync("alpha", "tx-1"));
        Assert.Equal(new ForwardedCommitOutcome(ForwardedCommitResult.OccConflict, null, "OCC"), await inbox.GetOutcomeAsync("alpha", "tx-2"));

        // Each forwarder lists the answers to its own entries with one query.
        Assert.Equal([new AnsweredCommit("tx-1", new ForwardedCommitOutcome(ForwardedCommitResult.Committed, 43, null))], await inbox.ListAnsweredAsync("alpha", "here"));
        Assert.Equal(["tx-2"], (await inbox.ListAnsweredAsync("alpha", "there")).Select(a => a.TransactionId));
        Assert.Empty(await inbox.ListAnsweredAsync("beta", "here"));

        await inbox.DeleteAsync("alpha", "tx-1");
        Assert.Null(await inbox.GetOutcomeAsync("alpha", "tx-1"));

        // An outcome for an entry its forwarder already deleted leaves nothing behind.
        await inbox.SetOutcomeAsync("alpha", "tx-1", new ForwardedCommitOutcome(ForwardedCommitResult.Committed, 43, null));
        Assert.Null(await inbox.GetOutcomeAsync("alpha", "tx-1"));
    }

    [Fact]
    public async Task A_transaction_state_larger_than_an_entity_holds_round_trips_and_is_deleted_with_the_entry()
    {
        var inbox = (await AzureEnginePorts.CreateAsync(azurite.Connection, TimeProvider.System, _options)).Inbox;
        var state = new byte[2 * 1024 * 1024];
        new Random(7).NextBytes(state);
        await inbox.EnqueueAsync(new ForwardedCommit("gamma", "tx-big", DateTimeOffset.UnixEpoch, new Hash32(new byte[32]), state, "here"));

        var pending = Assert.Single(await inbox.ListPendingAsync("gamma", 10));
        Assert.Equal(state, pending.TransactionState);

        await inbox.DeleteAsync("gamma", "tx-big");
        Assert.Empty(await inbox.ListPendingAsync("gamma", 10));
        Assert.Empty(await StateBlobsAsync());
    }

    [Fact]
    public async Task Concurrent_writes_of_one_ledger_go_out_as_entity_group_transactions_and_a_missing_entry_fails_alone()
    {
        var counter = new TableRequestCounter("Inbox");
        var inbox = (await AzureEnginePorts.CreateAsync(azurite.Connection, TimeProvider.System, _options with { RequestObserver = counter })).Inbox;
        var digest = new Hash32(new byte[32]);
        var ids = Enumerable.Range(0, 40).Select(i => $"tx-{i}").ToList();

        var before = counter.Writes;
        await Task.WhenAll(ids.Select(id => inbox.EnqueueAsync(new ForwardedCommit("delta", id, DateTimeOffset.UnixEpoch, digest, [1], "here")).AsTask()));
        var enqueueRequests = counter.Writes - before;
        Assert.Equal(40, (await inbox.ListPendingAsync("delta", 100)).Count);

        // Outcomes for the 40 entries and one that is gone: the gone one changes nothing, the rest are written.
        before = counter.Writes;
        await Task.WhenAll(ids.Append("tx-gone").Select(id => inbox.SetOutcomeAsync("delta", id, new ForwardedCommitOutcome(ForwardedCommitResult.Committed, 1, null)).AsTask()));
        var outcomeRequests = counter.Writes - before;
        Assert.Equal(40, (await inbox.ListAnsweredAsync("delta", "here")).Count);
        Assert.Null(await inbox.GetOutcomeAsync("delta", "tx-gone"));

        before = counter.Writes;
        await Task.WhenAll(ids.Append("tx-gone").Select(id => inbox.DeleteAsync("delta", id).AsTask()));
        var deleteRequests = counter.Writes - before;
        Assert.Empty(await inbox.ListAnsweredAsync("delta", "here"));

        Assert.True(enqueueRequests < 40, $"40 enqueues took {enqueueRequests} requests");
        Assert.True(outcomeRequests < 41, $"41 outcome writes took {outcomeRequests} requests");
        Assert.True(deleteRequests < 41, $"41 deletes took {deleteRequests} requests");
    }

    [Fact]
    public async Task The_sweep_deletes_entries_answered_before_the_cutoff_only()
    {
        var clock = new SettableClock(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));
        var inbox = (await AzureEnginePorts.CreateAsync(azurite.Connection, clock, _options)).Inbox;
        var digest = new Hash32(new byte[32]);
        foreach (var id in new[] { "old", "new", "pending" })
        {
            await inbox.EnqueueAsync(new ForwardedCommit("epsilon", id, DateTimeOffset.UnixEpoch, digest, [1], "dead"));
        }

        await inbox.SetOutcomeAsync("epsilon", "old", new ForwardedCommitOutcome(ForwardedCommitResult.OccConflict, null, "OCC"));
        clock.Now += TimeSpan.FromMinutes(11);
        await inbox.SetOutcomeAsync("epsilon", "new", new ForwardedCommitOutcome(ForwardedCommitResult.OccConflict, null, "OCC"));

        Assert.Equal(1, await inbox.DeleteAnsweredBeforeAsync("epsilon", clock.Now - TimeSpan.FromMinutes(10)));

        Assert.Equal(["new"], (await inbox.ListAnsweredAsync("epsilon", "dead")).Select(a => a.TransactionId));
        Assert.Equal(["pending"], (await inbox.ListPendingAsync("epsilon", 10)).Select(p => p.TransactionId));
    }

    private async Task<List<string>> StateBlobsAsync()
    {
        var storage = new AzureLedgerStorage(azurite.Connection, _options);
        var names = new List<string>();
        await foreach (var blob in storage.Blocks.GetBlobsAsync("_sessions/"))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    private sealed class SettableClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
