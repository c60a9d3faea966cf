using System.Collections.Immutable;
using System.Diagnostics;
using System.Threading.Channels;
using Ledger.Engine.Errors;
using Ledger.Engine.Model;
using Ledger.Engine.Ports;
using Ledger.Engine.Transactions;
using Ledger.Ion;
using Ledger.Journal;
using Ledger.Journal.Tree;
using DocumentTouch = Ledger.Journal.Model.DocumentTouch;

namespace Ledger.Engine.Sequencing;

/// <summary>
/// The one writer of a ledger's journal. Commits wait in a queue; a single worker takes as many as the
/// <see cref="CommitPolicy"/> allows, validates each read set against everything sequenced after its snapshot
/// (including earlier members of the same group and groups appended but not yet published), builds one block per
/// transaction and appends the group with one insert-if-absent write. The group's completion (tree nodes, views,
/// watermark, then publishing the new size and acknowledging) runs behind: while it is under way the worker builds
/// and appends the next group, and completions run strictly in journal order, so a commit is acknowledged, and seen
/// by new snapshots, only once its block and everything before it is durable and applied. A conflict fails one
/// transaction with <see cref="OccConflictException"/> and changes nothing.
/// </summary>
public sealed class Sequencer : IAsyncDisposable
{
    // How many block summaries stay in memory for validation; older snapshots are validated from the journal.
    private const int ConflictWindowCapacity = 4096;

    // How often one group may lose its slots to other instances before its waiters are told to retry.
    private const int MaxAppendAttempts = 16;

    private readonly string _ledgerName;
    private readonly string _strandId;
    private readonly IJournalStore _journal;
    private readonly IViewStore _views;
    private readonly TimeProvider _clock;
    private readonly CommitPolicy _policy;
    private readonly Channel<PendingCommit> _queue = Channel.CreateUnbounded<PendingCommit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _worker;
    private readonly JournalTreeAppender _tree;
    private readonly List<WriteSummary> _window = [];
    private readonly Dictionary<string, TableDescriptor> _catalog = new(StringComparer.Ordinal);
    private long _windowStart;
    private long _size;

    // The journal size appended so far (the next sequence number); ahead of _size while a completion runs.
    private long _appended;

    // The completion of the last appended group; each completion first waits for the one before it.
    private Task _completion = Task.CompletedTask;

    // Set once the last appended group's blocks were handed to the views (blocks are applied in journal order).
    private Task _applied = Task.CompletedTask;
    private Hash32? _lastBlockHash;
    private IonTimestamp? _lastTimestamp;
    private TaskCompletionSource<LinkedCommitInfo> _commitTcs = NewCommitSource();
    private CommitFailureException? _fatal;

    private Sequencer(string ledgerName, string strandId, IJournalStore journal, IViewStore views, TimeProvider clock, CommitPolicy policy, JournalTreeAppender tree, JournalTip tip)
    {
        _ledgerName = ledgerName;
        _strandId = strandId;
        _journal = journal;
        _views = views;
        _clock = clock;
        _policy = policy;
        _tree = tree;
        _size = tip.Size;
        _appended = tip.Size;
        _windowStart = tip.Size;
        _lastBlockHash = tip.LastBlockHash;
        _worker = Task.Run(RunAsync);
    }

    /// <summary>The journal size that is durable and applied to the views (the newest possible snapshot).</summary>
    public long CommittedSize => Volatile.Read(ref _size);

    /// <summary>The task of the next commit; capture it before enqueueing so no commit slips in between.</summary>
    public Task<LinkedCommitInfo> CommitTask => Volatile.Read(ref _commitTcs).Task;

