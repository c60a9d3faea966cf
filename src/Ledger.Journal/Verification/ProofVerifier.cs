using System.Numerics;
using Ledger.Journal.Tree;

namespace Ledger.Journal.Verification;

/// <summary>
/// Verification of journal proofs as pure functions over hashes. Each function states its preconditions; inputs
/// that break them come from untrusted callers, so they yield <see cref="MalformedProof"/> rather than exceptions.
/// </summary>
/// <remarks>
/// QLDB's <c>dot</c> is commutative, so an inclusion proof does not bind the leaf index: any leaf whose path has
/// the same length folds the same way. The verifiers still check the length implied by index and size, which is
/// all the position information a QLDB proof carries.
/// </remarks>
public static class ProofVerifier
{
    /// <summary>
    /// Verifies that <paramref name="leafHash"/> is leaf <paramref name="leafIndex"/> of the tree of
    /// <paramref name="size"/> leaves whose digest is <paramref name="digest"/> (a GetBlock proof when the leaf is a
    /// block hash; tip = size - 1). Requires <c>0 &lt;= leafIndex &lt; size</c> and a proof of the exact length.
    /// </summary>
    public static VerificationResult VerifyInclusion(long leafIndex, long size, in Hash32 leafHash, ReadOnlySpan<Hash32> proof, in Hash32 digest)
    {
        if (CheckInclusionShape(leafIndex, size, proof.Length) is { } malformed)
        {
            return malformed;
        }

        var calculated = QldbHash.Fold(leafHash, proof);
        return calculated == digest
            ? VerificationResult.Valid
            : new RootMismatch($"digest at tip {size - 1} (leaf {leafIndex})", digest, calculated);
    }

    /// <summary>
    /// Verifies a GetRevision proof: the in-block prefix (revision tree, entries tree, previousBlockHash) folds
    /// <paramref name="revisionHash"/> to the block hash, then the journal path folds that to
    /// <paramref name="digest"/>. When <paramref name="blockHash"/> is given the intermediate block hash must equal
    /// it, so a failure says whether the block part or the journal part is wrong. Requires the proof to end with
    /// exactly the journal path of <paramref name="blockIndex"/> in the tree of <paramref name="size"/> leaves.
    /// </summary>
    public static VerificationResult VerifyRevision(in Hash32 revisionHash, long blockIndex, long size, ReadOnlySpan<Hash32> proof, in Hash32 digest, Hash32? blockHash = null)
    {
        if (size < 1 || size > JournalTreeMath.MaxSize || blockIndex < 0 || blockIndex >= size)
        {
            return new MalformedProof($"Requires 0 <= block {blockIndex} <= tip {size - 1}.");
        }

        var journalLength = JournalTreeMath.InclusionPathLength(blockIndex, size);
        if (proof.Length < journalLength)
        {
            return new MalformedProof($"A revision proof for block {blockIndex} at tip {size - 1} has at least {journalLength} elements, got {proof.Length}.");
        }

        var blockPart = proof[..^journalLength];
        var calculatedBlockHash = QldbHash.Fold(revisionHash, blockPart);
        if (blockHash is { } stored && stored != calculatedBlockHash)
        {
            return new HashMismatch($"block {blockIndex}", $"blockHash rebuilt from the revision and the first {blockPart.Length} proof elements", stored, calculatedBlockHash);
        }

        return VerifyInclusion(blockIndex, size, calculatedBlockHash, proof[^journalLength..], digest);
    }

