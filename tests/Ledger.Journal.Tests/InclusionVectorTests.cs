using System.Text.Json.Nodes;
using Ledger.Journal.Verification;

namespace Ledger.Journal.Tests;

/// <summary>
/// The block and revision proofs of spec 11.4, 11.5 and 11.7 (real AWS proofs and synthetic ones), each file a row,
/// plus negative cases derived from every happy path: a bit flipped in each input, truncated and extended proofs,
/// swapped hashes and moved positions.
/// </summary>
public sealed class InclusionVectorTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Vectors.Files("inclusion"))
        {
            var vector = Vectors.Load(file);
            foreach (var mutation in InclusionMutation.DerivedFrom(vector))
            {
                data.Add(file, mutation);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Vector(string file, string mutation)
    {
        var vector = InclusionMutation.Apply(Vectors.Load(file), mutation, out var wantErr);
        var result = Verify(vector);
        Assert.True(result.IsValid != wantErr, $"{vector["desc"]} [{mutation}]: wantErr={wantErr}, got {result}");
    }

    internal static VerificationResult Verify(JsonObject vector)
    {
        var start = vector.Base64("startHash");
        var proof = vector.Base64List("proof");
        var digest = vector.Base64("digest");
        var blockIndex = (long)vector["blockIndex"]!;
        var size = (long)vector["tip"]! + 1;
        return (string)vector["kind"]! switch
        {
            "block" => ProofVerifier.VerifyInclusion(blockIndex, size, start, proof, digest),
            "revision" => ProofVerifier.VerifyRevision(start, blockIndex, size, proof, digest, vector.OptionalBase64("blockHash")),
            var kind => throw new InvalidDataException($"Unknown kind {kind}."),
        };
    }
}

/// <summary>
/// The derived negative cases (the vector generator's mutations). Each mutation has a stable name so a test row
/// reads e.g. <c>flip proof[3]</c>. Position mutations are expected to fail only where the proof length implied by
/// the new position differs, because QLDB's commutative <c>dot</c> does not bind the position otherwise.
/// </summary>
internal static class InclusionMutation
{
    public static IEnumerable<string> DerivedFrom(JsonObject vector)
    {
        yield return "as given";
        yield return "flip startHash";
        yield return "flip digest";
        var length = vector["proof"]!.AsArray().Count;
        for (var i = 0; i < length; i++)
        {
            yield return $"flip proof[{i}]";
        }

        if (vector["blockHash"] is not null)
        {
            yield return "flip blockHash";
        }

        if (length > 0)
        {
            yield return "drop first";
            yield return "drop last";
        }

        yield return "extra element before";
        yield return "extra element after";
        yield return "swap startHash and digest";
        var positional = (string)vector["kind"]! == "block" || vector["blockHash"] is not null;
        if (positional)
        {
            yield return "blockIndex + 1";
            yield return "blockIndex - 1";
            yield return "tip * 2";
            yield return "tip / 2";
        }
    }

    public static JsonObject Apply(JsonObject original, string mutation, out bool wantErr)
    {
        var vector = original.DeepClone().AsObject();
        var proof = vector.Base64List("proof").ToList();
        var happyErr = (bool)vector["wantErr"]!;
        wantErr = true;
        switch (mutation)
        {
            case "as given":
                wantErr = happyErr;
                break;
            case "flip startHash":
            case "flip digest":
            case "flip blockHash":
                var field = mutation["flip ".Length..];
                vector[field] = Vectors.FlipBit(vector.Base64(field), 77).ToBase64();
                break;
            case var flip when flip.StartsWith("flip proof[", StringComparison.Ordinal):
                var index = int.Parse(flip["flip proof[".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
                proof[index] = Vectors.FlipBit(proof[index], 8 * index + 3);
                break;
            case "drop first":
                proof.RemoveAt(0);
                break;
            case "drop last":
                proof.RemoveAt(proof.Count - 1);
                break;
            case "extra element before":
                proof.Insert(0, NaiveJournalTree.SyntheticLeaf(-1));
                break;
            case "extra element after":
                proof.Add(NaiveJournalTree.SyntheticLeaf(-1));
                break;
            case "swap startHash and digest":
                (vector["startHash"], vector["digest"]) = ((string)vector["digest"]!, (string)vector["startHash"]!);
                break;
            default:
                var (oldIndex, oldSize) = ((long)vector["blockIndex"]!, (long)vector["tip"]! + 1);
                var (newIndex, newSize) = mutation switch
                {
                    "blockIndex + 1" => (oldIndex + 1, oldSize),
                    "blockIndex - 1" => (oldIndex - 1, oldSize),
                    "tip * 2" => (oldIndex, oldSize * 2),
                    "tip / 2" => (oldIndex, Math.Max(1, oldSize / 2)),
                    _ => throw new ArgumentException($"Unknown mutation {mutation}."),
                };
                vector["blockIndex"] = newIndex;
                vector["tip"] = newSize - 1;
                wantErr = happyErr || newIndex < 0 || newIndex >= newSize
                    || NaivePathLength(newIndex, newSize) != NaivePathLength(oldIndex, oldSize);
                break;
        }

        vector["proof"] = Vectors.ToJson(proof);
        return vector;
    }

    // Counts siblings level by level over explicit node counts, independently of JournalTreeMath.
    private static int NaivePathLength(long leaf, long size)
    {
        var length = 0;
        for (long count = size, index = leaf; count > 1; count = (count / 2) + (count % 2), index /= 2)
        {
            var hasSibling = index % 2 == 1 || index + 1 < count;
            length += hasSibling ? 1 : 0;
        }

        return length;
    }
}
