namespace Ledger.Journal.Tree;

/// <summary>
/// Where the hashes of complete journal-tree nodes come from. Complete nodes never change, so a store only ever
/// inserts; a digest or proof for any past tip needs O(log n) of them, asked for in one batch so that a remote
/// store can serve them in few round trips.
/// </summary>
public interface IJournalNodeStore
{
    /// <summary>
    /// The hashes of <paramref name="nodes"/>, in the same order. Every node must be complete in the stored
    /// journal; a store throws <see cref="KeyNotFoundException"/> for a node it does not hold.
    /// </summary>
    ValueTask<Hash32[]> GetNodesAsync(IReadOnlyList<NodeId> nodes, CancellationToken cancellationToken = default);
}