    /// <summary>
    /// Starts the sequencer of a ledger from its durable journal: restores the journal tree's right edge, re-applies
    /// any block the views missed (a crash between append and view apply), and advances the watermark.
    /// </summary>
    public static async Task<Sequencer> RecoverAsync(
        string ledgerName, string strandId, IJournalStore journal, IViewStore views, TimeProvider clock, CommitPolicy? policy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(views);
        var tip = await journal.GetTipAsync(ledgerName, cancellationToken);
        var tree = await RestoreTreeAsync(ledgerName, journal, tip.Size, cancellationToken);
        var watermark = await views.GetWatermarkAsync(ledgerName, cancellationToken);
        for (var from = watermark; from < tip.Size;)
        {
            var page = await journal.ReadBlocksAsync(ledgerName, from, tip.Size, 100, cancellationToken);
            foreach (var block in page.Blocks)
            {
                await ApplyAsync(ledgerName, journal, views, block, cancellationToken);
            }

            from = page.NextSequenceNo ?? tip.Size;
        }

        await views.SetWatermarkAsync(ledgerName, tip.Size, cancellationToken);
        var sequencer = new Sequencer(ledgerName, strandId, journal, views, clock ?? TimeProvider.System, policy ?? CommitPolicy.Default, tree, tip);
        if (tip.Size > 0)
        {
            var last = await journal.ReadBlocksAsync(ledgerName, tip.Size - 1, tip.Size, 1, cancellationToken);
            sequencer._lastTimestamp = last.Blocks[0].BlockTimestamp;
        }

        foreach (var table in await views.GetCatalogAsync(ledgerName, tip.Size, cancellationToken))
        {
            sequencer._catalog[table.TableId] = table;
        }

        return sequencer;
    }

    /// <summary>Queues a commit and waits until its block is durable and visible (or it failed validation).</summary>
    public Task<CommitResult> EnqueueAndWaitForCommitAsync(CommitRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_fatal is { } fatal)
        {
            return Task.FromException<CommitResult>(fatal);
        }

        var pending = new PendingCommit(request);
        if (!_queue.Writer.TryWrite(pending))
        {
            return Task.FromException<CommitResult>(new ObjectDisposedException(nameof(Sequencer)));
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Waits until the journal has at least <paramref name="size"/> durable, visible blocks.</summary>
    public async Task WaitForCommitAsync(long size, CancellationToken cancellationToken = default)
    {
        var task = CommitTask;
        while (CommittedSize < size)
        {
            var link = await task.WaitAsync(cancellationToken);
            if (link.Info.UntilSize >= size)
            {
                return;
            }

            task = link.NextTask;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _worker;
        await _completion;
    }

    // Applies a durable block to the views, and carries out its redactions in the journal (the stored revision
    // loses its data, keeping its hash). Both steps are idempotent, so recovery may repeat them.
    private static async Task ApplyAsync(string ledgerName, IJournalStore journal, IViewStore views, JournalBlock block, CancellationToken cancellationToken)
    {
        await views.ApplyBlockAsync(ledgerName, block, cancellationToken);
        foreach (var target in block.Redactions)
        {
            await journal.RedactRevisionAsync(ledgerName, target, cancellationToken);
        }
    }

    private static TaskCompletionSource<LinkedCommitInfo> NewCommitSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static async Task<JournalTreeAppender> RestoreTreeAsync(string ledgerName, IJournalStore journal, long size, CancellationToken cancellationToken)
    {
        if (size == 0)
        {
            return new JournalTreeAppender();
        }

        try
        {
            var roots = await journal.Nodes(ledgerName).GetNodesAsync(JournalTreeMath.DigestNodes(size), cancellationToken);
            return JournalTreeAppender.Restore(size, roots);
        }
        catch (KeyNotFoundException)
        {
            // The previous sequencer stopped between appending blocks and storing their nodes: rebuild the tree from
            // the block hashes and store every node again (node writes are idempotent).
            var tree = new JournalTreeAppender();
            for (long from = 0; from < size;)
            {
                var page = await journal.ReadBlocksAsync(ledgerName, from, size, 500, cancellationToken);
                var nodes = new List<JournalNode>();
                foreach (var block in page.Blocks)
                {
                    nodes.AddRange(tree.Append(block.Hashes.BlockHash));
                }

                await journal.AddNodesAsync(ledgerName, nodes, cancellationToken);
                from = page.NextSequenceNo ?? size;
            }

            return tree;
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingCommit>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _policy.MaxTransactionsPerAppend && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                await CommitBatchAsync(batch);
            }
            catch (Exception failure) when (failure is not OutOfMemoryException)
            {
                // Whatever failed, no waiter of this batch may hang; each learns the range that did not commit.
                var error = failure as CommitFailureException
                    ?? new CommitFailureException(new CommitInfo(_appended, _appended + batch.Count), "The journal append failed.", isFatal: true, failure);
                if (error.IsFatal)
                {
                    Interlocked.CompareExchange(ref _fatal, error, null);
                }

                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(error);
                }
            }

            if (Volatile.Read(ref _fatal) is { } fatal)
            {
                while (_queue.Reader.TryRead(out var rest))
                {
                    rest.Completion.TrySetException(fatal);
                }
            }
        }

        await _completion;
    }