    /// <summary>
    /// Verifies that the tree of <paramref name="size1"/> leaves with digest <paramref name="digest1"/> is a prefix of
    /// the tree of <paramref name="size2"/> leaves with digest <paramref name="digest2"/>. Requires
    /// <c>1 &lt;= size1 &lt;= size2</c> and a proof of the exact length of <see cref="JournalTreeMath.ConsistencyPath"/>.
    /// </summary>
    /// <remarks>
    /// RFC 9162 section 2.1.4.2 with <c>dot</c> as the node hash. The sizes alone fix which proof elements belong to
    /// the old tree, so both roots are rebuilt from the proof and compared: the old one proves the proof describes
    /// the old tree, the new one that the same subtrees (plus the new ones) make up the new tree. <c>dot</c> being
    /// commutative only removes the left/right order, which the RFC uses for hashing but not for this bookkeeping.
    /// </remarks>
    public static VerificationResult VerifyConsistency(long size1, long size2, in Hash32 digest1, in Hash32 digest2, ReadOnlySpan<Hash32> proof)
    {
        if (size1 < 1 || size1 > size2 || size2 > JournalTreeMath.MaxSize)
        {
            return new MalformedProof($"Requires 1 <= size1 ({size1}) <= size2 ({size2}).");
        }

        if (size1 == size2)
        {
            if (!proof.IsEmpty)
            {
                return new MalformedProof($"A consistency proof between equal sizes is empty, got {proof.Length} elements.");
            }

            return digest1 == digest2 ? VerificationResult.Valid : new RootMismatch($"digest at tip {size2 - 1}", digest2, digest1);
        }

        var expectedLength = ConsistencyProofLength(size1, size2);
        if (proof.Length != expectedLength)
        {
            return new MalformedProof($"A consistency proof from size {size1} to size {size2} has {expectedLength} elements, got {proof.Length}.");
        }

        // When the old tree is a perfect subtree, its root is the starting node and not in the proof.
        var oldIsPerfect = BitOperations.IsPow2(size1);
        var seed = oldIsPerfect ? digest1 : proof[0];
        var rest = oldIsPerfect ? proof : proof[1..];

        var oldNode = (ulong)(size1 - 1);
        var newNode = (ulong)(size2 - 1);
        while ((oldNode & 1) == 1)
        {
            oldNode >>= 1;
            newNode >>= 1;
        }

        var oldRoot = seed;
        var newRoot = seed;
        foreach (ref readonly var sibling in rest)
        {
            if (newNode == 0)
            {
                return new MalformedProof($"The consistency proof from size {size1} to size {size2} is too long.");
            }

            if ((oldNode & 1) == 1 || oldNode == newNode)
            {
                // A left sibling: part of both trees.
                oldRoot = QldbHash.Dot(sibling, oldRoot);
                newRoot = QldbHash.Dot(sibling, newRoot);
                while ((oldNode & 1) == 0 && oldNode != 0)
                {
                    oldNode >>= 1;
                    newNode >>= 1;
                }
            }
            else
            {
                // A right sibling: only in the new tree.
                newRoot = QldbHash.Dot(newRoot, sibling);
            }

            oldNode >>= 1;
            newNode >>= 1;
        }

        if (newNode != 0)
        {
            return new MalformedProof($"The consistency proof from size {size1} to size {size2} is too short.");
        }

        if (oldRoot != digest1)
        {
            return new RootMismatch($"digest at tip {size1 - 1} rebuilt from the consistency proof", digest1, oldRoot);
        }

        return newRoot == digest2
            ? VerificationResult.Valid
            : new RootMismatch($"digest at tip {size2 - 1} rebuilt from the consistency proof", digest2, newRoot);
    }

    /// <summary>The number of elements of a consistency proof, without building it. Requires <c>1 &lt;= size1 &lt;= size2</c>.</summary>
    public static int ConsistencyProofLength(long size1, long size2) => JournalTreeMath.ConsistencyPathLength(size1, size2);

    private static MalformedProof? CheckInclusionShape(long leafIndex, long size, int proofLength)
    {
        if (size < 1 || size > JournalTreeMath.MaxSize || leafIndex < 0 || leafIndex >= size)
        {
            return new MalformedProof($"Requires 0 <= leaf {leafIndex} <= tip {size - 1}.");
        }

        var expected = JournalTreeMath.InclusionPathLength(leafIndex, size);
        return proofLength == expected
            ? null
            : new MalformedProof($"A proof for leaf {leafIndex} at tip {size - 1} has {expected} elements, got {proofLength}.");
    }
}
