using System.Collections.Immutable;
using Ledger.Ion.Binary;
using Ledger.Ion.Hash;

namespace Ledger.Ion.Tests;

/// <summary>
/// Ion Hash over amzn/ion-tests: every value of the derived SHA-256 set (text and binary files), hash equality
/// within <c>equivs</c> groups and inequality within <c>non-equivs</c> groups.
/// </summary>
public class HashConformanceTests
{
    public static TheoryData<string> DerivedFiles() => [.. BinaryTestData.GoodFileHashes.Keys.Order(StringComparer.Ordinal)];

    public static TheoryData<string> EquivsFiles() => [.. BinaryTestData.IonTestFiles("good/equivs", "")];

    public static TheoryData<string> NonEquivsFiles() => [.. BinaryTestData.IonTestFiles("good/non-equivs", "")];

    /// <summary>Files whose derived hashes come from ion-js reading NOP padding as null values (see the binary tests).</summary>
    private static readonly HashSet<string> ReferenceReadsNopPadAsNull =
    [
        "good/emptyThreeByteNopPad.10n", "good/nopPad16Bytes.10n", "good/nopPadOneByte.10n", "good/valueBetweenNopPads.10n",
        "good/valuePrecededByNopPad.10n", "good/valueFollowedByNopPad.10n", "good/typecodes/T0.10n",
        "good/nopPadInsideEmptyStructNonZeroSymbolId.10n", "good/nopPadInsideStructWithNopPadThenValueNonZeroSymbolId.10n",
    ];

    [Fact]
    public void The_derived_set_has_235_files_and_1078_values()
    {
        Assert.Equal(235, BinaryTestData.GoodFileHashes.Count);
        Assert.Equal(1078, BinaryTestData.GoodFileHashes.Values.Sum(v => v.Length));
    }

    [Theory]
    [MemberData(nameof(DerivedFiles))]
    public void Every_value_matches_the_derived_sha256(string file)
    {
        var expected = BinaryTestData.GoodFileHashes[file];
        var values = Read(file);
        var actual = values.Select(v => Convert.ToHexStringLower(IonHash.Compute(v))).ToArray();
        if (ReferenceReadsNopPadAsNull.Contains(file))
        {
            Assert.NotEqual(expected, actual);
            return;
        }

        Assert.Equal(expected, actual);

        // Through binary and back, and straight from the binary bytes, the hashes stay the same.
        var binary = IonBinary.WriteAll(values);
        Assert.Equal(expected, IonHash.ComputeAll(binary).Select(Convert.ToHexStringLower));
        Assert.Equal(expected, IonBinary.ReadAll(binary).Select(v => Convert.ToHexStringLower(IonHash.Compute(v))));
    }

    [Theory]
    [MemberData(nameof(EquivsFiles))]
    public void Equivs_groups_hash_identically(string file)
    {
        foreach (var group in Read(file))
        {
            var hashes = Members(group).Select(HashDocument).ToArray();
            Assert.All(hashes, h => Assert.Equal(hashes[0], h));
        }
    }

    [Theory]
    [MemberData(nameof(NonEquivsFiles))]
    public void Non_equivs_groups_hash_differently(string file)
    {
        foreach (var group in Read(file))
        {
            var members = Members(group);
            if (file.EndsWith("symbolTablesUnknownText.ion", StringComparison.Ordinal))
            {
                // The second document's $10 comes from a shared table that is not in the catalog: its text is
                // unknown, so hashing it must fail (spec/ion.md 6.7). The first document hashes normally.
                _ = HashDocument(members[0]);
                Assert.Throws<IonException>(() => HashDocument(members[1]));
                continue;
            }

            var hashes = members.Select(HashDocument).ToArray();
            Assert.Equal(hashes.Length, hashes.Distinct(StringComparer.Ordinal).Count());
        }
    }

    private static IReadOnlyList<IonValue> Read(string file)
    {
        var bytes = BinaryTestData.ReadIonTestFile(file);
        return file.EndsWith(".10n", StringComparison.Ordinal) ? IonBinary.ReadAll(bytes) : IonText.ParseAll(bytes);
    }

    private static ImmutableArray<IonValue>[] Members(IonValue group)
    {
        var sequence = Assert.IsAssignableFrom<IonSequence>(group);
        return group.HasAnnotation("embedded_documents")
            ? [.. sequence.Select(element => IonText.ParseAll(((IonString)element).Value))]
            : [.. sequence.Select(element => ImmutableArray.Create(element))];
    }

    private static string HashDocument(ImmutableArray<IonValue> document) =>
        string.Join(",", document.Select(v => Convert.ToHexStringLower(IonHash.Compute(v))));
}