    private async Task CommitBatchAsync(List<PendingCommit> batch)
    {
        if (Volatile.Read(ref _fatal) is { } fatal)
        {
            throw fatal;
        }

        var waiting = batch;
        for (var attempt = 1; ; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            var (accepted, blocks, groupSummaries) = await BuildGroupAsync(waiting);
            SequencerMetrics.RecordPhase(SequencerMetrics.BuildPhase, started);
            if (blocks.Count == 0)
            {
                if (accepted.Any(a => a.Result.SequenceNo >= CommittedSize))
                {
                    // Found journaled in an own group that is still completing: acknowledged once that group is.
                    await _completion;
                    if (Volatile.Read(ref _fatal) is { } failed)
                    {
                        throw failed;
                    }
                }

                Acknowledge(accepted);
                return;
            }

            var range = new CommitInfo(_appended, _appended + blocks.Count);
            started = Stopwatch.GetTimestamp();
            var outcome = await _journal.TryAppendAsync(_ledgerName, blocks);
            SequencerMetrics.RecordPhase(SequencerMetrics.AppendPhase, started);
            if (outcome == AppendOutcome.Appended)
            {
                SequencerMetrics.RecordGroup(blocks.Count);
                var nodes = Advance(blocks, groupSummaries);

                // The next group may be built and appended while this one completes; at most one completion runs
                // behind the worker, so the worker waits for the previous group's before it takes more commits.
                var previous = _completion;
                var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var previousApplied = _applied;
                _applied = applied.Task;
                _completion = CompleteAppendAsync(previousApplied, applied, previous, range, blocks, nodes, accepted);
                await previous;
                return;
            }

            // Another instance appended first. Nothing of this group was stored: learn its blocks, then validate the
            // waiting transactions again against them and append the survivors at the new sequence numbers.
            if (attempt >= MaxAppendAttempts)
            {
                throw new CommitFailureException(range, $"Journal slot {range.FromSize} of ledger {_ledgerName} was taken {attempt} times in a row by other sequencers.", isFatal: false);
            }

            started = Stopwatch.GetTimestamp();
            await _completion;
            await CatchUpAsync();
            SequencerMetrics.RecordPhase(SequencerMetrics.CatchUpPhase, started);
            waiting = accepted.Select(a => a.Commit).ToList();
        }
    }

