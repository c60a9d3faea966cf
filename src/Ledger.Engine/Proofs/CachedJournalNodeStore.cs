using Ledger.Journal;
using Ledger.Journal.Tree;

namespace Ledger.Engine.Proofs;

/// <summary>
/// The engine's view of a ledger's tree nodes for digests and proofs: nodes held in the <see cref="JournalNodeCache"/>
/// are answered from it, the rest are read from storage in one batch and remembered. Only nodes wholly inside
/// <paramref name="committedSize"/> blocks (the size the caller checked) are served from or put into the cache; any
/// other node always goes to storage, and a node storage does not hold is never remembered. Verification tools
/// (JournalAudit, the CLI's verify commands) read the journal store's nodes directly, never through this cache, so
/// tampering with stored nodes stays visible to them.
/// </summary>
internal sealed class CachedJournalNodeStore(IJournalNodeStore storage, JournalNodeCache cache, string scope, long committedSize) : IJournalNodeStore
{
    /// <inheritdoc/>
    public async ValueTask<Hash32[]> GetNodesAsync(IReadOnlyList<NodeId> nodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var hashes = new Hash32[nodes.Count];
        var misses = new List<int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            if (!IsCommitted(nodes[i]) || !cache.TryGet(scope, nodes[i], out hashes[i]))
            {
                misses.Add(i);
            }
        }

        if (misses.Count == 0)
        {
            return hashes;
        }

        // Storage throws for a node it does not hold, before anything of this batch is remembered.
        var read = await storage.GetNodesAsync([.. misses.Select(i => nodes[i])], cancellationToken);
        for (var j = 0; j < misses.Count; j++)
        {
            var node = nodes[misses[j]];
            hashes[misses[j]] = read[j];
            if (IsCommitted(node))
            {
                cache.Add(scope, node, read[j]);
            }
        }

        return hashes;
    }

    // A node is immutable once every block it covers is committed: (Index + 1) * 2^Level <= committedSize, written
    // so that it cannot overflow (levels past 62 cannot exist).
    private bool IsCommitted(NodeId node) =>
        node.Level is >= 0 and < 63 && node.Index >= 0 && node.Index < (committedSize >> node.Level);
}
