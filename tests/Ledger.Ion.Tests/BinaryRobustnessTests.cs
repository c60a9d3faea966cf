using System.Diagnostics;
using Ledger.Ion.Binary;
using Ledger.Ion.Hash;

namespace Ledger.Ion.Tests;

/// <summary>Malformed binary input of any size fails fast with an <see cref="IonException"/>; nesting is bounded.</summary>
public class BinaryRobustnessTests
{
    private static readonly byte[] Sample = IonBinary.WriteAll(Enumerable.Range(0, 30).Select(i => new HashRandomValues(i).Next()));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_mutations_read_or_fail_with_IonException(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 400; round++)
        {
            var mutated = (byte[])Sample.Clone();
            for (var flips = 1 + random.Next(4); flips > 0; flips--)
            {
                mutated[4 + random.Next(mutated.Length - 4)] = (byte)random.Next(256);
            }

            var readError = Record.Exception(() => IonBinary.ReadAll(mutated));
            var hashError = Record.Exception(() => IonHash.ComputeAll(mutated));
            Assert.True(readError is null or IonException, $"round {round}: {readError}");
            Assert.True(hashError is null or IonException, $"round {round}: {hashError}");
        }
    }

    [Theory]
    [InlineData("E00100EABE8F", "runs past the end")]                      // list claims 15 bytes, none follow
    [InlineData("E00100EAB E 0F7F7F7F7F7F7F7F7FFF", "too large")]          // a 70-bit length
    [InlineData("E00100EA0E0F7F7F7FFF", "runs past the end")]               // a NOP pad claiming ~4 GB
    [InlineData("E00100EAD3840F", "runs past the end")]                    // struct claims 3 bytes, 2 follow
    [InlineData("E00100EA8F", null)]                                        // null.string is fine
    [InlineData("E00100EAE00100", "version marker")]                       // truncated version marker
    [InlineData("E00100EAF0", "Illegal type descriptor 0xF0")]
    [InlineData("E00100EA7181", "Symbol ID 129 is not defined")]
    public void Malformed_input_fails_with_a_clear_message_and_offset(string hex, string? message)
    {
        var data = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
        if (message is null)
        {
            Assert.Single(IonBinary.ReadAll(data));
            return;
        }

        var error = Assert.Throws<IonException>(() => IonBinary.ReadAll(data));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.InRange(error.Offset!.Value, 4, data.Length);
    }

    [Fact]
    public void Nesting_is_bounded_when_reading_and_fails_fast()
    {
        // 100,000 nested empty-ish lists built by hand: each level is BE + VarUInt length.
        var inner = new List<byte> { 0xB0 };
        for (var level = 0; level < 100_000; level++)
        {
            var length = inner.Count;
            var prefix = new byte[11];
            prefix[0] = 0xBE;
            var lengthBytes = IonBinaryPrimitives.WriteVarUInt(prefix.AsSpan(1), (ulong)length);
            inner.InsertRange(0, prefix.AsSpan(0, 1 + lengthBytes).ToArray());
            if (level == 2_000)
            {
                break;
            }
        }

        byte[] data = [0xE0, 0x01, 0x00, 0xEA, .. inner];
        var stopwatch = Stopwatch.StartNew();
        var error = Assert.Throws<IonException>(() => IonBinary.ReadAll(data));
        Assert.Contains("Nesting deeper than 512", error.Message, StringComparison.Ordinal);
        Assert.Throws<IonException>(() => IonHash.ComputeAll(data));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5));

        Assert.Single(ReadDeep(data));
    }

    [Fact]
    public void Trees_deeper_than_the_writer_limit_fail_instead_of_overflowing_the_stack()
    {
        IonValue deep = IonInt.Of(1);
        for (var i = 0; i < 1_500; i++)
        {
            deep = IonList.Of(deep);
        }

        Assert.Throws<IonException>(() => IonBinary.Write(deep));
        Assert.Throws<IonException>(() => IonHash.Compute(deep));
    }

    private static IReadOnlyList<IonValue> ReadDeep(byte[] data) => IonBinary.ReadAll(data, maxDepth: 5000);
}
