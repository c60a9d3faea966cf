using System.Numerics;

namespace Ledger.Journal.Tree;

/// <summary>
/// Pure node addressing for the journal tree (spec 5.1): which leaf ranges make up a digest, an inclusion proof
/// or a consistency proof, and which complete nodes each range decomposes into. No hashing, no I/O.
/// </summary>
/// <remarks>
/// QLDB pairs level by level and promotes an odd last node. That tree has the same shape as the RFC 6962 tree:
/// for <c>n</c> leaves that are not a power of two, the left child is the perfect subtree over the largest power
/// of two <c>k &lt; n</c> leaves and the right child is the tree over the remaining <c>n - k</c>. So the root is
/// <c>dot(P1, dot(P2, ... dot(Pm-1, Pm)))</c> over the perfect subtrees <c>P1..Pm</c> given by the binary digits
/// of <c>n</c>, and every node of the tree is a leaf range that starts at a multiple of a power of two at least
/// as large as its length. Such a range decomposes greedily into complete nodes, largest first.
/// </remarks>
public static class JournalTreeMath
{
    /// <summary>The most leaves a tree may hold (so that every node index and shift stays in range).</summary>
    public const long MaxSize = 1L << 62;

    /// <summary>
    /// The complete nodes a tree-node range decomposes into, left to right (largest first).
    /// Requires <c>0 &lt;= start &lt; end</c> and <c>start</c> aligned to a power of two not below the range length,
    /// or <c>start == 0</c>; that holds for every node, proof element and digest of the journal tree.
    /// </summary>
    public static void Decompose(LeafRange range, List<NodeId> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        CheckRange(range);
        var start = range.Start;
        var remaining = range.Count;
        while (remaining > 0)
        {
            var level = 63 - BitOperations.LeadingZeroCount((ulong)remaining);
            into.Add(new NodeId(level, start >> level));
            start += 1L << level;
            remaining -= 1L << level;
        }
    }

    /// <summary>The complete nodes whose right-to-left fold is the digest of a tree of <paramref name="size"/> leaves.</summary>
    public static List<NodeId> DigestNodes(long size)
    {
        CheckSize(size);
        var nodes = new List<NodeId>(BitOperations.PopCount((ulong)size));
        Decompose(new LeafRange(0, size), nodes);
        return nodes;
    }

    /// <summary>
    /// QLDB's <c>journalPath(leafIndex, size - 1)</c> (spec 5.2) as leaf ranges, bottom-up. At most one element is
    /// a partial right-edge node: once the sibling on the right is partial, the path runs along the right edge and
    /// every later sibling is on the left, so complete.
    /// Requires <c>0 &lt;= leafIndex &lt; size</c>.
    /// </summary>
    public static List<LeafRange> InclusionPath(long leafIndex, long size)
    {
        CheckSize(size);
        ArgumentOutOfRangeException.ThrowIfNegative(leafIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, size);
        var path = new List<LeafRange>(64 - BitOperations.LeadingZeroCount((ulong)size));
        var index = leafIndex;
        var count = size;
        for (var level = 0; count > 1; level++)
        {
            if ((index & 1) == 1)
            {
                path.Add(new LeafRange((index - 1) << level, index << level));
            }
            else if (index + 1 < count)
            {
                path.Add(new LeafRange((index + 1) << level, Math.Min((index + 2) << level, size)));
            }

            index >>= 1;
            count = (count + 1) >> 1;
        }

        return path;
    }

    /// <summary>The number of elements of <see cref="InclusionPath"/>, without building it.</summary>
    public static int InclusionPathLength(long leafIndex, long size)
    {
        CheckSize(size);
        ArgumentOutOfRangeException.ThrowIfNegative(leafIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, size);
        var length = 0;
        var index = leafIndex;
        for (var count = size; count > 1; count = (count + 1) >> 1, index >>= 1)
        {
            if ((index & 1) == 1 || index + 1 < count)
            {
                length++;
            }
        }

        return length;
    }

    /// <summary>
    /// The RFC 9162 (2.1.4.1) consistency proof that a tree of <paramref name="size1"/> leaves is a prefix of a tree of
    /// <paramref name="size2"/> leaves, as leaf ranges in proof order. Empty when the sizes are equal.
    /// Requires <c>0 &lt; size1 &lt;= size2</c>.
    /// </summary>
    public static List<LeafRange> ConsistencyPath(long size1, long size2)
    {
        CheckSize(size2);
        ArgumentOutOfRangeException.ThrowIfLessThan(size1, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size1, size2);
        var path = new List<LeafRange>(2 * (64 - BitOperations.LeadingZeroCount((ulong)size2)));
        if (size1 < size2)
        {
            SubProof(size1, new LeafRange(0, size2), oldRootIsKnown: true, path);
        }

        return path;
    }

    /// <summary>The number of elements of <see cref="ConsistencyPath"/>, without building it. Requires <c>0 &lt; size1 &lt;= size2</c>.</summary>
    public static int ConsistencyPathLength(long size1, long size2)
    {
        CheckSize(size2);
        ArgumentOutOfRangeException.ThrowIfLessThan(size1, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size1, size2);
        if (size1 == size2)
        {
            return 0;
        }

        // Follows SubProof: each step down adds one element, and the walk ends at a subtree of exactly the old size,
        // which adds its own root unless it is the whole old tree.
        var length = 0;
        var oldSize = size1;
        var count = size2;
        var oldRootIsKnown = true;
        while (oldSize != count)
        {
            var split = LargestPowerOfTwoBelow(count);
            length++;
            if (oldSize <= split)
            {
                count = split;
            }
            else
            {
                oldSize -= split;
                count -= split;
                oldRootIsKnown = false;
            }
        }

        return oldRootIsKnown ? length : length + 1;
    }

    // SUBPROOF(m, D[start:end], b) of RFC 9162: "oldRootIsKnown" is b, true while the subtree under consideration
    // is the whole old tree (whose root the verifier already has).
    private static void SubProof(long oldSize, LeafRange range, bool oldRootIsKnown, List<LeafRange> path)
    {
        if (oldSize == range.Count)
        {
            if (!oldRootIsKnown)
            {
                path.Add(range);
            }

            return;
        }

        var split = LargestPowerOfTwoBelow(range.Count);
        var left = new LeafRange(range.Start, range.Start + split);
        var right = new LeafRange(range.Start + split, range.End);
        if (oldSize <= split)
        {
            // The old tree lies inside the left child; the verifier also needs the right child.
            SubProof(oldSize, left, oldRootIsKnown, path);
            path.Add(right);
        }
        else
        {
            // The old tree covers the whole left child and part of the right one.
            SubProof(oldSize - split, right, oldRootIsKnown: false, path);
            path.Add(left);
        }
    }

    /// <summary>The largest power of two strictly below <paramref name="n"/>. Requires <c>n &gt; 1</c>.</summary>
    internal static long LargestPowerOfTwoBelow(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    private static void CheckSize(long size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);
    }

    private static void CheckRange(LeafRange range)
    {
        if (range.Start < 0 || range.End <= range.Start || range.End > MaxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(range), range, "Requires 0 <= start < end <= MaxSize.");
        }

        if (range.Start != 0)
        {
            var alignment = range.Start & -range.Start;
            if (alignment < range.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(range), range, "Not a node of the journal tree: start is not aligned to the range length.");
            }
        }
    }
}
