namespace Ledger.Journal.Tree;

/// <summary>
/// An in-memory <see cref="IJournalNodeStore"/>: one growing list per level. Nodes must arrive in the order the
/// appender creates them (each level filled left to right without gaps), which a checked precondition enforces.
/// Not safe for reads concurrent with writes: one writer (the sequencer) and readers must be serialized by the caller.
/// </summary>
public sealed class InMemoryJournalNodeStore : IJournalNodeStore
{
    private readonly List<List<Hash32>> _levels = [];

    /// <summary>The number of leaves (level-0 nodes) stored.</summary>
    public long LeafCount => _levels.Count == 0 ? 0 : _levels[0].Count;

    /// <summary>Stores one complete node. Requires it to be the next node of its level.</summary>
    public void Add(JournalNode node)
    {
        var (level, index) = node.Id;
        while (_levels.Count <= level)
        {
            _levels.Add([]);
        }

        var nodes = _levels[level];
        if (index != nodes.Count)
        {
            throw new InvalidOperationException($"Expected node {nodes.Count} of level {level} next, got {node.Id}.");
        }

        nodes.Add(node.Hash);
    }

    /// <summary>Stores complete nodes in creation order.</summary>
    public void AddRange(ReadOnlySpan<JournalNode> nodes)
    {
        foreach (var node in nodes)
        {
            Add(node);
        }
    }

    /// <summary>The hash of one complete node.</summary>
    public Hash32 Get(NodeId node)
    {
        if (node.Level < 0 || node.Level >= _levels.Count || node.Index < 0 || node.Index >= _levels[node.Level].Count)
        {
            throw new KeyNotFoundException($"The journal holds no complete {node}.");
        }

        return _levels[node.Level][(int)node.Index];
    }

    /// <inheritdoc/>
    public ValueTask<Hash32[]> GetNodesAsync(IReadOnlyList<NodeId> nodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var hashes = new Hash32[nodes.Count];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = Get(nodes[i]);
        }

        return ValueTask.FromResult(hashes);
    }
}
