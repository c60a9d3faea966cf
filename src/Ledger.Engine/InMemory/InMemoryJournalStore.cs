using Ledger.Engine.Model;
using Ledger.Engine.Ports;
using Ledger.Journal.Tree;
using RedactionTarget = Ledger.Journal.Model.RedactionTarget;

namespace Ledger.Engine.InMemory;

/// <summary>An <see cref="IJournalStore"/> in memory, with the same insert-if-absent append semantics.</summary>
public sealed class InMemoryJournalStore : IJournalStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<JournalBlock>> _blocks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InMemoryJournalNodeStore> _nodes = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ValueTask<AppendOutcome> TryAppendAsync(string ledgerName, IReadOnlyList<JournalBlock> blocks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        lock (_gate)
        {
            var journal = Journal(ledgerName);
            for (var i = 0; i < blocks.Count; i++)
            {
                var expected = journal.Count + i;
                if (blocks[i].SequenceNo < expected)
                {
                    return ValueTask.FromResult(AppendOutcome.SlotTaken);
                }

                if (blocks[i].SequenceNo != expected)
                {
                    throw new InvalidOperationException($"Block {blocks[i].SequenceNo} would leave a gap after {expected - 1}.");
                }
            }

            journal.AddRange(blocks);
            return ValueTask.FromResult(AppendOutcome.Appended);
        }
    }

    /// <inheritdoc/>
    public ValueTask<BlockPage> ReadBlocksAsync(string ledgerName, long from, long until, int maxBlocks, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBlocks);
        lock (_gate)
        {
            var journal = Journal(ledgerName);
            var end = Math.Min(until, journal.Count);
            var stop = Math.Min(end, from + maxBlocks);
            var page = new List<JournalBlock>();
            for (var i = from; i < stop; i++)
            {
                page.Add(journal[(int)i]);
            }

            return ValueTask.FromResult(new BlockPage(page, stop < end ? stop : null));
        }
    }

    /// <inheritdoc/>
    public ValueTask<JournalTip> GetTipAsync(string ledgerName, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var journal = Journal(ledgerName);
            return ValueTask.FromResult(journal.Count == 0 ? new JournalTip(0, null) : new JournalTip(journal.Count, journal[^1].Hashes.BlockHash));
        }
    }

    /// <inheritdoc/>
    public IJournalNodeStore Nodes(string ledgerName)
    {
        lock (_gate)
        {
            return NodeStore(ledgerName);
        }
    }

    /// <inheritdoc/>
    public ValueTask AddNodesAsync(string ledgerName, IReadOnlyList<JournalNode> nodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        lock (_gate)
        {
            var store = NodeStore(ledgerName);
            foreach (var node in nodes)
            {
                if (!Holds(store, node.Id))
                {
                    store.Add(node);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask RedactRevisionAsync(string ledgerName, RedactionTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        lock (_gate)
        {
            var journal = Journal(ledgerName);
            if (target.SequenceNo < journal.Count)
            {
                journal[(int)target.SequenceNo] = journal[(int)target.SequenceNo].Redact(target);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask DeleteJournalAsync(string ledgerName, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _blocks.Remove(ledgerName);
            _nodes.Remove(ledgerName);
        }

        return ValueTask.CompletedTask;
    }

    private static bool Holds(InMemoryJournalNodeStore store, NodeId id)
    {
        try
        {
            store.Get(id);
            return true;
        }
        catch (KeyNotFoundException)
        {
            return false;
        }
    }

    private List<JournalBlock> Journal(string ledgerName)
    {
        if (!_blocks.TryGetValue(ledgerName, out var journal))
        {
            journal = [];
            _blocks[ledgerName] = journal;
        }

        return journal;
    }

    private InMemoryJournalNodeStore NodeStore(string ledgerName)
    {
        if (!_nodes.TryGetValue(ledgerName, out var store))
        {
            store = new InMemoryJournalNodeStore();
            _nodes[ledgerName] = store;
        }

        return store;
    }
}
