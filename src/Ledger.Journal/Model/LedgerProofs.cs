using Ledger.Journal.Tree;

namespace Ledger.Journal.Model;

/// <summary>
/// QLDB's GetDigest, GetBlock and GetRevision proofs (and our consistency proofs) in terms of block addresses,
/// for any past tip, served from the complete nodes in an <see cref="IJournalNodeStore"/>.
/// </summary>
public static class LedgerProofs
{
    /// <summary>The digest covering blocks 0..<paramref name="tip"/> (GetDigest when the tip is the latest block).</summary>
    public static async ValueTask<LedgerDigest> DigestAsync(IJournalNodeStore store, BlockAddress tip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tip);
        return new LedgerDigest(await JournalProofBuilder.DigestAsync(store, tip.SequenceNo + 1, cancellationToken), tip);
    }

    /// <summary>The GetBlock proof of <paramref name="block"/> against the digest at <paramref name="tip"/>. Requires the same strand and block &lt;= tip.</summary>
    public static ValueTask<Hash32[]> BlockProofAsync(IJournalNodeStore store, BlockAddress block, BlockAddress tip, CancellationToken cancellationToken = default)
    {
        CheckOrder(block, tip);
        return JournalProofBuilder.InclusionProofAsync(store, block.SequenceNo, tip.SequenceNo + 1, cancellationToken);
    }

    /// <summary>
    /// The GetRevision proof of the revision at <paramref name="revisionIndex"/> in <paramref name="block"/> against the
    /// digest at <paramref name="tip"/>: the in-block part followed by the block's journal path.
    /// </summary>
    public static async ValueTask<Hash32[]> RevisionProofAsync(IJournalNodeStore store, JournalBlock block, int revisionIndex, BlockAddress tip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(block);
        var prefix = block.RevisionProofPrefix(revisionIndex);
        var journalPath = await BlockProofAsync(store, block.BlockAddress, tip, cancellationToken);
        return [.. prefix, .. journalPath];
    }

    /// <summary>The consistency proof from the digest at <paramref name="olderTip"/> to the digest at <paramref name="newerTip"/>.</summary>
    public static ValueTask<Hash32[]> ConsistencyProofAsync(IJournalNodeStore store, BlockAddress olderTip, BlockAddress newerTip, CancellationToken cancellationToken = default)
    {
        CheckOrder(olderTip, newerTip);
        return JournalProofBuilder.ConsistencyProofAsync(store, olderTip.SequenceNo + 1, newerTip.SequenceNo + 1, cancellationToken);
    }

    private static void CheckOrder(BlockAddress first, BlockAddress tip)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(tip);
        if (first.StrandId != tip.StrandId)
        {
            throw new ArgumentException($"Strand {first.StrandId} differs from the tip's strand {tip.StrandId}.", nameof(tip));
        }

        if (first.SequenceNo > tip.SequenceNo)
        {
            throw new ArgumentOutOfRangeException(nameof(tip), tip.SequenceNo, $"Block {first.SequenceNo} is after the tip.");
        }
    }
}
