namespace Ledger.Journal.Tree;

/// <summary>
/// A complete perfect-subtree node of the journal tree: <c>2^Level</c> leaves starting at leaf
/// <c>Index * 2^Level</c>. Level 0 nodes are the block hashes. A complete node never changes once the
/// journal holds all of its leaves, which is why only these nodes are ever stored.
/// </summary>
public readonly record struct NodeId(int Level, long Index)
{
    /// <summary>The first leaf the node covers.</summary>
    public long FirstLeaf => Index << Level;

    /// <summary>One past the last leaf the node covers.</summary>
    public long EndLeaf => (Index + 1) << Level;

    /// <inheritdoc/>
    public override string ToString() => $"node(level {Level}, index {Index})";
}

/// <summary>A complete node together with its hash, as the appender reports it for storage.</summary>
public readonly record struct JournalNode(NodeId Id, Hash32 Hash);

/// <summary>
/// A run of leaves <c>[Start, End)</c> whose QLDB Merkle root is one element of a proof or a digest. It is either
/// a complete node or a right-edge node of a smaller tree (a "promoted" partial node in QLDB's level-by-level
/// picture), whose hash is derived from the complete nodes it decomposes into.
/// </summary>
public readonly record struct LeafRange(long Start, long End)
{
    /// <summary>The number of leaves.</summary>
    public long Count => End - Start;

    /// <inheritdoc/>
    public override string ToString() => $"leaves [{Start}, {End})";
}
