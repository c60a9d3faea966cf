using System.Numerics;

namespace Ledger.Ion.Binary;

/// <summary>
/// The minimal Ion binary representation of a timestamp (UTC fields), shared by the binary writer and Ion Hash,
/// whose representations are identical: VarInt offset (<c>C0</c> = unknown), VarUInt year, then month, day,
/// hour and minute, second as the precision requires, then the fraction as VarInt exponent plus Int coefficient
/// (the coefficient omitted when zero).
/// </summary>
internal static class IonTimestampEncoding
{
    /// <summary>Enough for every timestamp whose fraction coefficient fits 16 bytes (38 digits).</summary>
    public const int StackBufferSize = 64;

    /// <summary>The UTC fields of a timestamp (its stored fields are local time).</summary>
    public static (int Year, int Month, int Day, int Hour, int Minute) UtcFields(IonTimestamp value)
    {
        if (value.OffsetMinutes is not int offset || offset == 0)
        {
            return (value.Year, value.Month, value.Day, value.Hour, value.Minute);
        }

        DateTime utc;
        try
        {
            utc = value.LocalDateTime.AddMinutes(-offset);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new IonException($"Timestamp {value} is outside the years 0001-9999 in UTC.", e);
        }

        return (utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute);
    }

    /// <summary>The length of <see cref="Encode"/>'s output.</summary>
    public static int GetLength(IonTimestamp value)
    {
        Span<byte> scratch = stackalloc byte[StackBufferSize];
        return NeedsHeapBuffer(value, out var length) ? length : Encode(value, scratch);
    }

    /// <summary>True when the encoding exceeds <see cref="StackBufferSize"/>; <paramref name="length"/> is then its exact length.</summary>
    public static bool NeedsHeapBuffer(IonTimestamp value, out int length)
    {
        length = 0;
        if (value.Fraction is not { } fraction)
        {
            return false;
        }

        var coefficientLength = IonBinaryPrimitives.GetIntLength(BigInteger.Abs(fraction.Coefficient), isNegative: false);
        if (coefficientLength <= StackBufferSize - 32)
        {
            return false;
        }

        var buffer = new byte[32 + coefficientLength];
        length = Encode(value, buffer);
        return true;
    }

    /// <summary>Writes the representation; returns its length.</summary>
    public static int Encode(IonTimestamp value, Span<byte> destination)
    {
        var (year, month, day, hour, minute) = UtcFields(value);
        var length = value.OffsetMinutes is { } offset
            ? IonBinaryPrimitives.WriteVarInt(destination, offset)
            : IonBinaryPrimitives.WriteVarInt(destination, 0, isNegative: true);
        length += IonBinaryPrimitives.WriteVarUInt(destination[length..], (ulong)year);
        var precision = value.Precision;
        if (precision >= TimestampPrecision.Month)
        {
            length += IonBinaryPrimitives.WriteVarUInt(destination[length..], (ulong)month);
        }

        if (precision >= TimestampPrecision.Day)
        {
            length += IonBinaryPrimitives.WriteVarUInt(destination[length..], (ulong)day);
        }

        if (precision >= TimestampPrecision.Minute)
        {
            length += IonBinaryPrimitives.WriteVarUInt(destination[length..], (ulong)hour);
            length += IonBinaryPrimitives.WriteVarUInt(destination[length..], (ulong)minute);
        }

        if (precision >= TimestampPrecision.Second)
        {
            length += IonBinaryPrimitives.WriteVarUInt(destination[length..], (ulong)value.Second);
            if (value.Fraction is { } fraction && !(fraction.Coefficient.IsZero && fraction.Exponent >= 0))
            {
                length += IonBinaryPrimitives.WriteVarInt(destination[length..], fraction.Exponent);
                length += IonBinaryPrimitives.WriteInt(destination[length..], BigInteger.Abs(fraction.Coefficient), isNegative: false);
            }
        }

        return length;
    }
}
