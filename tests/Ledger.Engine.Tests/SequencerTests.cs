using System.Collections.Immutable;
using Ledger.Engine.Errors;
using Ledger.Engine.InMemory;
using Ledger.Engine.Model;
using Ledger.Engine.Sequencing;
using Ledger.Engine.Transactions;
using Ledger.Ion;
using Ledger.Journal.Model;

namespace Ledger.Engine.Tests;

public sealed class SequencerTests
{
    internal static readonly TableDescriptor Table = new("0000000000000000000001", "T", TableStatus.Active, []);

    // A single-document insert into table T at the snapshot (the pipeline tests use it too).
    internal static CommitRequest Insert(long snapshot, ReadSet? reads = null) => new(
        QldbId.New(),
        snapshot,
        reads ?? new ReadSet(),
        [],
        [new PendingDocument(Table.TableId, Table.Name, QldbId.New(), 0, IonStruct.Of(new IonField("a", IonInt.Of(1))), [0])],
        [],
        [new StatementRecord("INSERT INTO T VALUE {'a': 1}", QldbTime.ToTimestamp(DateTimeOffset.UnixEpoch), default)]);

    // A sequencer of ledger "l" over shared in-memory ports, as each instance recovers one.
    private static Task<Sequencer> RecoverAsync(InMemoryJournalStore journal, InMemoryViewStore views) =>
        Sequencer.RecoverAsync("l", QldbId.New(), journal, views, TimeProvider.System);

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(100)]
    public async Task Grouped_commits_get_dense_sequence_numbers_and_the_chain_of_commit_tasks_covers_them(int group)
    {
        var journal = new InMemoryJournalStore();
        await using var sequencer = await Sequencer.RecoverAsync("l", QldbId.New(), journal, new InMemoryViewStore(), TimeProvider.System, CommitPolicy.MaxGroup(group));
        var firstCommit = sequencer.CommitTask;
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => sequencer.EnqueueAndWaitForCommitAsync(Insert(0))));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long?)i), results.Select(r => r.Block?.SequenceNo).Order());
        Assert.Equal(20, sequencer.CommittedSize);
        await sequencer.WaitForCommitAsync(20);
        Assert.Equal(0, (await firstCommit).Info.FromSize);
        Assert.Equal(20, (await journal.GetTipAsync("l")).Size);
    }

    [Fact]
    public async Task A_read_invalidated_earlier_in_the_same_group_is_a_conflict()
    {
        await using var sequencer = await Sequencer.RecoverAsync("l", QldbId.New(), new InMemoryJournalStore(), new InMemoryViewStore(), TimeProvider.System);
        var scanner = new ReadSet();
        scanner.AddTableScan(Table.TableId);
        var writer = sequencer.EnqueueAndWaitForCommitAsync(Insert(0));
        var reader = sequencer.EnqueueAndWaitForCommitAsync(Insert(0, scanner));
        await writer;
        await Assert.ThrowsAsync<OccConflictException>(() => reader);
        Assert.Equal(1, sequencer.CommittedSize);
    }

    [Fact]
    public async Task A_transaction_already_journaled_after_its_snapshot_is_reported_with_its_block_and_not_appended_again()
    {
        var journal = new InMemoryJournalStore();
        await using var sequencer = await RecoverAsync(journal, new InMemoryViewStore());
        var request = Insert(0);
        var first = await sequencer.EnqueueAndWaitForCommitAsync(request);
        await sequencer.EnqueueAndWaitForCommitAsync(Insert(1));

        var again = await sequencer.EnqueueAndWaitForCommitAsync(request);

        Assert.Equal(request.TransactionId, again.TransactionId);
        Assert.Equal(first.SequenceNo, again.SequenceNo);
        Assert.Null(again.Block);
        Assert.Equal(2, (await journal.GetTipAsync("l")).Size);
    }

    [Fact]
    public async Task A_sequencer_whose_slot_was_taken_by_the_same_transaction_reports_that_block_after_catching_up()
    {
        var journal = new InMemoryJournalStore();
        var views = new InMemoryViewStore();
        await using var stale = await RecoverAsync(journal, views);
        var request = Insert(0);
        await using (var other = await RecoverAsync(journal, views))
        {
            await other.EnqueueAndWaitForCommitAsync(request);
        }

        var result = await stale.EnqueueAndWaitForCommitAsync(request);

        Assert.Equal(0, result.SequenceNo);
        Assert.Equal(1, (await journal.GetTipAsync("l")).Size);
        Assert.Equal(1, stale.CommittedSize);
    }

    [Fact]
    public async Task A_snapshot_older_than_the_window_is_searched_in_the_journal()
    {
        var journal = new InMemoryJournalStore();
        var views = new InMemoryViewStore();
        var request = Insert(0);
        await using (var first = await RecoverAsync(journal, views))
        {
            await first.EnqueueAndWaitForCommitAsync(request);
            await first.EnqueueAndWaitForCommitAsync(Insert(1));
        }

        // Recovered after both blocks: its window starts at the tip, below which the transaction sits.
        await using var recovered = await RecoverAsync(journal, views);
        var result = await recovered.EnqueueAndWaitForCommitAsync(request);

        Assert.Equal(0, result.SequenceNo);
        Assert.Equal(2, (await journal.GetTipAsync("l")).Size);
    }

    [Fact]
    public async Task A_sequencer_whose_slot_was_taken_catches_up_and_appends_after_the_other_sequencers_block()
    {
        var journal = new InMemoryJournalStore();
        var views = new InMemoryViewStore();
        await using var behind = await Sequencer.RecoverAsync("l", QldbId.New(), journal, views, TimeProvider.System);
        await using (var other = await Sequencer.RecoverAsync("l", QldbId.New(), journal, views, TimeProvider.System))
        {
            await other.EnqueueAndWaitForCommitAsync(Insert(0));
        }

        var result = await behind.EnqueueAndWaitForCommitAsync(Insert(1));
        Assert.Equal(1, result.Block!.SequenceNo);
        Assert.Equal(2, behind.CommittedSize);
        Assert.Equal(2, await views.GetWatermarkAsync("l"));
        var blocks = (await journal.ReadBlocksAsync("l", 0, 2, 10)).Blocks;
        Assert.Equal(blocks[0].Hashes.BlockHash, blocks[1].Hashes.PreviousBlockHash);
    }

    [Fact]
    public async Task A_waiting_transaction_that_read_what_another_sequencer_wrote_fails_with_occ_and_stores_nothing()
    {
        var journal = new InMemoryJournalStore();
        var views = new InMemoryViewStore();
        var reads = new ReadSet();
        reads.AddTableScan(Table.TableId);
        await using var behind = await Sequencer.RecoverAsync("l", QldbId.New(), journal, views, TimeProvider.System);
        await using (var other = await Sequencer.RecoverAsync("l", QldbId.New(), journal, views, TimeProvider.System))
        {
            await other.EnqueueAndWaitForCommitAsync(Insert(0));
        }

        await Assert.ThrowsAsync<OccConflictException>(() => behind.EnqueueAndWaitForCommitAsync(Insert(0, reads)));
        Assert.Equal(1, (await journal.GetTipAsync("l")).Size);
        Assert.Equal(1, behind.CommittedSize);
    }

    [Fact]
    public async Task Old_snapshots_are_validated_from_the_journal_after_a_restart()
    {
        var journal = new InMemoryJournalStore();
        var views = new InMemoryViewStore();
        var reads = new ReadSet();
        reads.AddTableScan(Table.TableId);
        await using (var first = await Sequencer.RecoverAsync("l", QldbId.New(), journal, views, TimeProvider.System))
        {
            await first.EnqueueAndWaitForCommitAsync(Insert(0));
        }

        await using var restarted = await Sequencer.RecoverAsync("l", QldbId.New(), journal, views, TimeProvider.System);
        await Assert.ThrowsAsync<OccConflictException>(() => restarted.EnqueueAndWaitForCommitAsync(Insert(0, reads)));
        await restarted.EnqueueAndWaitForCommitAsync(Insert(1, reads));
        Assert.Equal(2, restarted.CommittedSize);
    }

    [Fact]
    public async Task A_read_only_transaction_commits_without_a_block()
    {
        await using var sequencer = await Sequencer.RecoverAsync("l", QldbId.New(), new InMemoryJournalStore(), new InMemoryViewStore(), TimeProvider.System);
        var request = Insert(0) with { DocumentWrites = ImmutableArray<PendingDocument>.Empty };
        var result = await sequencer.EnqueueAndWaitForCommitAsync(request);
        Assert.Null(result.Block);
        Assert.Equal(0, sequencer.CommittedSize);
    }
}
