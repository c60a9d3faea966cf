using System.Numerics;
using System.Security.Cryptography;
using Ledger.Ion.Hash;

namespace Ledger.Ion.Tests;

/// <summary>The streaming serializer against the vectors of qldb-compat.md 11.1 and ion.md 6.2–6.4.</summary>
public class HashWriterTests
{
    private static (string Serialized, string Sha256) Run(Action<IonHashWriter> write)
    {
        var identity = IonHashWriter.Rent(IdentityHashFunction.Instance);
        try
        {
            write(identity);
            var serialized = new byte[identity.SerializedBytes.Length];
            identity.Complete(serialized);
            var sha = IonHashWriter.Rent(IonHashFunction.Sha256);
            IonHashWriter.Return(identity);
            write(sha);
            var digest = new byte[32];
            sha.Complete(digest);
            IonHashWriter.Return(sha);
            return (Convert.ToHexString(serialized).ToLowerInvariant(), Convert.ToHexString(digest).ToLowerInvariant());
        }
        catch
        {
            IonHashWriter.Return(identity);
            throw;
        }
    }

    [Fact]
    public void Int_vectors()
    {
        Assert.Equal(("0b200e", "a3c7def97b35b3fb34db4682fff002d3da3937011bd3722947f52aa94b8d5931"), Run(w => w.WriteInt(0)));
        Assert.Equal(("0b20010e", "f089f64ca73b9b160d33f19b07f8d0c97d4e8e4215c0b6b8b836dedcfb65929a"), Run(w => w.WriteInt(1)));
        Assert.Equal(("0b200c0b0e", "2d6da0d923b9e24bc875dd281819da221629bc2a963f159dd66c5c04bdfa9a63"), Run(w => w.WriteInt(11)));
        Assert.Equal(("0b30010e", "e5f754c77b09f62697922db7f602c5754b021b9160caf8db7f58a0f3e5c6ba78"), Run(w => w.WriteInt(-1)));
        Assert.Equal("0b30060e", Run(w => w.WriteInt(-6)).Serialized);
        Assert.Equal("0b20" + "010000000000000000" + "0e", Run(w => w.WriteInt(BigInteger.Pow(2, 64))).Serialized);
        Assert.Equal("0b30" + "8000000000000000" + "0e", Run(w => w.WriteInt(long.MinValue)).Serialized);
    }

    [Fact]
    public void Scalar_vectors()
    {
        Assert.Equal(("0b110e", "cee54499d5f362b272fbd8ee6480ff547a6dc4e2d9e12733459f820e70305017"), Run(w => w.WriteBool(true)));
        Assert.Equal(("0b0f0e", "0fb06b6183c21379529fdd45d6af4aba731ac6f081ef9e6c1c94b1fb26177304"), Run(w => w.WriteNull(0)));
        Assert.Equal(("0b800e", "37b6e5aef22429d44339e2786f9ccdab715bf4fac80f6e860d4e79b964621dd4"), Run(w => w.WriteString("")));
        Assert.Equal(("0b8068690e", "872a1b6e764ca212edb3d240280f095dd66242367baf932a65ca6d57bb93715a"), Run(w => w.WriteString("hi")));
        Assert.Equal(("0ba00e", "40391b6db60db7aef02babee5b77d933e364e3f2ddc1dfa3f097f0c6f9085b34"), Run(w => w.WriteBlob([])));
        Assert.Equal("0b7068656c6c6f0e", Run(w => w.WriteSymbol("hello")).Serialized);
        Assert.Equal("0b700c0b0c0c0c0e0e", Run(w => w.WriteSymbol("\v\f\u000e")).Serialized);
        Assert.Equal("0b710e", Run(w => w.WriteSymbolZero()).Serialized);
        Assert.Equal("0b2f0e", Run(w => w.WriteNull(2)).Serialized);
        Assert.Equal("0bdf0e", Run(w => w.WriteNull(13)).Serialized);
    }

