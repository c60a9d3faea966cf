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
        await inbox.EnqueueAsync(new ForwardedCommit("alpha", "tx-1", started, digest, [1, 2, 3]));
        await inbox.EnqueueAsync(new ForwardedCommit("alpha", "tx-2", started, digest, [4]));
        await inbox.EnqueueAsync(new ForwardedCommit("beta", "tx-3", started, digest, [5]));

        var pending = await inbox.ListPendingAsync("alpha", 10);
        Assert.Equal(["tx-1", "tx-2"], pending.Select(p => p.TransactionId).Order());
        var first = pending.Single(p => p.TransactionId == "tx-1");
        Assert.Equal(("alpha", started, digest), (first.LedgerName, first.TransactionStartedAt, first.CommitDigest));
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
        await inbox.EnqueueAsync(new ForwardedCommit("gamma", "tx-big", DateTimeOffset.UnixEpoch, new Hash32(new byte[32]), state));

        var pending = Assert.Single(await inbox.ListPendingAsync("gamma", 10));
        Assert.Equal(state, pending.TransactionState);

        await inbox.DeleteAsync("gamma", "tx-big");
        Assert.Empty(await inbox.ListPendingAsync("gamma", 10));
    }
}
