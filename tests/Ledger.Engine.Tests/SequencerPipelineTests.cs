using System.Collections.Concurrent;
using Ledger.Engine.Errors;
using Ledger.Engine.InMemory;
using Ledger.Engine.Model;
using Ledger.Engine.Ports;
using Ledger.Engine.Sequencing;
using Ledger.Engine.Transactions;

namespace Ledger.Engine.Tests;

/// <summary>
/// The sequencer appends the next group while the previous one completes (tree nodes, views, watermark); a commit
/// is acknowledged and published only once its group and every earlier one is applied.
/// </summary>
public sealed class SequencerPipelineTests
{
    [Fact]
    public async Task The_next_group_is_appended_while_the_previous_completes_and_neither_is_acknowledged_before_its_watermark()
    {
        var journal = new InMemoryJournalStore();
        var views = new GatedViewStore();
        await using var sequencer = await Sequencer.RecoverAsync("l", QldbId.New(), journal, views, TimeProvider.System, CommitPolicy.MaxGroup(1));

        var first = sequencer.EnqueueAndWaitForCommitAsync(SequencerTests.Insert(0));
        await views.Reached(1);
        var second = sequencer.EnqueueAndWaitForCommitAsync(SequencerTests.Insert(0));
        await UntilAsync(async () => (await journal.GetTipAsync("l")).Size == 2);

        // The second group's view rows are written without waiting for the first group's watermark.
        await UntilAsync(() => Task.FromResult(views.Flushed.Contains(2)));

        // Both blocks are durable, neither group is complete: nothing is acknowledged or visible to new snapshots.
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);
        Assert.Equal(0, sequencer.CommittedSize);

        // A transaction that scanned the table at snapshot 0 is validated against the appended, unpublished blocks.
        var scan = new ReadSet();
        scan.AddTableScan(SequencerTests.Table.TableId);
        var scanner = sequencer.EnqueueAndWaitForCommitAsync(SequencerTests.Insert(0, scan));

