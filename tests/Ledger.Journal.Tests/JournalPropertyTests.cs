using System.Numerics;
using Ledger.Journal.Tree;
using Ledger.Journal.Verification;

namespace Ledger.Journal.Tests;

/// <summary>
/// Properties over random journals of real blocks (random revisions, transaction info, redactions and chained
/// block hashes built with <see cref="BlockHashBuilder"/>): proofs verify against every later digest, consistency
/// proofs verify between tips, any flipped bit fails, and proof lengths stay logarithmic.
/// Seeds are fixed so failures reproduce; small journals are checked exhaustively, large ones by sampling.
/// </summary>
public sealed class JournalPropertyTests
{
    [Fact]
    public async Task Every_block_and_revision_proof_verifies_against_every_later_digest_in_small_journals()
    {
        var journal = RandomJournal.Create(64, seed: 1);
        var digests = new Hash32[journal.Size + 1];
        for (var size = 1; size <= journal.Size; size++)
        {
            digests[size] = await journal.Tree.DigestAsync(size);
        }

        for (var block = 0; block < journal.Size; block++)
        {
            for (var size = block + 1; size <= journal.Size; size++)
            {
                var journalPath = await journal.Tree.InclusionProofAsync(block, size);
                var blockResult = ProofVerifier.VerifyInclusion(block, size, journal.Blocks[block].BlockHash, journalPath, digests[size]);
                Assert.True(blockResult.IsValid, $"block {block} size {size}: {blockResult}");
                for (var revision = 0; revision < journal.Revisions[block].Length; revision++)
                {
                    Hash32[] proof = [.. journal.RevisionProofPrefix(block, revision), .. journalPath];
                    var result = ProofVerifier.VerifyRevision(journal.Revisions[block][revision], block, size, proof, digests[size], journal.Blocks[block].BlockHash);
                    Assert.True(result.IsValid, $"revision {revision} of block {block} size {size}: {result}");
                }
            }
        }
    }

