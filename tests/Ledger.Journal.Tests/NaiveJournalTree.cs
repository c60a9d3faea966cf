namespace Ledger.Journal.Tests;

/// <summary>
/// A deliberately naive reference for the journal tree: it keeps every leaf, builds all levels on every call and
/// follows the spec's prose literally (MerkleRoot by levels, journalPath by levels, RFC 9162 SUBPROOF by
/// recursion over leaf lists). Slow and obviously right; the fast code is checked against it.
/// </summary>
internal sealed class NaiveJournalTree
{
    private readonly List<Hash32> _leaves = [];

    public int Size => _leaves.Count;

    public void Append(Hash32 leaf) => _leaves.Add(leaf);

    public Hash32 Leaf(int index) => _leaves[index];

    /// <summary>Spec 4.2 MerkleRoot over the first <paramref name="size"/> leaves.</summary>
    public Hash32 Root(int size) => RootOf(_leaves.GetRange(0, size));

    /// <summary>Spec 5.2 journalPath(leaf, size - 1): siblings level by level, the promoted node has none.</summary>
    public List<Hash32> InclusionProof(int leaf, int size)
    {
        var proof = new List<Hash32>();
        var level = _leaves.GetRange(0, size);
        var index = leaf;
        while (level.Count > 1)
        {
            if (index % 2 == 1)
            {
                proof.Add(level[index - 1]);
            }
            else if (index + 1 < level.Count)
            {
                proof.Add(level[index + 1]);
            }

            level = NextLevel(level);
            index /= 2;
        }

        return proof;
    }

    /// <summary>RFC 9162 PROOF(m, D[n]) with MTH = QLDB MerkleRoot.</summary>
    public List<Hash32> ConsistencyProof(int size1, int size2)
    {
        var proof = new List<Hash32>();
        if (size1 < size2)
        {
            SubProof(size1, _leaves.GetRange(0, size2), true, proof);
        }

        return proof;
    }

    private static void SubProof(int m, List<Hash32> leaves, bool wholeOldTree, List<Hash32> proof)
    {
        var n = leaves.Count;
        if (m == n)
        {
            if (!wholeOldTree)
            {
                proof.Add(RootOf(leaves));
            }

            return;
        }

        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        if (m <= k)
        {
            SubProof(m, leaves.GetRange(0, k), wholeOldTree, proof);
            proof.Add(RootOf(leaves.GetRange(k, n - k)));
        }
        else
        {
            SubProof(m - k, leaves.GetRange(k, n - k), false, proof);
            proof.Add(RootOf(leaves.GetRange(0, k)));
        }
    }

    public static Hash32 RootOf(List<Hash32> leaves)
    {
        var level = leaves;
        while (level.Count > 1)
        {
            level = NextLevel(level);
        }

        return level[0];
    }

    private static List<Hash32> NextLevel(List<Hash32> level)
    {
        var next = new List<Hash32>();
        for (var i = 0; i < level.Count; i += 2)
        {
            next.Add(i + 1 < level.Count ? QldbHash.Dot(level[i], level[i + 1]) : level[i]);
        }

        return next;
    }

    /// <summary>The synthetic leaves of spec 11.7: SHA256(ASCII "block-" + i).</summary>
    public static Hash32 SyntheticLeaf(long i) => QldbHash.Sha256(System.Text.Encoding.ASCII.GetBytes($"block-{i}"));

    public static NaiveJournalTree Synthetic(int size)
    {
        var tree = new NaiveJournalTree();
        for (var i = 0; i < size; i++)
        {
            tree.Append(SyntheticLeaf(i));
        }

        return tree;
    }
}
