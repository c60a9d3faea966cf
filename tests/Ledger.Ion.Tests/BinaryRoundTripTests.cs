using Ledger.Ion.Binary;
using Ledger.Ion.Hash;

namespace Ledger.Ion.Tests;

/// <summary>Every good ion-tests file (text and binary): read, write binary, read back, and get equivalent values.</summary>
public class BinaryRoundTripTests
{
    public static TheoryData<string> GoodFiles() =>
        [.. BinaryTestData.IonTestFiles("good", "").Where(f => (f.EndsWith(".ion", StringComparison.Ordinal) || f.EndsWith(".10n", StringComparison.Ordinal))
            && f is not ("good/utf16.ion" or "good/utf32.ion"))];

    [Theory]
    [MemberData(nameof(GoodFiles))]
    public void Good_file_round_trips_through_binary(string file)
    {
        var bytes = BinaryTestData.ReadIonTestFile(file);
        var values = file.EndsWith(".10n", StringComparison.Ordinal) ? IonBinary.ReadAll(bytes) : IonText.ParseAll(bytes);

        var binary = IonBinary.WriteAll(values);
        var reread = IonBinary.ReadAll(binary);

        Assert.Equal(values.Count, reread.Count);
        for (var i = 0; i < values.Count; i++)
        {
            Assert.True(values[i].Equals(reread[i]), $"value {i}: {values[i]} was re-read as {reread[i]}");
        }

        // Writing is deterministic, so a second round trip gives the same bytes.
        Assert.Equal(binary, IonBinary.WriteAll(reread));
    }

    [Theory]
    [MemberData(nameof(GoodFiles))]
    public void Every_truncated_prefix_reads_or_fails_with_IonException(string file)
    {
        var bytes = BinaryTestData.ReadIonTestFile(file);
        var values = file.EndsWith(".10n", StringComparison.Ordinal) ? IonBinary.ReadAll(bytes) : IonText.ParseAll(bytes);
        var binary = IonBinary.WriteAll(values);
        if (binary.Length > 512)
        {
            binary = binary[..512];
        }

        // A prefix either reads (it ended between values) or fails with an IonException, never anything else.
        for (var length = 0; length < binary.Length; length++)
        {
            var prefix = binary[..length];
            var readError = Record.Exception(() => IonBinary.ReadAll(prefix));
            var hashError = Record.Exception(() => IonHash.ComputeAll(prefix));
            Assert.True(readError is null or IonException, $"prefix of {length} bytes: {readError}");
            Assert.True(hashError is null or IonException, $"prefix of {length} bytes: {hashError}");
            Assert.Equal(readError is null, hashError is null || hashError.Message.Contains("unknown", StringComparison.Ordinal));
        }
    }
}
