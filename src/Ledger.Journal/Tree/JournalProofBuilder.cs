namespace Ledger.Journal.Tree;

/// <summary>
/// Turns the leaf ranges of <see cref="JournalTreeMath"/> into hashes using complete nodes from an
/// <see cref="IJournalNodeStore"/>. Works for any past tip: a digest or proof needs O(log n) complete nodes,
/// fetched in one batch, and O(log n) <see cref="QldbHash.Dot"/> calls (a proof has at most one partial
/// right-edge element, and that element folds at most log n complete nodes).
/// </summary>
public static class JournalProofBuilder
{
    /// <summary>The digest of the tree of <paramref name="size"/> leaves. Requires <c>1 &lt;= size &lt;=</c> stored leaves.</summary>
    public static async ValueTask<Hash32> DigestAsync(IJournalNodeStore store, long size, CancellationToken cancellationToken = default)
    {
        var hashes = await ResolveAsync(store, [new LeafRange(0, size)], cancellationToken);
        return hashes[0];
    }

    /// <summary>
    /// The inclusion proof of leaf <paramref name="leafIndex"/> in the tree of <paramref name="size"/> leaves: QLDB's
    /// GetBlock proof for block <c>leafIndex</c> and tip <c>size - 1</c>. Requires <c>0 &lt;= leafIndex &lt; size</c>.
    /// </summary>
    public static ValueTask<Hash32[]> InclusionProofAsync(IJournalNodeStore store, long leafIndex, long size, CancellationToken cancellationToken = default) =>
        ResolveAsync(store, JournalTreeMath.InclusionPath(leafIndex, size), cancellationToken);

    /// <summary>
    /// The consistency proof from the tree of <paramref name="size1"/> leaves to the tree of <paramref name="size2"/>
    /// leaves. Requires <c>1 &lt;= size1 &lt;= size2</c>.
    /// </summary>
    public static ValueTask<Hash32[]> ConsistencyProofAsync(IJournalNodeStore store, long size1, long size2, CancellationToken cancellationToken = default) =>
        ResolveAsync(store, JournalTreeMath.ConsistencyPath(size1, size2), cancellationToken);

    /// <summary>The QLDB Merkle roots of tree-node ranges, fetching every complete node they need in one batch.</summary>
    public static async ValueTask<Hash32[]> ResolveAsync(IJournalNodeStore store, IReadOnlyList<LeafRange> ranges, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(ranges);
        var nodes = new List<NodeId>(ranges.Count + 8);
        var firstNode = new int[ranges.Count + 1];
        for (var i = 0; i < ranges.Count; i++)
        {
            firstNode[i] = nodes.Count;
            JournalTreeMath.Decompose(ranges[i], nodes);
        }

        firstNode[ranges.Count] = nodes.Count;
        var nodeHashes = nodes.Count == 0 ? [] : await store.GetNodesAsync(nodes, cancellationToken);
        if (nodeHashes.Length != nodes.Count)
        {
            throw new InvalidOperationException($"The node store returned {nodeHashes.Length} hashes for {nodes.Count} nodes.");
        }

        var result = new Hash32[ranges.Count];
        for (var i = 0; i < ranges.Count; i++)
        {
            result[i] = FoldRightEdge(nodeHashes.AsSpan(firstNode[i], firstNode[i + 1] - firstNode[i]));
        }

        return result;
    }

    /// <summary>
    /// The root over consecutive perfect subtrees given largest first: <c>dot(P1, dot(P2, ... dot(Pm-1, Pm)))</c>.
    /// Requires at least one subtree.
    /// </summary>
    public static Hash32 FoldRightEdge(ReadOnlySpan<Hash32> subtreeRoots)
    {
        if (subtreeRoots.IsEmpty)
        {
            throw new ArgumentException("At least one subtree is required.", nameof(subtreeRoots));
        }

        var root = subtreeRoots[^1];
        for (var i = subtreeRoots.Length - 2; i >= 0; i--)
        {
            root = QldbHash.Dot(subtreeRoots[i], root);
        }

        return root;
    }
}