    /// <summary>
    /// Advances this sequencer over blocks other instances appended (the journal is the shared truth): journal tree,
    /// chain, catalog and validation window move over them, and the views get them too (idempotent, so a block the
    /// other instance applied already changes nothing; one it did not, because it died, is applied now). Runs on the
    /// worker once every completion of this instance's own groups has finished.
    /// </summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken = default)
    {
        var tip = await _journal.GetTipAsync(_ledgerName, cancellationToken);
        if (tip.Size <= _appended)
        {
            return;
        }

        var from = _appended;
        var nodes = new List<JournalNode>();
        for (var position = _appended; position < tip.Size;)
        {
            var page = await _journal.ReadBlocksAsync(_ledgerName, position, tip.Size, 100, cancellationToken);
            foreach (var block in page.Blocks)
            {
                if (block.SequenceNo != position || block.Hashes.PreviousBlockHash != _lastBlockHash)
                {
                    throw new CommitFailureException(new CommitInfo(position, tip.Size), $"Block {block.SequenceNo} of ledger {_ledgerName} does not continue the chain this sequencer holds.", isFatal: true);
                }

                var summary = WriteSummary.Of(block, _catalog.GetValueOrDefault);
                nodes.AddRange(_tree.Append(block.Hashes.BlockHash));
                await ApplyAsync(_ledgerName, _journal, _views, block, cancellationToken);
                foreach (var revision in block.Revisions.Where(r => r.IsCatalog))
                {
                    _catalog[revision.DocumentId] = TableDescriptor.FromIon(revision.Data!);
                }

                AddToWindow([summary]);
                _lastBlockHash = block.Hashes.BlockHash;
                _lastTimestamp = block.BlockTimestamp;
                position++;
            }

            position = page.NextSequenceNo ?? tip.Size;
        }

        await _journal.AddNodesAsync(_ledgerName, nodes, cancellationToken);
        await _views.SetWatermarkAsync(_ledgerName, tip.Size, cancellationToken);
        _appended = tip.Size;
        PublishSize(new CommitInfo(from, tip.Size));
    }

    private async Task<(List<(PendingCommit Commit, CommitResult Result)> Accepted, List<JournalBlock> Blocks, List<WriteSummary> Summaries)> BuildGroupAsync(List<PendingCommit> batch)
    {
        var accepted = new List<(PendingCommit Commit, CommitResult Result)>();
        var blocks = new List<JournalBlock>();
        var groupSummaries = new List<WriteSummary>();
        var next = _appended;
        var previousHash = _lastBlockHash;
        var timestamp = Now();
        foreach (var pending in batch)
        {
            var request = pending.Request;
            if (await JournaledAtAsync(request, groupSummaries) is { } journaledAt)
            {
                // Exactly once (docs/engine.md, "Several instances"): the transaction is in the journal already (another
                // holder, or an earlier leadership of this one, appended it). Committed, with that block.
                accepted.Add((pending, new CommitResult(request.TransactionId, null) { SequenceNo = journaledAt }));
                continue;
            }

            if (await ConflictsAsync(request, groupSummaries))
            {
                pending.Completion.TrySetException(new OccConflictException(request.TransactionId));
                continue;
            }

            if (request.IsReadOnly)
            {
                // A read-only transaction is serialized at its snapshot and writes nothing (docs/engine.md).
                accepted.Add((pending, new CommitResult(request.TransactionId, null)));
                continue;
            }

            var block = BuildBlock(request, next, previousHash, timestamp);
            blocks.Add(block);
            groupSummaries.Add(WriteSummary.Of(block, CatalogEntryBeforeNewestBlock(blocks)));
            accepted.Add((pending, new CommitResult(request.TransactionId, block)));
            previousHash = block.Hashes.BlockHash;
            next++;
        }

        return (accepted, blocks, groupSummaries);
    }

    // The worker's own state moves over an appended group at once (the next group is built on it): journal tree,
    // catalog, validation window, chain tip. Returns the tree nodes the group completed.
    private List<JournalNode> Advance(List<JournalBlock> blocks, List<WriteSummary> groupSummaries)
    {
        var nodes = new List<JournalNode>();
        foreach (var block in blocks)
        {
            nodes.AddRange(_tree.Append(block.Hashes.BlockHash));
            foreach (var revision in block.Revisions.Where(r => r.IsCatalog))
            {
                _catalog[revision.DocumentId] = TableDescriptor.FromIon(revision.Data!);
            }
        }

        AddToWindow(groupSummaries);
        _lastBlockHash = blocks[^1].Hashes.BlockHash;
        _lastTimestamp = blocks[^1].BlockTimestamp;
        _appended = blocks[^1].SequenceNo + 1;
        return nodes;
    }

