using Ledger.Journal.Model;

namespace Ledger.Journal.Verification;

/// <summary>
/// Verification of what QLDB's APIs hand out: a block or revision with its proof against a saved digest, a run of
/// blocks as a chain, and a consistency proof between two saved digests. Every failure names the hash and place.
/// </summary>
public static class JournalVerifier
{
    /// <summary>
    /// Verifies a GetBlock result: the block's own hashes (<see cref="JournalBlock.Verify"/>), then its journal proof
    /// against <paramref name="digest"/>.
    /// </summary>
    public static VerificationResult VerifyBlock(JournalBlock block, IReadOnlyList<Hash32> proof, LedgerDigest digest)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(digest);
        if (SameStrand(block.BlockAddress, digest) is { } wrongStrand)
        {
            return wrongStrand;
        }

        var own = block.Verify();
        return own.IsValid
            ? ProofVerifier.VerifyInclusion(block.BlockAddress.SequenceNo, digest.TreeSize, block.BlockHash, proof.ToArray(), digest.Digest)
            : own;
    }

    /// <summary>
    /// Verifies a GetRevision result: the revision's hash against its metadata and data, then its proof against
    /// <paramref name="digest"/>. With <paramref name="block"/> the proof must also pass through the block's hash.
    /// </summary>
    public static VerificationResult VerifyRevision(JournalRevision revision, IReadOnlyList<Hash32> proof, LedgerDigest digest, JournalBlock? block = null)
    {
        ArgumentNullException.ThrowIfNull(revision);
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(digest);
        var address = revision.BlockAddress ?? block?.BlockAddress;
        if (address is null)
        {
            return new MalformedProof("The revision has no block address.");
        }

        if (SameStrand(address, digest) is { } wrongStrand)
        {
            return wrongStrand;
        }

        var own = revision.VerifyHash();
        if (!own.IsValid)
        {
            return own;
        }

        return ProofVerifier.VerifyRevision(revision.Hash, address.SequenceNo, digest.TreeSize, proof.ToArray(), digest.Digest, block?.BlockHash);
    }

    /// <summary>Verifies consecutive blocks: each block's own hashes and the previousBlockHash links (spec 4.4).</summary>
    public static VerificationResult VerifyChain(IReadOnlyList<JournalBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        foreach (var block in blocks)
        {
            var own = block.Verify();
            if (!own.IsValid)
            {
                return own;
            }
        }

        for (var i = 1; i < blocks.Count; i++)
        {
            if (blocks[i].BlockAddress.StrandId != blocks[0].BlockAddress.StrandId)
            {
                return new MalformedProof($"block {blocks[i].BlockAddress.SequenceNo} is on strand {blocks[i].BlockAddress.StrandId}, not {blocks[0].BlockAddress.StrandId}.");
            }
        }

        return BlockVerifier.VerifyChain(blocks.Select(b => b.Hashes).ToArray());
    }

    /// <summary>Verifies that <paramref name="older"/> covers a prefix of the journal <paramref name="newer"/> covers.</summary>
    public static VerificationResult VerifyConsistency(LedgerDigest older, LedgerDigest newer, IReadOnlyList<Hash32> proof)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        ArgumentNullException.ThrowIfNull(proof);
        if (older.Tip.StrandId != newer.Tip.StrandId)
        {
            return new MalformedProof($"The digests are for different strands ({older.Tip.StrandId}, {newer.Tip.StrandId}).");
        }

        return ProofVerifier.VerifyConsistency(older.TreeSize, newer.TreeSize, older.Digest, newer.Digest, proof.ToArray());
    }

    private static MalformedProof? SameStrand(BlockAddress address, LedgerDigest digest) =>
        address.StrandId == digest.Tip.StrandId
            ? null
            : new MalformedProof($"Block {address.SequenceNo} is on strand {address.StrandId} but the digest covers strand {digest.Tip.StrandId}.");
}
