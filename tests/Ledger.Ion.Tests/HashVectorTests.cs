using System.Security.Cryptography;
using Ledger.Ion.Binary;
using Ledger.Ion.Hash;

namespace Ledger.Ion.Tests;

/// <summary>
/// Every case of amzn/ion-hash-test <c>ion_hash_tests.ion</c>, one row each: the identity expectations (final
/// serialized bytes and every <c>digest::</c> entry), the MD5 digests where given, and the derived SHA-256 value.
/// Binary inputs are hashed both through the value tree and straight from the bytes.
/// </summary>
public class HashVectorTests
{
    private static readonly Lazy<HashCase[]> s_cases = new(LoadCases);

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        foreach (var @case in s_cases.Value)
        {
            data.Add(@case.Index, @case.Name);
        }

        return data;
    }

    [Fact]
    public void All_167_cases_are_present_with_sha256_expectations()
    {
        Assert.Equal(167, s_cases.Value.Length);
        Assert.All(s_cases.Value, c => Assert.Equal(64, c.Sha256.Length));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Identity_expectations(int index, string name)
    {
        var @case = s_cases.Value[index];
        Assert.Equal(name, @case.Name);
        if (@case.Expectations.TryGetValue("identity", out var identity))
        {
            var recorder = new RecordingHashFunction(IdentityHashFunction.Instance);
            var final = IonHash.Compute(@case.Value, recorder);
            var finalExpected = identity.LastOrDefault(e => e.Kind == "final_digest");
            if (finalExpected is not null)
            {
                Assert.Equal(Hex(finalExpected.Bytes), Hex(final));
            }

            var digests = identity.Where(e => e.Kind == "digest").Select(e => Hex(e.Bytes)).ToArray();
            if (digests.Length > 0)
            {
                Assert.Equal(digests, recorder.Digests.Select(Hex));
                Assert.Equal(digests[^1], Hex(final));
            }

            // The concatenated update:: pieces since the last digest are the final serialized bytes.
            var updates = identity.Where(e => e.Kind == "update").ToList();
            if (updates.Count > 0 && digests.Length == 1)
            {
                Assert.Equal(Hex([.. updates.SelectMany(u => u.Bytes)]), Hex(final));
            }
        }
        else
        {
            Assert.True(@case.Expectations.ContainsKey("md5"), "every case has identity or md5 expectations");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Md5_expectations(int index, string name)
    {
        var @case = s_cases.Value[index];
        Assert.Equal(name, @case.Name);
        if (!@case.Expectations.TryGetValue("md5", out var md5))
        {
            Assert.True(@case.Expectations.ContainsKey("identity"));
            return;
        }

        var recorder = new RecordingHashFunction(Md5HashFunction.Instance);
        IonHash.Compute(@case.Value, recorder);
        Assert.Equal(md5.Where(e => e.Kind == "digest").Select(e => Hex(e.Bytes)), recorder.Digests.Select(Hex));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sha256_expectations(int index, string name)
    {
        var @case = s_cases.Value[index];
        Assert.Equal(name, @case.Name);
        Assert.Equal(@case.Sha256, Hex(IonHash.Compute(@case.Value)));

        Span<byte> digest = stackalloc byte[IonHash.Sha256Length];
        Assert.Equal(32, IonHash.Compute(@case.Value, digest));
        Assert.Equal(@case.Sha256, Hex(digest.ToArray()));

        if (@case.Binary is { } binary)
        {
            Assert.Equal(@case.Sha256, Hex(IonHash.ComputeAll(binary).Single()));
            Assert.Equal(32, IonHash.ComputeSingle(binary, digest));
            Assert.Equal(@case.Sha256, Hex(digest.ToArray()));
        }

        // The same value written as binary and read back hashes the same.
        Assert.Equal(@case.Sha256, Hex(IonHash.ComputeAll(IonBinary.Write(@case.Value)).Single()));
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private sealed record Expectation(string Kind, byte[] Bytes);

    private sealed record HashCase(
        int Index, string Name, IonValue Value, byte[]? Binary, Dictionary<string, List<Expectation>> Expectations, string Sha256);

    private static HashCase[] LoadCases()
    {
        var cases = IonText.ParseAll(File.ReadAllBytes(BinaryTestData.HashTestsFile));
        var derived = IonText.ParseAll(File.ReadAllBytes(Path.Combine(BinaryTestData.DerivedDirectory, "ion_hash_tests.sha256.ion")));
        var sha256ByIndex = derived.Cast<IonStruct>().ToDictionary(
            d => (int)((IonInt)d["index"]!).ToInt64(),
            d => ((IonString)d["sha256"]!).Value);

        var result = new HashCase[cases.Length];
        for (var i = 0; i < cases.Length; i++)
        {
            var @case = (IonStruct)cases[i];
            IonValue value;
            byte[]? binary = null;
            string name;
            if (@case["ion"] is { } ion)
            {
                value = ion;
                name = ion.ToString();
            }
            else
            {
                var bytes = ((IonSexp)@case["10n"]!).Select(b => (byte)((IonInt)b).ToInt64()).ToArray();
                binary = [0xE0, 0x01, 0x00, 0xEA, .. bytes];
                value = IonBinary.Read(binary);
                name = "10n:" + Convert.ToHexStringLower(bytes);
            }

            if (@case.HasAnnotations)
            {
                name = @case.Annotations[0].Text!;
            }

            var expectations = new Dictionary<string, List<Expectation>>(StringComparer.Ordinal);
            foreach (var field in ((IonStruct)@case["expect"]!).Fields)
            {
                expectations[field.Name.Text!] = [.. ((IonSexp)field.Value).Select(entry => new Expectation(
                    entry.Annotations[0].Text!,
                    [.. ((IonSexp)entry).Select(b => (byte)((IonInt)b).ToInt64())]))];
            }

            result[i] = new HashCase(i, name, value, binary, expectations, sha256ByIndex[i]);
        }

        return result;
    }

    private sealed class Md5HashFunction : IonHashFunction
    {
        public static Md5HashFunction Instance { get; } = new();

        public override int GetDigestLength(int inputLength) => MD5.HashSizeInBytes;

#pragma warning disable CA5351 // MD5 only reproduces the upstream test vectors.
        public override void ComputeDigest(ReadOnlySpan<byte> input, Span<byte> destination) => MD5.HashData(input, destination);
#pragma warning restore CA5351
    }
}
