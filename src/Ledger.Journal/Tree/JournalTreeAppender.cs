using System.Numerics;

namespace Ledger.Journal.Tree;

/// <summary>
/// Appends block hashes to the journal tree keeping only the right edge: the roots of the perfect subtrees that
/// the binary digits of the size describe (O(log n) state). Each append costs O(1) amortized and O(log n) worst
/// case <see cref="QldbHash.Dot"/> calls and reports the complete nodes it creates, so storage can persist them.
/// </summary>
public sealed class JournalTreeAppender
{
    /// <summary>The most nodes one append can create: the leaf plus one per level merged.</summary>
    public const int MaxNodesPerAppend = 63;

    // _rightEdge[level] is the root of the perfect subtree of 2^level leaves on the right edge, when bit `level` of
    // Size is set; other slots are stale.
    private readonly Hash32[] _rightEdge = new Hash32[64];

    /// <summary>An empty tree.</summary>
    public JournalTreeAppender()
    {
    }

    /// <summary>The number of leaves appended (the tip sequence number plus one).</summary>
    public long Size { get; private set; }

    /// <summary>
    /// Resumes a tree of <paramref name="size"/> leaves from its right-edge roots, i.e. the hashes of
    /// <see cref="JournalTreeMath.DigestNodes"/>(size) in that order (largest subtree first).
    /// </summary>
    public static JournalTreeAppender Restore(long size, ReadOnlySpan<Hash32> rightEdgeRoots)
    {
        var appender = new JournalTreeAppender();
        if (size == 0)
        {
            if (!rightEdgeRoots.IsEmpty)
            {
                throw new ArgumentException("An empty tree has no right edge.", nameof(rightEdgeRoots));
            }

            return appender;
        }

        var nodes = JournalTreeMath.DigestNodes(size);
        if (nodes.Count != rightEdgeRoots.Length)
        {
            throw new ArgumentException($"A tree of {size} leaves has {nodes.Count} right-edge roots, got {rightEdgeRoots.Length}.", nameof(rightEdgeRoots));
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            appender._rightEdge[nodes[i].Level] = rightEdgeRoots[i];
        }

        appender.Size = size;
        return appender;
    }

    /// <summary>
    /// Appends one leaf (a block hash) and writes the complete nodes this creates into <paramref name="created"/>,
    /// bottom-up starting with the leaf itself. Requires room for <see cref="MaxNodesPerAppend"/> nodes, or for
    /// 1 + the number of trailing one bits of <see cref="Size"/>. Returns how many nodes were written.
    /// </summary>
    public int Append(in Hash32 leaf, Span<JournalNode> created)
    {
        if (Size >= JournalTreeMath.MaxSize)
        {
            throw new InvalidOperationException("The journal tree is full.");
        }

        var oldSize = Size;
        var merges = BitOperations.TrailingZeroCount(~(ulong)oldSize);
        if (created.Length < merges + 1)
        {
            throw new ArgumentException($"Room for {merges + 1} nodes is needed.", nameof(created));
        }

        var newSize = oldSize + 1;
        var hash = leaf;
        created[0] = new JournalNode(new NodeId(0, oldSize), hash);
        for (var level = 0; level < merges; level++)
        {
            hash = QldbHash.Dot(_rightEdge[level], hash);
            created[level + 1] = new JournalNode(new NodeId(level + 1, (newSize >> (level + 1)) - 1), hash);
        }

        _rightEdge[merges] = hash;
        Size = newSize;
        return merges + 1;
    }

    /// <summary>Appends one leaf and returns the complete nodes this creates (allocates; see the span overload).</summary>
    public JournalNode[] Append(in Hash32 leaf)
    {
        Span<JournalNode> created = stackalloc JournalNode[MaxNodesPerAppend];
        var count = Append(leaf, created);
        return created[..count].ToArray();
    }

    /// <summary>The digest of the current tip: the right edge folded right to left. Requires a non-empty tree.</summary>
    public Hash32 Digest()
    {
        if (Size == 0)
        {
            throw new InvalidOperationException("An empty journal has no digest.");
        }

        var bits = (ulong)Size;
        var level = BitOperations.TrailingZeroCount(bits);
        var digest = _rightEdge[level];
        bits &= bits - 1;
        while (bits != 0)
        {
            level = BitOperations.TrailingZeroCount(bits);
            digest = QldbHash.Dot(_rightEdge[level], digest);
            bits &= bits - 1;
        }

        return digest;
    }

    /// <summary>The right-edge roots, largest subtree first (the order <see cref="Restore"/> takes).</summary>
    public Hash32[] RightEdge()
    {
        var roots = new Hash32[BitOperations.PopCount((ulong)Size)];
        var next = 0;
        for (var level = 63; level >= 0; level--)
        {
            if (((Size >> level) & 1) == 1)
            {
                roots[next++] = _rightEdge[level];
            }
        }

        return roots;
    }
}