    // Stores the group's tree nodes and view rows at once (idempotent, and invisible to snapshots below the group,
    // so they need not wait for the previous group), then, after the previous group's completion, advances the
    // watermark, and only then publishes the new size and acknowledges. Blocks are handed to the views in journal
    // order (after the previous group's). A failure here is fatal for this sequencer: the group is durable but not
    // applied, and the next sequencer re-applies it from the watermark; its waiters, and those of any later group,
    // learn that it did not commit.
    private async Task CompleteAppendAsync(
        Task previousApplied, TaskCompletionSource applied, Task previous, CommitInfo range, List<JournalBlock> blocks, List<JournalNode> nodes, List<(PendingCommit Commit, CommitResult Result)> accepted)
    {
        try
        {
            var nodesWrite = StoreNodesAsync(nodes);
            Task viewsWrite;
            try
            {
                await previousApplied;
                var started = Stopwatch.GetTimestamp();
                foreach (var block in blocks)
                {
                    await ApplyAsync(_ledgerName, _journal, _views, block, CancellationToken.None);
                }

                SequencerMetrics.RecordPhase(SequencerMetrics.ViewsPhase, started);
                viewsWrite = _views.FlushAsync(_ledgerName, range.UntilSize).AsTask();
            }
            finally
            {
                applied.TrySetResult();
            }

            await previous;
            if (Volatile.Read(ref _fatal) is { } fatal)
            {
                throw fatal;
            }

            await Task.WhenAll(nodesWrite, viewsWrite);
            await AdvanceWatermarkAsync(range.UntilSize);
            PublishSize(range);
            Acknowledge(accepted);
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            var error = failure is CommitFailureException { IsFatal: true } known
                ? known
                : new CommitFailureException(range, "Storing the journal tree or the views of appended blocks failed.", isFatal: true, failure);
            Interlocked.CompareExchange(ref _fatal, error, null);
            foreach (var (pending, _) in accepted)
            {
                pending.Completion.TrySetException(error);
            }
        }
    }

    // Moving the watermark waits for the view writes still in flight (write-behind), so this phase holds most of them.
    private async Task AdvanceWatermarkAsync(long size)
    {
        var started = Stopwatch.GetTimestamp();
        await _views.SetWatermarkAsync(_ledgerName, size);
        SequencerMetrics.RecordPhase(SequencerMetrics.WatermarkPhase, started);
    }

    private async Task StoreNodesAsync(List<JournalNode> nodes)
    {
        var started = Stopwatch.GetTimestamp();
        await _journal.AddNodesAsync(_ledgerName, nodes);
        SequencerMetrics.RecordPhase(SequencerMetrics.NodesPhase, started);
    }

    private void PublishSize(CommitInfo range)
    {
        Volatile.Write(ref _size, range.UntilSize);
        var completed = _commitTcs;
        _commitTcs = NewCommitSource();
        completed.SetResult(new LinkedCommitInfo(range, _commitTcs.Task));
    }

    private static void Acknowledge(List<(PendingCommit Commit, CommitResult Result)> accepted)
    {
        foreach (var (pending, result) in accepted)
        {
            pending.Completion.TrySetResult(result);
        }
    }

    private Func<string, TableDescriptor?> CatalogEntryBeforeNewestBlock(List<JournalBlock> blocks)
    {
        // The catalog as it was before the newest block of the group: committed entries overlaid with earlier
        // blocks of this group.
        return tableId =>
        {
            TableDescriptor? entry = _catalog.GetValueOrDefault(tableId);
            for (var i = 0; i < blocks.Count - 1; i++)
            {
                foreach (var revision in blocks[i].Revisions.Where(r => r.IsCatalog && r.DocumentId == tableId))
                {
                    entry = TableDescriptor.FromIon(revision.Data!);
                }
            }

            return entry;
        };
    }