    [Fact]
    public void Float_vectors_use_canonical_nan_and_empty_positive_zero()
    {
        Assert.Equal("0b40bff00000000000000e", Run(w => w.WriteFloat(-1.0)).Serialized);
        Assert.Equal("0b400e", Run(w => w.WriteFloat(0.0)).Serialized);
        Assert.Equal("0b4080000000000000000e", Run(w => w.WriteFloat(-0.0)).Serialized);
        Assert.Equal("0b407ff80000000000000e", Run(w => w.WriteFloat(double.NaN)).Serialized);
        Assert.Equal("0b407ff80000000000000e", Run(w => w.WriteFloat(BitConverter.Int64BitsToDouble(0x7FFFFFFFE0000000))).Serialized);
        Assert.Equal("0b40fff00000000000000e", Run(w => w.WriteFloat(double.NegativeInfinity)).Serialized);
    }

    [Fact]
    public void Decimal_vectors()
    {
        Assert.Equal("0b50c223410e", Run(w => w.WriteDecimal(9025UL, false, -2)).Serialized);
        Assert.Equal("8a59f14341276c0eff2a03fa6fb0184d8907c964a9b0adde48b50a5577d61ac3", Run(w => w.WriteDecimal(9025UL, false, -2)).Sha256);
        Assert.Equal("0b5080800e", Run(w => w.WriteDecimal(0UL, true, 0)).Serialized);
        Assert.Equal("0b50c10e", Run(w => w.WriteDecimal(0UL, false, -1)).Serialized);
        Assert.Equal("0b50c230390e", Run(w => w.WriteDecimal(12345UL, false, -2)).Serialized);
        Assert.Equal("0b5002ac050e", Run(w => w.WriteDecimal(5UL, false, 300)).Serialized);
        Assert.Equal("0b500e", Run(w => w.WriteDecimal(0UL, false, 0)).Serialized);
        var big = BigInteger.Pow(10, 30);
        Assert.Equal("0b5080" + Convert.ToHexString(big.ToByteArray(isUnsigned: true, isBigEndian: true)).ToLowerInvariant().Replace("0c", "0c0c", StringComparison.Ordinal) + "0e",
            Run(w => w.WriteDecimal(big, false, 0)).Serialized);
    }

    [Fact]
    public void Timestamp_vectors()
    {
        Assert.Equal("0b60c00fe10e", Run(w => w.WriteTimestamp(null, 1, 2017, 1, 1, 0, 0, 0, false, 0, 0)).Serialized);
        Assert.Equal(("0b60c00fe188950e", "dd87d3bf603a33cf646e91095932538235dd21f9ac72813e4f6771d78f4cea7a"),
            Run(w => w.WriteTimestamp(null, 3, 2017, 8, 21, 0, 0, 0, false, 0, 0)));
        Assert.Equal("0b60800fe18181808" + "00e", Run(w => w.WriteTimestamp(0, 4, 2017, 1, 1, 0, 0, 0, false, 0, 0)).Serialized);
        Assert.Equal(("0b60800fe3899093a585c301580e", "7600854d8d984d64bde92790591638fc68fc7e27dddcbb228a49cea4e38eaf48"),
            Run(w => w.WriteTimestamp(0, 5, 2019, 9, 16, 19, 37, 5, true, 344, -3)));
        Assert.Equal("0b60800fd0818180808" + "0c30e", Run(w => w.WriteTimestamp(0, 5, 2000, 1, 1, 0, 0, 0, true, 0, -3)).Serialized);
        Assert.Equal("0b6045f20fd182839" + "0a786c9075bcd150e",
            Run(w => w.WriteTimestamp(-754, 5, 2001, 2, 3, 16, 39, 6, true, 123456789, -9)).Serialized);
        // A zero fraction with a non-negative exponent is no fraction at all.
        Assert.Equal(Run(w => w.WriteTimestamp(0, 5, 2000, 1, 1, 0, 0, 0, false, 0, 0)).Serialized,
            Run(w => w.WriteTimestamp(0, 5, 2000, 1, 1, 0, 0, 0, true, 0, 1)).Serialized);
    }