    [Fact]
    public async Task Every_block_and_revision_of_a_5000_block_journal_verifies_against_several_later_digests()
    {
        const int Blocks = 5000;
        var journal = RandomJournal.Create(Blocks, seed: 5000);
        var random = new Random(5001);
        var digests = new Dictionary<int, Hash32>();
        async Task<Hash32> DigestAsync(int size) =>
            digests.TryGetValue(size, out var digest) ? digest : digests[size] = await journal.Tree.DigestAsync(size);

        for (var block = 0; block < Blocks; block++)
        {
            foreach (var size in new[] { block + 1, Math.Min(Blocks, block + 2), random.Next(block + 1, Blocks + 1), Blocks })
            {
                var digest = await DigestAsync(size);
                var path = await journal.Tree.InclusionProofAsync(block, size);
                Assert.True(ProofVerifier.VerifyInclusion(block, size, journal.Blocks[block].BlockHash, path, digest).IsValid);
                for (var revision = 0; revision < journal.Revisions[block].Length; revision++)
                {
                    Hash32[] proof = [.. journal.RevisionProofPrefix(block, revision), .. path];
                    Assert.True(ProofVerifier.VerifyRevision(journal.Revisions[block][revision], block, size, proof, digest, journal.Blocks[block].BlockHash).IsValid);
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(777, 4)]
    [InlineData(4096, 5)]
    [InlineData(5000, 6)]
    public async Task Sampled_proofs_verify_in_random_journals(int blocks, int seed)
    {
        var journal = RandomJournal.Create(blocks, seed);
        var random = new Random(seed);
        Assert.Equal(journal.Blocks[^1].BlockHash, journal.Tree.Leaves[^1]);
        Assert.True(BlockVerifier.VerifyChain(journal.Blocks).IsValid);
        for (var trial = 0; trial < 200; trial++)
        {
            var size2 = random.Next(1, blocks + 1);
            var size1 = random.Next(1, size2 + 1);
            var block = random.Next(size1);
            var digest1 = await journal.Tree.DigestAsync(size1);
            var digest2 = await journal.Tree.DigestAsync(size2);
            foreach (var (size, digest) in new[] { (size1, digest1), (size2, digest2) })
            {
                var path = await journal.Tree.InclusionProofAsync(block, size);
                Assert.True(ProofVerifier.VerifyInclusion(block, size, journal.Blocks[block].BlockHash, path, digest).IsValid);
                if (journal.Revisions[block].Length > 0)
                {
                    var revision = random.Next(journal.Revisions[block].Length);
                    Hash32[] proof = [.. journal.RevisionProofPrefix(block, revision), .. path];
                    Assert.True(ProofVerifier.VerifyRevision(journal.Revisions[block][revision], block, size, proof, digest, journal.Blocks[block].BlockHash).IsValid);
                }
            }

            var consistency = await journal.Tree.ConsistencyProofAsync(size1, size2);
            var consistent = ProofVerifier.VerifyConsistency(size1, size2, digest1, digest2, consistency);
            Assert.True(consistent.IsValid, $"{size1} -> {size2}: {consistent}");
        }
    }

    [Fact]
    public async Task Every_consistency_proof_between_tips_of_a_small_journal_verifies()
    {
        var journal = RandomJournal.Create(70, seed: 9);
        for (var size2 = 1; size2 <= journal.Size; size2++)
        {
            var digest2 = await journal.Tree.DigestAsync(size2);
            for (var size1 = 1; size1 <= size2; size1++)
            {
                var proof = await journal.Tree.ConsistencyProofAsync(size1, size2);
                Assert.True(ProofVerifier.VerifyConsistency(size1, size2, await journal.Tree.DigestAsync(size1), digest2, proof).IsValid);
            }
        }
    }

    [Theory]
    [InlineData(3000, 2999, 3000)]
    [InlineData(3000, 1234, 2048)]
    [InlineData(3000, 0, 1)]
    [InlineData(3000, 17, 18)]
    public async Task Flipping_any_bit_of_any_input_fails_revision_verification(int blocks, int block, int size)
    {
        var journal = RandomJournal.Create(blocks, seed: block);
        var revisions = journal.Revisions[block];
        Assert.NotEmpty(revisions);
        var revisionHash = revisions[^1];
        Hash32[] proof = [.. journal.RevisionProofPrefix(block, revisions.Length - 1), .. await journal.Tree.InclusionProofAsync(block, size)];
        var digest = await journal.Tree.DigestAsync(size);
        Assert.True(ProofVerifier.VerifyRevision(revisionHash, block, size, proof, digest).IsValid);

        for (var bit = 0; bit < Hash32.Length * 8; bit++)
        {
            Assert.False(ProofVerifier.VerifyRevision(Vectors.FlipBit(revisionHash, bit), block, size, proof, digest).IsValid);
            Assert.False(ProofVerifier.VerifyRevision(revisionHash, block, size, proof, Vectors.FlipBit(digest, bit)).IsValid);
            for (var element = 0; element < proof.Length; element++)
            {
                var original = proof[element];
                proof[element] = Vectors.FlipBit(original, bit);
                Assert.False(ProofVerifier.VerifyRevision(revisionHash, block, size, proof, digest).IsValid, $"bit {bit} of element {element}");
                proof[element] = original;
            }
        }
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(5, 2000)]
    [InlineData(1024, 3000)]
    [InlineData(2047, 2049)]
    public async Task Flipping_any_bit_of_any_input_fails_consistency_verification(int size1, int size2)
    {
        var journal = RandomJournal.Create(size2, seed: size1);
        var digest1 = await journal.Tree.DigestAsync(size1);
        var digest2 = await journal.Tree.DigestAsync(size2);
        var proof = await journal.Tree.ConsistencyProofAsync(size1, size2);
        Assert.True(ProofVerifier.VerifyConsistency(size1, size2, digest1, digest2, proof).IsValid);

        for (var bit = 0; bit < Hash32.Length * 8; bit++)
        {
            Assert.False(ProofVerifier.VerifyConsistency(size1, size2, Vectors.FlipBit(digest1, bit), digest2, proof).IsValid);
            Assert.False(ProofVerifier.VerifyConsistency(size1, size2, digest1, Vectors.FlipBit(digest2, bit), proof).IsValid);
            for (var element = 0; element < proof.Length; element++)
            {
                var original = proof[element];
                proof[element] = Vectors.FlipBit(original, bit);
                Assert.False(ProofVerifier.VerifyConsistency(size1, size2, digest1, digest2, proof).IsValid, $"bit {bit} of element {element}");
                proof[element] = original;
            }
        }
    }

    [Fact]
    public void Proof_lengths_are_logarithmic()
    {
        var random = new Random(3);
        for (var trial = 0; trial < 20_000; trial++)
        {
            var size = trial < 2000 ? trial + 1 : random.NextInt64(1, JournalTreeMath.MaxSize);
            var leaf = random.NextInt64(size);
            var size1 = random.NextInt64(1, size + 1);
            var bound = Log2Ceiling(size);
            Assert.True(JournalTreeMath.InclusionPathLength(leaf, size) <= bound, $"inclusion {leaf}/{size}");
            var consistency = JournalTreeMath.ConsistencyPath(size1, size).Count;
            Assert.True(consistency <= bound + 1, $"consistency {size1}/{size}");
            Assert.Equal(consistency, JournalTreeMath.ConsistencyPathLength(size1, size));
        }
    }

    [Fact]
    public void A_broken_link_names_the_block_and_the_hash()
    {
        var journal = RandomJournal.Create(10, seed: 4);
        var blocks = journal.Blocks.ToList();
        blocks[6] = blocks[6] with { PreviousBlockHash = Vectors.FlipBit(blocks[6].PreviousBlockHash!.Value, 1) };
        var failure = Assert.IsType<HashMismatch>(BlockVerifier.VerifyChain(blocks).Failure);
        Assert.Equal("block 6", failure.Location);
        Assert.Equal("blockHash", failure.Field);

        blocks = [.. journal.Blocks];
        var relinked = BlockHashBuilder.Build(6, Vectors.FlipBit(blocks[5].BlockHash, 1), [], NaiveJournalTree.SyntheticLeaf(6));
        blocks[6] = relinked;
        failure = Assert.IsType<HashMismatch>(BlockVerifier.VerifyChain(blocks).Failure);
        Assert.Equal("block 6", failure.Location);
        Assert.StartsWith("previousBlockHash", failure.Field, StringComparison.Ordinal);
        Assert.Equal(journal.Blocks[5].BlockHash, failure.Expected);

        blocks = [.. journal.Blocks];
        blocks.RemoveAt(3);
        Assert.IsType<MalformedProof>(BlockVerifier.VerifyChain(blocks).Failure);
    }

    private static int Log2Ceiling(long n) => n <= 1 ? 0 : 64 - BitOperations.LeadingZeroCount((ulong)(n - 1));
}

/// <summary>A random journal: blocks with 0..5 revisions, some redaction entries, chained from a genesis block.</summary>
internal sealed class RandomJournal
{
    public List<BlockHashes> Blocks { get; } = [];

    public List<Hash32[]> Revisions { get; } = [];

    public TreeFixture Tree { get; } = new();

    public int Size => Blocks.Count;

    public static RandomJournal Create(int blocks, int seed)
    {
        var random = new Random(seed);
        var journal = new RandomJournal();
        for (var i = 0; i < blocks; i++)
        {
            // Every block has at least one revision when it is sampled by the flip tests (seeded by index).
            var revisions = Enumerable.Range(0, random.Next(i % 7 == 5 ? 0 : 1, 6)).Select(_ => RandomHash(random)).ToArray();
            Hash32? redaction = random.Next(10) == 0 ? RandomHash(random) : null;
            Hash32? previous = i == 0 ? null : journal.Blocks[^1].BlockHash;
            var block = BlockHashBuilder.Build(i, previous, revisions, RandomHash(random), redaction);
            journal.Blocks.Add(block);
            journal.Revisions.Add(revisions);
            journal.Tree.Append(block.BlockHash);
        }

        return journal;
    }

    public Hash32[] RevisionProofPrefix(int block, int revision)
    {
        var hashes = Blocks[block];
        var layout = BlockHashBuilder.Layout(Revisions[block].Length > 0, hashes.EntriesHashList.Count == 3);
        return BlockHashBuilder.RevisionProofPrefix(Revisions[block], revision, hashes.EntriesHashList, layout.RevisionsRootIndex, hashes.PreviousBlockHash);
    }

    private static Hash32 RandomHash(Random random)
    {
        Span<byte> bytes = stackalloc byte[Hash32.Length];
        random.NextBytes(bytes);
        return new Hash32(bytes);
    }
}
