using FsCheck;
using FsCheck.Fluent;
using Ledger.Journal.Verification;

namespace Ledger.Journal.Tests;

/// <summary>
/// Generated properties (FsCheck, shrinking to a minimal failing case) over one shared random journal of 5,000
/// blocks: for any tips 1 &lt;= size1 &lt;= size2 and any block below size1, the block proof verifies against both
/// digests, the consistency proof verifies, and one flipped bit anywhere makes each of them fail.
/// </summary>
public sealed class JournalFsCheckTests
{
    private const int Blocks = 5000;
    private static readonly Lazy<TreeFixture> s_journal = new(() => TreeFixture.Random(Blocks, seed: 77));

    private static Gen<(int Size1, int Size2, int Leaf, int Bit)> Cases() =>
        from size2 in Gen.Choose(1, Blocks)
        from size1 in Gen.Choose(1, size2)
        from leaf in Gen.Choose(0, size1 - 1)
        from bit in Gen.Choose(0, (Hash32.Length * 8) - 1)
        select (size1, size2, leaf, bit);

    [Fact]
    public void Proofs_verify_between_any_tips_and_any_flipped_bit_fails() =>
        Prop.ForAll(Arb.From(Cases()), c => Holds(c.Size1, c.Size2, c.Leaf, c.Bit).AsTask())
            .QuickCheckThrowOnFailure();

    private static async ValueTask<bool> Holds(int size1, int size2, int leaf, int bit)
    {
        var journal = s_journal.Value;
        var digest1 = await journal.DigestAsync(size1);
        var digest2 = await journal.DigestAsync(size2);
        var leafHash = journal.Leaves[leaf];
        var inclusion1 = await journal.InclusionProofAsync(leaf, size1);
        var inclusion2 = await journal.InclusionProofAsync(leaf, size2);
        var consistency = await journal.ConsistencyProofAsync(size1, size2);

        var valid = ProofVerifier.VerifyInclusion(leaf, size1, leafHash, inclusion1, digest1).IsValid
            && ProofVerifier.VerifyInclusion(leaf, size2, leafHash, inclusion2, digest2).IsValid
            && ProofVerifier.VerifyConsistency(size1, size2, digest1, digest2, consistency).IsValid;

        var flippedLeafFails = !ProofVerifier.VerifyInclusion(leaf, size2, Vectors.FlipBit(leafHash, bit), inclusion2, digest2).IsValid;
        var flippedDigestFails = !ProofVerifier.VerifyConsistency(size1, size2, Vectors.FlipBit(digest1, bit), digest2, consistency).IsValid
            && !ProofVerifier.VerifyConsistency(size1, size2, digest1, Vectors.FlipBit(digest2, bit), consistency).IsValid;
        var flippedElementFails = true;
        if (consistency.Length > 0)
        {
            var element = bit % consistency.Length;
            consistency[element] = Vectors.FlipBit(consistency[element], bit);
            flippedElementFails = !ProofVerifier.VerifyConsistency(size1, size2, digest1, digest2, consistency).IsValid;
        }

        return valid && flippedLeafFails && flippedDigestFails && flippedElementFails;
    }
}
