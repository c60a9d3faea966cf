using System.Numerics;
using Ledger.Ion.Binary;
using Ledger.Ion.Hash;

namespace Ledger.Ion.Tests;

public class BinaryWriterTests
{
    [Fact]
    public void Struct_with_local_symbol_matches_the_spec_example()
    {
        var bytes = IonBinary.Write(IonStruct.Of(new IonField("foo", IonInt.Of(1))));
        Assert.Equal("E00100EA" + "E98183D687B483666F6F" + "D38A2101", Convert.ToHexString(bytes));
    }

    [Fact]
    public void System_symbols_need_no_local_table()
    {
        var bytes = IonBinary.Write(IonStruct.Of(new IonField("name", IonString.Of("a"))));
        Assert.Equal("E00100EAD3848161", Convert.ToHexString(bytes));
    }

    [Fact]
    public void Timestamp_is_written_in_utc_with_its_offset()
    {
        var timestamp = IonTimestamp.Parse("2007-02-23T12:14:33.079-08:00");
        var bytes = IonBinary.Write(IonTimestampValue.Of(timestamp));
        Assert.Equal("E00100EA" + "6B43E00FD782979" + "48EA1C34F", Convert.ToHexString(bytes));
        Assert.Equal(timestamp, ((IonTimestampValue)IonBinary.Read(bytes)).Value);
    }

    [Theory]
    [InlineData(0L, "20")]
    [InlineData(-1L, "3101")]
    [InlineData(255L, "21FF")]
    [InlineData(long.MinValue, "388000000000000000")]
    public void Ints_use_minimal_magnitudes(long value, string hex)
    {
        Assert.Equal("E00100EA" + hex, Convert.ToHexString(IonBinary.Write(IonInt.Of(value))));
    }

    [Fact]
    public void Scalars_round_trip_with_precision_and_signs()
    {
        IonValue[] values =
        [
            IonNull.Null, IonNull.Of(IonType.Int), IonNull.Of(IonType.Struct), IonBool.True, IonBool.False,
            IonInt.Of(BigInteger.Pow(-7, 41)), IonFloat.Of(0.0), IonFloat.Of(-0.0), IonFloat.Of(double.NaN),
            IonFloat.Of(double.NegativeInfinity), IonFloat.Of(1.5e300),
            IonDecimalValue.Of(IonDecimal.Parse("1.00")), IonDecimalValue.Of(IonDecimal.Parse("-0.")),
            IonDecimalValue.Of(IonDecimal.Parse("0d5")), IonDecimalValue.Of(IonDecimal.Parse("-123456789012345678901234567890.5")),
            IonTimestampValue.Of(IonTimestamp.Parse("2007T")), IonTimestampValue.Of(IonTimestamp.Parse("2019-09-16T19:37:05.000Z")),
            IonTimestampValue.Of(IonTimestamp.Parse("0001-01-01T00:00:00.123456789012-00:00")),
            IonSymbol.Of(""), IonSymbol.Of(SymbolToken.Zero), IonString.Of("h\u00e9llo \U0001F600"),
            IonClob.Of(new byte[] { 0, 0x80, 0xFF }.AsSpan()), IonBlob.Of(ReadOnlySpan<byte>.Empty),
            IonList.Of(IonInt.Of(1), IonSexp.Of(IonSymbol.Of("+"), IonSymbol.Of("a"))),
            IonStruct.Of(new IonField("a", IonInt.Of(1)), new IonField("a", IonInt.Of(2)), new IonField(SymbolToken.Zero, IonList.Empty)),
            IonInt.Of(5).WithAnnotations("x", "y", SymbolToken.Zero),
        ];

        var bytes = IonBinary.WriteAll(values);
        var read = IonBinary.ReadAll(bytes);
        Assert.Equal(values, read);
        Assert.Equal(values.Select(IonHash.Compute), IonHash.ComputeAll(bytes));
    }

    [Fact]
    public void Large_containers_use_a_varuint_length()
    {
        var list = IonList.Of(Enumerable.Range(0, 1000).Select(i => (IonValue)IonString.Of(new string('x', i % 20))));
        var value = IonStruct.Of(new IonField("items", list), new IonField("nested", IonStruct.Of(new IonField("items", list))));
        Assert.Equal(value, IonBinary.Read(IonBinary.Write(value)));
    }
}
