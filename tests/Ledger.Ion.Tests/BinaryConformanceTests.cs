using Ledger.Ion.Binary;
using Ledger.Ion.Hash;

namespace Ledger.Ion.Tests;

/// <summary>The binary files of amzn/ion-tests: every good file reads, every bad file fails with an IonException.</summary>
public class BinaryConformanceTests
{
    public static TheoryData<string> GoodBinaryFiles => [.. BinaryTestData.IonTestFiles("good", ".10n")];

    public static TheoryData<string> BadBinaryFiles => [.. BinaryTestData.IonTestFiles("bad", ".10n")];

    [Theory]
    [MemberData(nameof(GoodBinaryFiles))]
    public void Good_file_reads_to_the_end(string file)
    {
        var data = BinaryTestData.ReadIonTestFile(file);
        var values = IonBinary.ReadAll(data);
        Assert.NotNull(values);
        if (file.EndsWith("nopPad16Bytes.10n", StringComparison.Ordinal) || file.EndsWith("nopPadOneByte.10n", StringComparison.Ordinal))
        {
            Assert.Empty(values);
        }
    }

    [Theory]
    [MemberData(nameof(BadBinaryFiles))]
    public void Bad_file_fails_with_IonException(string file)
    {
        var data = BinaryTestData.ReadIonTestFile(file);
        var error = Assert.Throws<IonException>(() => IonBinary.ReadAll(data));
        Assert.NotNull(error.Offset);
        Assert.InRange(error.Offset!.Value, 0, data.Length);
    }

    [Theory]
    [MemberData(nameof(BadBinaryFiles))]
    public void Bad_file_fails_when_hashed_straight_from_bytes(string file)
    {
        var data = BinaryTestData.ReadIonTestFile(file);
        Assert.Throws<IonException>(() => IonHash.ComputeAll(data));
    }

    /// <summary>
    /// Files whose derived (reference) hashes are wrong: ion-js reads NOP padding as <c>null</c> values, at the top
    /// level, in containers and as struct fields (the Ion spec says padding is not a value).
    /// </summary>
    private static readonly HashSet<string> ReferenceReadsNopPadAsNull =
    [
        "good/emptyThreeByteNopPad.10n", "good/nopPad16Bytes.10n", "good/nopPadOneByte.10n", "good/valueBetweenNopPads.10n",
        "good/valuePrecededByNopPad.10n", "good/valueFollowedByNopPad.10n", "good/typecodes/T0.10n",
        "good/nopPadInsideEmptyStructNonZeroSymbolId.10n", "good/nopPadInsideStructWithNopPadThenValueNonZeroSymbolId.10n",
    ];

    public static TheoryData<string> GoodBinaryFilesWithDerivedHashes =>
        [.. BinaryTestData.IonTestFiles("good", ".10n").Where(BinaryTestData.GoodFileHashes.ContainsKey)];

    public static TheoryData<string> GoodBinaryFilesWithoutDerivedHashes =>
        [.. BinaryTestData.IonTestFiles("good", ".10n").Where(f => !BinaryTestData.GoodFileHashes.ContainsKey(f))];

    [Theory]
    [MemberData(nameof(GoodBinaryFilesWithDerivedHashes))]
    public void Good_file_hashes_match_the_derived_sha256_values(string file)
    {
        var expected = BinaryTestData.GoodFileHashes[file];
        var data = BinaryTestData.ReadIonTestFile(file);
        var fromTree = IonBinary.ReadAll(data).Select(v => Convert.ToHexStringLower(IonHash.Compute(v))).ToArray();
        var streamed = IonHash.ComputeAll(data).Select(Convert.ToHexStringLower).ToArray();
        Assert.Equal(fromTree, streamed);
        if (ReferenceReadsNopPadAsNull.Contains(file))
        {
            Assert.NotEqual(expected, fromTree);
        }
        else
        {
            Assert.Equal(expected, fromTree);
        }
    }

    [Theory]
    [MemberData(nameof(GoodBinaryFilesWithoutDerivedHashes))]
    public void Good_file_outside_the_derived_set_hashes_the_same_from_tree_and_bytes(string file)
    {
        var data = BinaryTestData.ReadIonTestFile(file);
        var values = IonBinary.ReadAll(data);
        string[] FromTree() => [.. values.Select(v => Convert.ToHexStringLower(IonHash.Compute(v)))];
        string[] Streamed() => [.. IonHash.ComputeAll(data).Select(Convert.ToHexStringLower)];
        var hasUnknownText = values.Any(HasUnknownNonZeroSymbol);
        if (hasUnknownText)
        {
            Assert.Throws<IonException>(FromTree);
            Assert.Throws<IonException>(Streamed);
        }
        else
        {
            Assert.Equal(FromTree(), Streamed());
        }
    }

    private static bool HasUnknownNonZeroSymbol(IonValue value) =>
        value.Annotations.Any(a => a.Text is null && a.Sid != 0) || value switch
        {
            IonSymbol s => s.Text is null && s.Token.Sid != 0,
            IonSequence seq => seq.Elements.Any(HasUnknownNonZeroSymbol),
            IonStruct st => st.Fields.Any(f => (f.Name.Text is null && f.Name.Sid != 0) || HasUnknownNonZeroSymbol(f.Value)),
            _ => false,
        };
}