    // The sequence number of the transaction's block when it is journaled already. A transaction's block can only sit
    // at or after its snapshot, and the window holds every block from the snapshot to what this sequencer appended
    // (a block appended elsewhere beyond that makes this sequencer's append find its slot taken; it catches up and
    // validates again), so the window and the group being built are the whole search.
    private async Task<long?> JournaledAtAsync(CommitRequest request, List<WriteSummary> groupSummaries)
    {
        if (request.IsReadOnly)
        {
            return null;
        }

        if (request.Snapshot < _windowStart)
        {
            await LoadWindowAsync(request.Snapshot);
        }

        for (var i = Math.Max(0, (int)(request.Snapshot - _windowStart)); i < _window.Count; i++)
        {
            if (string.Equals(_window[i].TransactionId, request.TransactionId, StringComparison.Ordinal))
            {
                return _window[i].SequenceNo;
            }
        }

        return groupSummaries.Find(g => string.Equals(g.TransactionId, request.TransactionId, StringComparison.Ordinal))?.SequenceNo;
    }

    private async Task<bool> ConflictsAsync(CommitRequest request, List<WriteSummary> groupSummaries)
    {
        if (request.Reads.IsEmpty)
        {
            return false;
        }

        if (request.Snapshot < _windowStart)
        {
            await LoadWindowAsync(request.Snapshot);
        }

        var first = (int)(request.Snapshot - _windowStart);
        for (var i = Math.Max(0, first); i < _window.Count; i++)
        {
            if (request.Reads.ConflictsWith(_window[i]))
            {
                return true;
            }
        }

        return groupSummaries.Any(request.Reads.ConflictsWith);
    }

    // Extends the in-memory window back to `from` by summarizing journal blocks, with the catalog as it stood
    // before each block (read from the views at that position).
    private async Task LoadWindowAsync(long from)
    {
        var loaded = new List<WriteSummary>();
        for (var position = from; position < _windowStart;)
        {
            var page = await _journal.ReadBlocksAsync(_ledgerName, position, _windowStart, 100);
            foreach (var block in page.Blocks)
            {
                var before = (await _views.GetCatalogAsync(_ledgerName, block.SequenceNo)).ToDictionary(t => t.TableId, StringComparer.Ordinal);
                loaded.Add(WriteSummary.Of(block, before.GetValueOrDefault));
            }

            position = page.NextSequenceNo ?? _windowStart;
        }

        _window.InsertRange(0, loaded);
        _windowStart = from;
    }

    private void AddToWindow(List<WriteSummary> summaries)
    {
        _window.AddRange(summaries);
        var excess = _window.Count - ConflictWindowCapacity;
        if (excess > 0)
        {
            _window.RemoveRange(0, excess);
            _windowStart += excess;
        }
    }

    private JournalBlock BuildBlock(CommitRequest request, long sequenceNo, Hash32? previousHash, IonTimestamp timestamp)
    {
        var revisions = ImmutableArray.CreateBuilder<DocumentRevision>();
        foreach (var entry in request.CatalogWrites)
        {
            revisions.Add(DocumentRevision.Create(
                entry.Table.TableId, entry.Table.TableId, entry.Version, entry.Table.ToIon(), timestamp, request.TransactionId, _strandId, sequenceNo, isCatalog: true));
        }

        var touches = ImmutableArray.CreateBuilder<DocumentTouch>();
        foreach (var write in request.DocumentWrites)
        {
            revisions.Add(DocumentRevision.Create(write.TableId, write.DocumentId, write.Version, write.Data, timestamp, request.TransactionId, _strandId, sequenceNo));
            touches.Add(new DocumentTouch(write.DocumentId, write.TableName, write.TableId, write.Statements));
        }

        return JournalBlock.Build(
            _strandId, sequenceNo, request.TransactionId, timestamp, previousHash, request.Statements, touches.ToImmutable(), request.Redactions, revisions.ToImmutable());
    }

    // txTime and blockTimestamp at millisecond precision, never going backwards along the journal.
    private IonTimestamp Now()
    {
        var timestamp = QldbTime.ToTimestamp(_clock.GetUtcNow());
        return _lastTimestamp is { } last && timestamp < last ? last : timestamp;
    }

    private sealed class PendingCommit(CommitRequest request)
    {
        public CommitRequest Request { get; } = request;

        public TaskCompletionSource<CommitResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
