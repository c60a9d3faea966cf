namespace Ledger.Journal.Tests;

public sealed class HashTests
{
    [Fact]
    public void Hash32_round_trips_bytes_base64_and_hex()
    {
        var bytes = Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 1)).ToArray();
        var hash = new Hash32(bytes);

        Assert.Equal(bytes, hash.ToArray());
        Assert.Equal(hash, Hash32.FromBase64(Convert.ToBase64String(bytes)));
        Assert.Equal(hash, Hash32.FromHex(Convert.ToHexString(bytes)));
        Assert.Equal(Convert.ToBase64String(bytes), hash.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("AAAA")]
    [InlineData("not base64!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void FromBase64_rejects_anything_but_32_bytes(string text) =>
        Assert.Throws<FormatException>(() => Hash32.FromBase64(text));

    [Fact]
    public void Constructor_rejects_wrong_lengths()
    {
        Assert.Throws<ArgumentException>(() => new Hash32(new byte[31]));
        Assert.Throws<ArgumentException>(() => new Hash32(new byte[33]));
    }

    [Fact]
    public void QldbOrder_compares_signed_bytes_from_the_last_byte()
    {
        var minus128 = new byte[32];
        minus128[31] = 0x80;
        var plus1 = new byte[32];
        plus1[31] = 0x01;
        Assert.True(new Hash32(minus128).CompareQldbOrder(new Hash32(plus1)) < 0);

        // Byte 31 outranks byte 0.
        var highLast = new byte[32];
        highLast[31] = 0x02;
        highLast[0] = 0x00;
        var highFirst = new byte[32];
        highFirst[31] = 0x01;
        highFirst[0] = 0x7f;
        Assert.True(new Hash32(highFirst).CompareQldbOrder(new Hash32(highLast)) < 0);
        Assert.Equal(0, new Hash32(plus1).CompareQldbOrder(new Hash32(plus1)));
    }

    [Fact]
    public void QldbOrder_matches_a_byte_by_byte_reference_on_random_pairs()
    {
        var random = new Random(7);
        var a = new byte[32];
        var b = new byte[32];
        for (var trial = 0; trial < 2000; trial++)
        {
            random.NextBytes(a);
            random.NextBytes(b);
            // Make long shared suffixes common so every word boundary is exercised.
            var shared = random.Next(33);
            Array.Copy(a, 32 - shared, b, 32 - shared, shared);
            Assert.Equal(Math.Sign(ReferenceCompare(a, b)), Math.Sign(new Hash32(a).CompareQldbOrder(new Hash32(b))));
        }
    }

    [Fact]
    public void Dot_is_commutative_and_hashes_the_ordered_pair()
    {
        var a = NaiveJournalTree.SyntheticLeaf(0);
        var b = NaiveJournalTree.SyntheticLeaf(1);
        Assert.Equal(QldbHash.Dot(a, b), QldbHash.Dot(b, a));

        var (first, second) = ReferenceCompare(a.ToArray(), b.ToArray()) < 0 ? (a, b) : (b, a);
        Assert.Equal(QldbHash.Sha256([.. first.ToArray(), .. second.ToArray()]), QldbHash.Dot(a, b));
    }

    [Fact]
    public void MerkleRoot_matches_the_naive_reference_for_every_length_to_40()
    {
        var leaves = Enumerable.Range(0, 40).Select(i => NaiveJournalTree.SyntheticLeaf(i)).ToList();
        for (var n = 1; n <= leaves.Count; n++)
        {
            Assert.Equal(NaiveJournalTree.RootOf(leaves.GetRange(0, n)), QldbHash.MerkleRoot(leaves.GetRange(0, n).ToArray()));
        }
    }

    [Fact]
    public async Task Dot_gives_the_same_results_on_many_threads_at_once()
    {
        var leaves = Enumerable.Range(0, 256).Select(i => NaiveJournalTree.SyntheticLeaf(i)).ToArray();
        var expected = leaves.Zip(leaves.Skip(1), (a, b) => System.Security.Cryptography.SHA256.HashData(
            a.CompareQldbOrder(b) < 0 ? [.. a.ToArray(), .. b.ToArray()] : [.. b.ToArray(), .. a.ToArray()])).ToArray();
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var round = 0; round < 20; round++)
            {
                for (var i = 0; i < expected.Length; i++)
                {
                    Assert.Equal(expected[i], QldbHash.Dot(leaves[i], leaves[i + 1]).ToArray());
                }
            }
        }));
        await Task.WhenAll(workers);
    }

    [Fact]
    public void MerkleRoot_of_nothing_is_undefined() =>
        Assert.Throws<ArgumentException>(() => QldbHash.MerkleRoot([]));

    [Fact]
    public void MerklePath_folds_every_element_to_the_root()
    {
        var leaves = Enumerable.Range(0, 13).Select(i => NaiveJournalTree.SyntheticLeaf(i)).ToArray();
        for (var n = 1; n <= leaves.Length; n++)
        {
            var root = QldbHash.MerkleRoot(leaves.AsSpan(0, n));
            for (var i = 0; i < n; i++)
            {
                var path = QldbHash.MerklePath(leaves.AsSpan(0, n), i);
                Assert.Equal(root, QldbHash.Fold(leaves[i], path));
            }
        }
    }

    private static int ReferenceCompare(byte[] a, byte[] b)
    {
        for (var i = 31; i >= 0; i--)
        {
            var diff = (sbyte)a[i] - (sbyte)b[i];
            if (diff != 0)
            {
                return diff;
            }
        }

        return 0;
    }
}
