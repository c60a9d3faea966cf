using Ledger.Journal.Verification;

namespace Ledger.Journal.Tests;

/// <summary>The dot vectors of spec 11.2, the block-hash identities of 11.4 and 11.6 and the tree of 11.7.</summary>
public sealed class HashVectorTests
{
    public static TheoryData<string> DotCases() => [.. Vectors.Files("dot")];

    [Theory]
    [MemberData(nameof(DotCases))]
    public void Dot_vector(string file)
    {
        var vector = Vectors.Load(file);
        var a = Hash32.FromHex((string)vector["a"]!);
        var b = Hash32.FromHex((string)vector["b"]!);
        var want = Hash32.FromHex((string)vector["want"]!);
        var wantErr = (bool)vector["wantErr"]!;
        Assert.Equal(!wantErr, QldbHash.Dot(a, b) == want);
        Assert.Equal(QldbHash.Dot(a, b), QldbHash.Dot(b, a));
    }

    public static TheoryData<string, string> BlockHashCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Vectors.Files("blockhash"))
        {
            var entries = Vectors.Load(file)["entriesHashList"]!.AsArray().Count;
            data.Add(file, "as given");
            for (var i = 0; i < entries; i++)
            {
                data.Add(file, $"flip entriesHashList[{i}]");
            }

            data.Add(file, "flip previousBlockHash");
            data.Add(file, "flip entriesHash");
            data.Add(file, "flip blockHash");
            data.Add(file, "drop last entry");
            data.Add(file, "no previous block");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BlockHashCases))]
    public void Block_hash_vector(string file, string mutation)
    {
        var vector = Vectors.Load(file);
        var entries = vector.Base64List("entriesHashList").ToList();
        Hash32? previous = vector.Base64("previousBlockHash");
        var entriesHash = vector.Base64("entriesHash");
        var blockHash = vector.Base64("blockHash");
        var wantErr = (bool)vector["wantErr"]!;
        string? wantField = null;
        switch (mutation)
        {
            case "as given":
                break;
            case "flip previousBlockHash":
                previous = Vectors.FlipBit(previous.Value, 5);
                wantField = "blockHash";
                break;
            case "flip entriesHash":
                entriesHash = Vectors.FlipBit(entriesHash, 200);
                wantField = "entriesHash";
                break;
            case "flip blockHash":
                blockHash = Vectors.FlipBit(blockHash, 0);
                wantField = "blockHash";
                break;
            case "drop last entry":
                entries.RemoveAt(entries.Count - 1);
                wantField = "entriesHash";
                break;
            case "no previous block":
                previous = null;
                wantField = "blockHash";
                break;
            default:
                var index = int.Parse(mutation["flip entriesHashList[".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
                entries[index] = Vectors.FlipBit(entries[index], 100 + index);
                wantField = "entriesHash";
                break;
        }

        var result = BlockVerifier.VerifyHashes(new BlockHashes(100, blockHash, entriesHash, previous, entries));
        if (wantField is null && !wantErr)
        {
            Assert.True(result.IsValid, result.ToString());
        }
        else
        {
            var mismatch = Assert.IsType<HashMismatch>(result.Failure);
            Assert.Equal(wantField, mismatch.Field);
        }
    }

    [Fact]
    public async Task Synthetic_tree_of_11_7_has_the_published_leaves_and_roots()
    {
        var vector = Vectors.Load("tree/synthetic-11.7.json");
        var leaves = vector["leavesHex"]!.AsArray().Select(n => Hash32.FromHex((string)n!)).ToArray();
        var roots = vector["rootsHex"]!.AsArray().Select(n => Hash32.FromHex((string)n!)).ToArray();
        var fixture = new TreeFixture();
        for (var i = 0; i < leaves.Length; i++)
        {
            Assert.Equal(leaves[i], NaiveJournalTree.SyntheticLeaf(i));
            fixture.Append(leaves[i]);
            Assert.Equal(roots[i], fixture.Appender.Digest());
            Assert.Equal(roots[i], QldbHash.MerkleRoot(leaves.AsSpan(0, i + 1)));
        }

        for (var size = 1; size <= roots.Length; size++)
        {
            Assert.Equal(roots[size - 1], await fixture.DigestAsync(size));
        }

        Assert.Equal([leaves[5], leaves[6], roots[3]], await fixture.InclusionProofAsync(4, 7));
        Assert.Equal([roots[3]], await fixture.InclusionProofAsync(4, 5));
    }

    [Fact]
    public void Real_block_100_revision_proof_starts_with_the_block_internals()
    {
        var block = Vectors.Load("blockhash/aws-cli-block-100.json");
        var revision = Vectors.Load("inclusion/aws-cli-getrevision-100-tip-123.json");
        var entries = block.Base64List("entriesHashList");
        var proof = revision.Base64List("proof");

        // Spec 11.4: the revision is entries[1]; its entries-tree siblings are E0 and dot(E2, E3), then previousBlockHash.
        Assert.Equal(entries[1], revision.Base64("startHash"));
        Assert.Equal(QldbHash.MerklePath(entries, 1), proof[..2]);
        Assert.Equal(QldbHash.Dot(entries[2], entries[3]), proof[1]);
        Assert.Equal(block.Base64("previousBlockHash"), proof[2]);
        Assert.Equal(block.Base64("blockHash"), QldbHash.Fold(revision.Base64("startHash"), proof[..3]));
    }

    [Fact]
    public void Real_invoices_proofs_pass_through_the_published_tree_nodes()
    {
        // Spec 11.5 "cross-consistency": the intermediate folds of proof A are the tree nodes over blocks
        // 19, 18..19, 16..19, 16..23, 16..31, 0..31; proof C reaches the same 16..31 and 0..31 nodes.
        var a = Vectors.Load("inclusion/invoices-a-19-tip-35.json");
        var c = Vectors.Load("inclusion/invoices-c-30-tip-38.json");
        string[] expectedA =
        [
            "/9wo++9LBu7Y2py825SilcQUpxw8v9NFEvL53ubf2sk=", "c3UHIWIUwHPcveIPuzZyYf0Uvv8g9Xa+L5WoBg/f8yU=",
            "6jSYZ6PfQuVqggALLUhVoGVrVjPwJnmc/iWKKMIpEMQ=", "vRa8AvPIddArNf+B9XO5bhFwRcvY5Z5WgCYC2BhYl5Y=",
            "kOix0O77hVVBXBSTqCdFL+zQ9F+jFTWCH+XN4jbXkyY=", "57HdXY6kYwXRLzM2Id3YIq9yNLcfYD5XQqkgJDldDQA=",
        ];
        var proofA = a.Base64List("proof");
        for (var step = 0; step < expectedA.Length; step++)
        {
            Assert.Equal(Hash32.FromBase64(expectedA[step]), QldbHash.Fold(a.Base64("startHash"), proofA[..(3 + step)]));
        }

        var proofC = c.Base64List("proof");
        Assert.Equal(Hash32.FromBase64(expectedA[4]), QldbHash.Fold(c.Base64("startHash"), proofC[..7]));
        Assert.Equal(Hash32.FromBase64(expectedA[5]), QldbHash.Fold(c.Base64("startHash"), proofC[..8]));
    }
}