        views.Release(1);
        Assert.Equal(0, (await first).Block!.SequenceNo);
        Assert.Equal(1, sequencer.CommittedSize);
        await views.Reached(2);
        Assert.False(second.IsCompleted);
        views.Release(2);
        Assert.Equal(1, (await second).Block!.SequenceNo);
        Assert.Equal(2, sequencer.CommittedSize);
        await Assert.ThrowsAsync<OccConflictException>(() => scanner);
        Assert.Equal(2, (await journal.GetTipAsync("l")).Size);
    }

    [Fact]
    public async Task A_failed_completion_fails_its_group_and_the_one_appended_behind_it_and_recovery_applies_both()
    {
        var journal = new InMemoryJournalStore();
        var views = new GatedViewStore();
        var sequencer = await Sequencer.RecoverAsync("l", QldbId.New(), journal, views, TimeProvider.System, CommitPolicy.MaxGroup(1));

        var first = sequencer.EnqueueAndWaitForCommitAsync(SequencerTests.Insert(0));
        await views.Reached(1);
        var second = sequencer.EnqueueAndWaitForCommitAsync(SequencerTests.Insert(0));
        await UntilAsync(async () => (await journal.GetTipAsync("l")).Size == 2);
        views.Fail(1, new InvalidOperationException("views unavailable"));

        Assert.True((await Assert.ThrowsAsync<CommitFailureException>(() => first)).IsFatal);
        Assert.True((await Assert.ThrowsAsync<CommitFailureException>(() => second)).IsFatal);
        Assert.Equal(0, sequencer.CommittedSize);
        await Assert.ThrowsAsync<CommitFailureException>(() => sequencer.EnqueueAndWaitForCommitAsync(SequencerTests.Insert(0)));
        await sequencer.DisposeAsync();

        // The blocks are durable though unacknowledged; the next sequencer applies them to the views.
        views.OpenAll();
        await using var recovered = await Sequencer.RecoverAsync("l", QldbId.New(), journal, views, TimeProvider.System);
        Assert.Equal(2, recovered.CommittedSize);
        Assert.Equal(2, await views.GetWatermarkAsync("l"));
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        for (var waited = 0; !await condition(); waited += 10)
        {
            Assert.True(waited < 10_000, "the condition did not hold within 10 s");
            await Task.Delay(10);
        }
    }

    // In-memory views whose watermark advances wait, per target size, until the test releases (or fails) them.
    private sealed class GatedViewStore : IViewStore
    {
        private readonly InMemoryViewStore _inner = new();
        private readonly ConcurrentDictionary<long, TaskCompletionSource> _reached = new();
        private readonly ConcurrentDictionary<long, TaskCompletionSource> _gates = new();
        private volatile bool _open;

        public Task Reached(long size) => Signal(_reached, size).Task.WaitAsync(TimeSpan.FromSeconds(10));

        public void Release(long size) => Signal(_gates, size).SetResult();

        public void Fail(long size, Exception failure) => Signal(_gates, size).SetException(failure);

        public void OpenAll() => _open = true;

        public ConcurrentBag<long> Flushed { get; } = [];

        public ValueTask FlushAsync(string ledgerName, long before, CancellationToken cancellationToken = default)
        {
            Flushed.Add(before);
            return ValueTask.CompletedTask;
        }

        public async ValueTask SetWatermarkAsync(string ledgerName, long size, CancellationToken cancellationToken = default)
        {
            if (!_open && size > 0)
            {
                Signal(_reached, size).TrySetResult();
                await Signal(_gates, size).Task;
            }

            await _inner.SetWatermarkAsync(ledgerName, size, cancellationToken);
        }

        public ValueTask ApplyBlockAsync(string ledgerName, Model.JournalBlock block, CancellationToken cancellationToken = default) =>
            _inner.ApplyBlockAsync(ledgerName, block, cancellationToken);

        public ValueTask<long> GetWatermarkAsync(string ledgerName, CancellationToken cancellationToken = default) =>
            _inner.GetWatermarkAsync(ledgerName, cancellationToken);

        public ValueTask<DocumentRevision?> GetDocumentAsync(string ledgerName, string tableId, string documentId, long snapshot, CancellationToken cancellationToken = default) =>
            _inner.GetDocumentAsync(ledgerName, tableId, documentId, snapshot, cancellationToken);

        public ValueTask<RevisionPage> ScanTableAsync(string ledgerName, string tableId, long snapshot, string? continuationToken, int pageSize, CancellationToken cancellationToken = default) =>
            _inner.ScanTableAsync(ledgerName, tableId, snapshot, continuationToken, pageSize, cancellationToken);

        public ValueTask<IReadOnlyList<string>> FindIndexCandidatesAsync(string ledgerName, string tableId, string field, IndexKey key, long snapshot, CancellationToken cancellationToken = default) =>
            _inner.FindIndexCandidatesAsync(ledgerName, tableId, field, key, snapshot, cancellationToken);

        public ValueTask<RevisionPage> ReadHistoryAsync(string ledgerName, string tableId, string? documentId, long snapshot, string? continuationToken, int pageSize, CancellationToken cancellationToken = default) =>
            _inner.ReadHistoryAsync(ledgerName, tableId, documentId, snapshot, continuationToken, pageSize, cancellationToken);

        public ValueTask<IReadOnlyList<TableDescriptor>> GetCatalogAsync(string ledgerName, long snapshot, CancellationToken cancellationToken = default) =>
            _inner.GetCatalogAsync(ledgerName, snapshot, cancellationToken);

        public ValueTask ClearAsync(string ledgerName, CancellationToken cancellationToken = default) => _inner.ClearAsync(ledgerName, cancellationToken);

        private static TaskCompletionSource Signal(ConcurrentDictionary<long, TaskCompletionSource> signals, long size) =>
            signals.GetOrAdd(size, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
