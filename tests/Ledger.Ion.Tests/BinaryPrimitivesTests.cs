using System.Buffers;
using System.Numerics;
using Ledger.Ion.Binary;

namespace Ledger.Ion.Tests;

public class BinaryPrimitivesTests
{
    [Theory]
    [InlineData(0UL, "80")]
    [InlineData(127UL, "FF")]
    [InlineData(128UL, "0180")]
    [InlineData(2007UL, "0FD7")]
    [InlineData(ulong.MaxValue, "01" + "7F7F7F7F7F7F7F7F" + "FF")]
    public void VarUInt_writes_minimal_form_and_reads_back(ulong value, string hex)
    {
        var buffer = new byte[IonBinaryPrimitives.MaxVarInt64Length];
        var written = IonBinaryPrimitives.WriteVarUInt(buffer, value);
        Assert.Equal(hex, Convert.ToHexString(buffer, 0, written));
        Assert.Equal(written, IonBinaryPrimitives.GetVarUIntLength(value));

        Assert.Equal(OperationStatus.Done, IonBinaryPrimitives.ReadVarUInt(buffer.AsSpan(0, written), out var read, out var consumed));
        Assert.Equal(value, read);
        Assert.Equal(written, consumed);
    }

    [Fact]
    public void VarUInt_accepts_padding_and_reports_truncation_and_overflow()
    {
        Assert.Equal(OperationStatus.Done, IonBinaryPrimitives.ReadVarUInt([0x00, 0x00, 0x81], out var padded, out var consumed));
        Assert.Equal(1UL, padded);
        Assert.Equal(3, consumed);

        Assert.Equal(OperationStatus.NeedMoreData, IonBinaryPrimitives.ReadVarUInt([0x01, 0x02], out _, out _));
        Assert.Equal(OperationStatus.InvalidData, IonBinaryPrimitives.ReadVarUInt([0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0xFF], out _, out _));
    }

    [Theory]
    [InlineData(0L, false, "80")]
    [InlineData(0L, true, "C0")]
    [InlineData(1L, true, "C1")]
    [InlineData(63L, false, "BF")]
    [InlineData(64L, false, "00C0")]
    [InlineData(480L, true, "43E0")]
    [InlineData(long.MaxValue, false, "00" + "7F7F7F7F7F7F7F7F" + "FF")]
    public void VarInt_writes_minimal_form_and_reads_back(long magnitude, bool isNegative, string hex)
    {
        var buffer = new byte[IonBinaryPrimitives.MaxVarInt64Length];
        var written = IonBinaryPrimitives.WriteVarInt(buffer, (ulong)magnitude, isNegative);
        Assert.Equal(hex, Convert.ToHexString(buffer, 0, written));

        Assert.Equal(OperationStatus.Done, IonBinaryPrimitives.ReadVarInt(buffer.AsSpan(0, written), out var read, out var negative, out var consumed));
        Assert.Equal((ulong)magnitude, read);
        Assert.Equal(isNegative, negative);
        Assert.Equal(written, consumed);
    }

    [Theory]
    [InlineData(-480L, "43E0")]
    [InlineData(long.MinValue, "41" + "00000000000000" + "00" + "80")]
    public void VarInt_signed_overload_handles_extremes(long value, string hex)
    {
        var buffer = new byte[IonBinaryPrimitives.MaxVarInt64Length];
        var written = IonBinaryPrimitives.WriteVarInt(buffer, value);
        Assert.Equal(hex, Convert.ToHexString(buffer, 0, written));
    }

    [Theory]
    [InlineData(0UL, "")]
    [InlineData(1UL, "01")]
    [InlineData(0x1234UL, "1234")]
    [InlineData(ulong.MaxValue, "FFFFFFFFFFFFFFFF")]
    public void UInt_is_minimal_big_endian(ulong value, string hex)
    {
        var buffer = new byte[8];
        var written = IonBinaryPrimitives.WriteUInt(buffer, value);
        Assert.Equal(hex, Convert.ToHexString(buffer, 0, written));
        Assert.True(IonBinaryPrimitives.TryReadUInt64(buffer.AsSpan(0, written), out var read));
        Assert.Equal(value, read);
        Assert.True(IonBinaryPrimitives.TryReadUInt64([0, 0, 0, 0, 0, 0, 0, 0, 0, 1], out var padded));
        Assert.Equal(1UL, padded);
        Assert.False(IonBinaryPrimitives.TryReadUInt64([1, 0, 0, 0, 0, 0, 0, 0, 0], out _));
    }

    [Theory]
    [InlineData(0UL, false, "")]
    [InlineData(0UL, true, "80")]
    [InlineData(127UL, false, "7F")]
    [InlineData(128UL, false, "0080")]
    [InlineData(128UL, true, "8080")]
    [InlineData(12345UL, false, "3039")]
    [InlineData(ulong.MaxValue, true, "80FFFFFFFFFFFFFFFF")]
    public void Int_is_sign_and_magnitude_with_negative_zero(ulong magnitude, bool isNegative, string hex)
    {
        var buffer = new byte[9];
        var written = IonBinaryPrimitives.WriteInt(buffer, magnitude, isNegative);
        Assert.Equal(hex, Convert.ToHexString(buffer, 0, written));
        Assert.True(IonBinaryPrimitives.TryReadInt64(buffer.AsSpan(0, written), out var read, out var negative));
        Assert.Equal(magnitude, read);
        Assert.Equal(isNegative, negative);

        var big = new byte[9];
        var bigWritten = IonBinaryPrimitives.WriteInt(big, new BigInteger(magnitude), isNegative);
        Assert.Equal(hex, Convert.ToHexString(big, 0, bigWritten));
        Assert.Equal(new BigInteger(magnitude), IonBinaryPrimitives.ReadBigIntMagnitude(big.AsSpan(0, bigWritten), out var bigNegative));
        Assert.Equal(isNegative, bigNegative);
    }

    [Fact]
    public void Int_reader_accepts_padding_and_rejects_overflow()
    {
        Assert.True(IonBinaryPrimitives.TryReadInt64([0x80, 0x00, 0x00, 0x05], out var magnitude, out var negative));
        Assert.Equal(5UL, magnitude);
        Assert.True(negative);
        Assert.False(IonBinaryPrimitives.TryReadInt64([0x01, 0, 0, 0, 0, 0, 0, 0, 0], out _, out _));
    }
}
