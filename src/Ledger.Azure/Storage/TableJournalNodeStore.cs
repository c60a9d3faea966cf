using System.Globalization;
using Ledger.Azure.Tables;
using Ledger.Journal;
using Ledger.Journal.Tree;

namespace Ledger.Azure.Storage;

/// <summary>
/// The complete journal-tree nodes of one ledger: partition = the ledger, row key = level and index. A digest or
/// proof asks for its O(log n) nodes at once; they are point reads issued in parallel.
/// </summary>
internal sealed class TableJournalNodeStore(AzureLedgerStorage storage, string partition) : IJournalNodeStore
{
    private const string HashProperty = "Hash";

    /// <inheritdoc/>
    public async ValueTask<Hash32[]> GetNodesAsync(IReadOnlyList<NodeId> nodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        await storage.EnsureCreatedAsync(cancellationToken);
        var hashes = new Hash32[nodes.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, nodes.Count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var entity = (await storage.Nodes.GetEntityIfExistsAsync(partition, RowKey(nodes[i]), [HashProperty], token)).Value;
                hashes[i] = entity?.GetBinaryData(HashProperty) is { } hash
                    ? new Hash32(hash.ToMemory().Span)
                    : throw new KeyNotFoundException($"The journal holds no complete {nodes[i]}.");
            });
        return hashes;
    }

    internal static TableEntity Entity(string partition, JournalNode node) =>
        new(partition, RowKey(node.Id)) { [HashProperty] = node.Hash.ToArray() };

    // Level first: a level's nodes are contiguous and in index order.
    private static string RowKey(NodeId node) =>
        node.Level.ToString("D2", CultureInfo.InvariantCulture) + StorageKeys.Separator + StorageKeys.Number(node.Index);
}