    [Fact]
    public void Containers_and_annotations()
    {
        Assert.Equal(("0bb00e", "1166d9e681e0664f6c6e150388d4c68174abc81629724afb8ba0381969b946c6"), Run(w =>
        {
            w.BeginSequence(isSexp: false);
            w.EndSequence();
        }));
        Assert.Equal(("0bb00b20010e0e", "7702e27c9f5ccc0e97c62639ad4e3715e684cb7cf91e332012e6b92f1c6f12fe"), Run(w =>
        {
            w.BeginSequence(isSexp: false);
            w.WriteInt(1);
            w.EndSequence();
        }));
        Assert.Equal(("0be00b70610e0b20010e0e", "0b271aa8fcae21f26faebc845fcf170e80f3c761390748ff37a7124214b6d305"), Run(w =>
        {
            w.BeginAnnotations();
            w.WriteSymbol("a");
            w.WriteInt(1);
            w.EndAnnotations();
        }));
        Assert.Equal("0be00b70610e0b70620e0b70630e0b2f0e0e", Run(w =>
        {
            w.BeginAnnotations();
            w.WriteSymbol("a");
            w.WriteSymbol("b");
            w.WriteSymbol("c");
            w.WriteNull(2);
            w.EndAnnotations();
        }).Serialized);
    }

    [Fact]
    public void Struct_field_digests_are_sorted_then_escaped()
    {
        static void Abc(IonHashWriter w)
        {
            w.BeginStruct();
            foreach (var (name, value) in new[] { ("c", 3), ("a", 1), ("b", 2) })
            {
                w.BeginField(name);
                w.WriteInt(value);
                w.EndField();
            }

            w.EndStruct();
        }

        var (serialized, sha) = Run(Abc);
        Assert.Equal("0bd0" + "0c0b70610c0e0c0b20010c0e" + "0c0b70620c0e0c0b20020c0e" + "0c0b70630c0e0c0b20030c0e" + "0e", serialized);
        Assert.Equal("67d8fe266b27368733ec8fc5070383f0851cfe2911545a9e6ee75b8cd08199e8", sha);

        var single = Run(w =>
        {
            w.BeginStruct();
            w.BeginField("a");
            w.WriteInt(1);
            w.EndField();
            w.EndStruct();
        });
        Assert.Equal("f5d2d95c18463b4e3b9e5cf7d8e167299e31627c82c15b5e0b822b83ddadc4eb", single.Sha256);
        var fieldDigest = SHA256.HashData(Convert.FromHexString("0b70610e0b20010e"));
        Assert.Equal("f5d2d95c18463b4e3b9e5cf7d8e167299e31627c82c15b5e0b822b83ddadc4eb",
            Convert.ToHexString(SHA256.HashData([0x0B, 0xD0, .. Escape(fieldDigest), 0x0E])).ToLowerInvariant());
    }

    [Fact]
    public void Nested_structs_and_many_fields_use_their_own_digests()
    {
        // 40 fields exceed the insertion-sort threshold; the order of writing must not matter.
        string Hash(IEnumerable<int> order) => Run(w =>
        {
            w.BeginStruct();
            foreach (var i in order)
            {
                w.BeginField("f" + i);
                w.BeginStruct();
                w.BeginField("x");
                w.WriteInt(i);
                w.EndField();
                w.EndStruct();
                w.EndField();
            }

            w.EndStruct();
        }).Sha256;

        var forward = Hash(Enumerable.Range(0, 40));
        Assert.Equal(forward, Hash(Enumerable.Range(0, 40).Reverse()));
        Assert.NotEqual(forward, Hash(Enumerable.Range(1, 40)));
    }

    [Fact]
    public void Unpaired_surrogate_is_rejected()
    {
        Assert.Throws<IonException>(() => Run(w => w.WriteString("a\ud800b")));
    }

    private static byte[] Escape(byte[] bytes) =>
        [.. bytes.SelectMany(b => b is 0x0B or 0x0C or 0x0E ? new[] { (byte)0x0C, b } : [b])];
}
