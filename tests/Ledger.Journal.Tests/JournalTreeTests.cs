using System.Numerics;
using Ledger.Journal.Tree;
using Ledger.Journal.Verification;

namespace Ledger.Journal.Tests;

public sealed class JournalTreeTests
{
    private const int ExhaustiveSize = 40;

    [Fact]
    public async Task Digest_at_every_past_tip_matches_the_naive_root()
    {
        var naive = NaiveJournalTree.Synthetic(ExhaustiveSize);
        var fixture = new TreeFixture();
        for (var size = 1; size <= ExhaustiveSize; size++)
        {
            fixture.Append(naive.Leaf(size - 1));
            Assert.Equal(naive.Root(size), fixture.Appender.Digest());
        }

        for (var size = 1; size <= ExhaustiveSize; size++)
        {
            Assert.Equal(naive.Root(size), await fixture.DigestAsync(size));
        }
    }

    [Fact]
    public async Task Inclusion_proofs_match_the_naive_path_for_every_leaf_and_tip()
    {
        var naive = NaiveJournalTree.Synthetic(ExhaustiveSize);
        var fixture = TreeFixture.Synthetic(ExhaustiveSize);
        for (var size = 1; size <= ExhaustiveSize; size++)
        {
            for (var leaf = 0; leaf < size; leaf++)
            {
                var expected = naive.InclusionProof(leaf, size);
                Assert.Equal(expected, await fixture.InclusionProofAsync(leaf, size));
                Assert.Equal(expected.Count, JournalTreeMath.InclusionPathLength(leaf, size));
            }
        }
    }

    [Fact]
    public async Task Consistency_proofs_match_the_naive_subproof_and_verify_for_every_pair()
    {
        var naive = NaiveJournalTree.Synthetic(ExhaustiveSize);
        var fixture = TreeFixture.Synthetic(ExhaustiveSize);
        for (var size2 = 1; size2 <= ExhaustiveSize; size2++)
        {
            for (var size1 = 1; size1 <= size2; size1++)
            {
                var proof = await fixture.ConsistencyProofAsync(size1, size2);
                Assert.Equal(naive.ConsistencyProof(size1, size2), proof);
                var result = ProofVerifier.VerifyConsistency(size1, size2, naive.Root(size1), naive.Root(size2), proof);
                Assert.True(result.IsValid, $"{size1}->{size2}: {result}");
            }
        }
    }

    [Fact]
    public async Task Large_random_tree_matches_the_naive_reference_on_random_pairs()
    {
        const int Size = 5000;
        var fixture = TreeFixture.Random(Size, seed: 11);
        var naive = new NaiveJournalTree();
        fixture.Leaves.ForEach(naive.Append);
        var random = new Random(12);
        for (var trial = 0; trial < 30; trial++)
        {
            var size = random.Next(1, Size + 1);
            var leaf = random.Next(size);
            var size1 = random.Next(1, size + 1);
            Assert.Equal(naive.InclusionProof(leaf, size), await fixture.InclusionProofAsync(leaf, size));
            Assert.Equal(naive.ConsistencyProof(size1, size), await fixture.ConsistencyProofAsync(size1, size));
            Assert.Equal(naive.Root(size), await fixture.DigestAsync(size));
        }
    }

    [Fact]
    public void Appender_reports_exactly_the_complete_nodes_it_creates()
    {
        var appender = new JournalTreeAppender();
        var seen = new HashSet<NodeId>();
        for (var i = 0; i < 64; i++)
        {
            var created = appender.Append(NaiveJournalTree.SyntheticLeaf(i));
            // The leaf plus one node per trailing one bit of the old size.
            Assert.Equal(1 + BitOperations.TrailingZeroCount(~(ulong)i), created.Length);
            Assert.Equal(new NodeId(0, i), created[0].Id);
            foreach (var node in created)
            {
                Assert.True(seen.Add(node.Id));
                Assert.Equal(i + 1, node.Id.EndLeaf);
            }
        }

        // A tree of 64 leaves has 64 + 32 + ... + 1 complete nodes.
        Assert.Equal(127, seen.Count);
    }

    [Fact]
    public void Restored_appender_continues_exactly_like_the_original()
    {
        var original = TreeFixture.Synthetic(21);
        var restored = JournalTreeAppender.Restore(21, original.Appender.RightEdge());
        Assert.Equal(original.Appender.Digest(), restored.Digest());
        for (var i = 21; i < 50; i++)
        {
            var leaf = NaiveJournalTree.SyntheticLeaf(i);
            Assert.Equal(original.Appender.Append(leaf), restored.Append(leaf));
            Assert.Equal(original.Appender.Digest(), restored.Digest());
        }
    }

    [Fact]
    public void Restore_checks_the_number_of_right_edge_roots()
    {
        Assert.Throws<ArgumentException>(() => JournalTreeAppender.Restore(7, new Hash32[2]));
        Assert.Throws<ArgumentException>(() => JournalTreeAppender.Restore(0, new Hash32[1]));
        Assert.Equal(0, JournalTreeAppender.Restore(0, []).Size);
    }

    [Fact]
    public void Empty_tree_has_no_digest() =>
        Assert.Throws<InvalidOperationException>(() => new JournalTreeAppender().Digest());

    [Fact]
    public void Append_requires_room_for_the_created_nodes()
    {
        var appender = new JournalTreeAppender();
        appender.Append(NaiveJournalTree.SyntheticLeaf(0));
        Assert.Throws<ArgumentException>(() => appender.Append(NaiveJournalTree.SyntheticLeaf(1), new JournalNode[1]));
    }

    [Fact]
    public async Task Store_rejects_missing_and_out_of_order_nodes()
    {
        var store = new InMemoryJournalNodeStore();
        Assert.Throws<InvalidOperationException>(() => store.Add(new JournalNode(new NodeId(0, 1), default)));
        store.Add(new JournalNode(new NodeId(0, 0), default));
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await JournalProofBuilder.DigestAsync(store, 2));
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await store.GetNodesAsync([new NodeId(1, 0)]));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(5, 5)]
    [InlineData(-1, 5)]
    public void InclusionPath_checks_its_preconditions(long leaf, long size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => JournalTreeMath.InclusionPath(leaf, size));

    [Theory]
    [InlineData(0, 5)]
    [InlineData(6, 5)]
    public void ConsistencyPath_checks_its_preconditions(long size1, long size2) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => JournalTreeMath.ConsistencyPath(size1, size2));

    [Fact]
    public void Decompose_rejects_ranges_that_are_not_tree_nodes() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => JournalTreeMath.Decompose(new LeafRange(2, 5), []));

    [Fact]
    public void Proofs_hold_at_most_one_partial_node_and_few_complete_nodes()
    {
        for (long size = 1; size <= 300; size += 7)
        {
            var nodes = new List<NodeId>();
            for (long leaf = 0; leaf < size; leaf += 3)
            {
                var path = JournalTreeMath.InclusionPath(leaf, size);
                Assert.True(path.Count(r => !BitOperations.IsPow2(r.Count)) <= 1);
                nodes.Clear();
                path.ForEach(r => JournalTreeMath.Decompose(r, nodes));
                Assert.True(nodes.Count <= 2 * Log2Ceiling(size) + 1, $"{nodes.Count} nodes for leaf {leaf} of {size}");
            }
        }
    }

    private static int Log2Ceiling(long n) => n <= 1 ? 0 : 64 - BitOperations.LeadingZeroCount((ulong)(n - 1));
}
