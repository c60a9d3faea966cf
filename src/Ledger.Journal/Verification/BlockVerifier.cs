namespace Ledger.Journal.Verification;

/// <summary>Checks of block hashes and of the hash chain between blocks, as pure functions.</summary>
public static class BlockVerifier
{
    /// <summary>
    /// Checks <c>entriesHash == MerkleRoot(entriesHashList)</c> and <c>blockHash == dot(entriesHash, previousBlockHash)</c>
    /// (or <c>blockHash == entriesHash</c> for a genesis block without a previous hash).
    /// </summary>
    public static VerificationResult VerifyHashes(BlockHashes block, string? location = null)
    {
        ArgumentNullException.ThrowIfNull(block);
        location ??= $"block {block.SequenceNo}";
        if (block.EntriesHashList.Count == 0)
        {
            return new MalformedProof($"{location}: entriesHashList is empty.");
        }

        var entriesHash = QldbHash.MerkleRoot(block.EntriesHashList.ToArray());
        if (entriesHash != block.EntriesHash)
        {
            return new HashMismatch(location, "entriesHash", block.EntriesHash, entriesHash);
        }

        var blockHash = BlockHashes.ComputeBlockHash(block.EntriesHash, block.PreviousBlockHash);
        return blockHash == block.BlockHash
            ? VerificationResult.Valid
            : new HashMismatch(location, "blockHash", block.BlockHash, blockHash);
    }

    /// <summary>
    /// Checks a run of consecutive blocks: each block's own hashes, dense sequence numbers, and
    /// <c>block[n].previousBlockHash == block[n-1].blockHash</c> (spec 4.4).
    /// </summary>
    public static VerificationResult VerifyChain(IReadOnlyList<BlockHashes> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            var own = VerifyHashes(block);
            if (!own.IsValid)
            {
                return own;
            }

            if (i == 0)
            {
                continue;
            }

            var previous = blocks[i - 1];
            if (block.SequenceNo != previous.SequenceNo + 1)
            {
                return new MalformedProof($"block {block.SequenceNo} follows block {previous.SequenceNo}: the run has a gap or is out of order.");
            }

            if (block.PreviousBlockHash is not { } linked)
            {
                return new MalformedProof($"block {block.SequenceNo} has no previousBlockHash but is not the first block.");
            }

            if (linked != previous.BlockHash)
            {
                return new HashMismatch($"block {block.SequenceNo}", $"previousBlockHash (block {previous.SequenceNo}'s blockHash)", previous.BlockHash, linked);
            }
        }

        return VerificationResult.Valid;
    }
}
