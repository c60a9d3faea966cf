using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace Ledger.Ion.Binary;

/// <summary>
/// Span-based codecs for the Ion 1.0 binary sub-field formats: VarUInt, VarInt, UInt and Int.
/// Readers accept over-padded forms (extra leading zero groups or bytes), as the Ion spec requires;
/// writers always emit the minimal form, which is also what Ion Hash feeds to the hash function.
/// </summary>
/// <remarks>
/// Readers return <see cref="OperationStatus.NeedMoreData"/> when the field runs past the end of the
/// span and <see cref="OperationStatus.InvalidData"/> when the value does not fit the result type;
/// they never throw, so callers can report errors with their own byte offsets.
/// </remarks>
public static class IonBinaryPrimitives
{
    /// <summary>The longest minimal VarUInt/VarInt encoding of a 64-bit magnitude.</summary>
    public const int MaxVarInt64Length = 10;

    private const byte EndFlag = 0x80;
    private const byte VarIntSignFlag = 0x40;

    /// <summary>Reads a VarUInt (7 bits per byte, the last byte flagged with 0x80).</summary>
    public static OperationStatus ReadVarUInt(ReadOnlySpan<byte> source, out ulong value, out int bytesConsumed)
    {
        ulong accumulator = 0;
        for (var i = 0; i < source.Length; i++)
        {
            var b = source[i];
            if ((accumulator >> 57) != 0)
            {
                value = 0;
                bytesConsumed = i;
                return OperationStatus.InvalidData;
            }

            accumulator = (accumulator << 7) | (uint)(b & 0x7F);
            if ((b & EndFlag) != 0)
            {
                value = accumulator;
                bytesConsumed = i + 1;
                return OperationStatus.Done;
            }
        }

        value = 0;
        bytesConsumed = source.Length;
        return OperationStatus.NeedMoreData;
    }

    /// <summary>
    /// Reads a VarInt: bit 0x40 of the first byte is the sign, so <c>C0</c> is negative zero, reported as
    /// <paramref name="magnitude"/> 0 with <paramref name="isNegative"/> set.
    /// </summary>
    public static OperationStatus ReadVarInt(ReadOnlySpan<byte> source, out ulong magnitude, out bool isNegative, out int bytesConsumed)
    {
        magnitude = 0;
        isNegative = false;
        if (source.IsEmpty)
        {
            bytesConsumed = 0;
            return OperationStatus.NeedMoreData;
        }

        var first = source[0];
        isNegative = (first & VarIntSignFlag) != 0;
        ulong accumulator = (uint)(first & 0x3F);
        if ((first & EndFlag) != 0)
        {
            magnitude = accumulator;
            bytesConsumed = 1;
            return OperationStatus.Done;
        }

        for (var i = 1; i < source.Length; i++)
        {
            var b = source[i];
            if ((accumulator >> 57) != 0)
            {
                bytesConsumed = i;
                return OperationStatus.InvalidData;
            }

            accumulator = (accumulator << 7) | (uint)(b & 0x7F);
            if ((b & EndFlag) != 0)
            {
                magnitude = accumulator;
                bytesConsumed = i + 1;
                return OperationStatus.Done;
            }
        }

        bytesConsumed = source.Length;
        return OperationStatus.NeedMoreData;
    }

    /// <summary>Reads a fixed-length big-endian UInt that fits 64 bits (leading zero bytes are skipped).</summary>
    public static bool TryReadUInt64(ReadOnlySpan<byte> source, out ulong value)
    {
        var significant = source.TrimStart((byte)0);
        if (significant.Length > sizeof(ulong))
        {
            value = 0;
            return false;
        }

        ulong accumulator = 0;
        foreach (var b in significant)
        {
            accumulator = (accumulator << 8) | b;
        }

        value = accumulator;
        return true;
    }

    /// <summary>Reads a fixed-length big-endian UInt of any size.</summary>
    public static BigInteger ReadBigUInt(ReadOnlySpan<byte> source) =>
        new(source, isUnsigned: true, isBigEndian: true);

    /// <summary>
    /// Reads a fixed-length sign-and-magnitude Int: the top bit of the first byte is the sign, so
    /// <c>80</c> is negative zero. An empty span is positive zero.
    /// </summary>
    public static bool TryReadInt64(ReadOnlySpan<byte> source, out ulong magnitude, out bool isNegative)
    {
        if (source.IsEmpty)
        {
            magnitude = 0;
            isNegative = false;
            return true;
        }

        isNegative = (source[0] & 0x80) != 0;
        ulong accumulator = (uint)(source[0] & 0x7F);
        var rest = source[1..];
        if (accumulator == 0)
        {
            var firstSignificant = rest.IndexOfAnyExcept((byte)0);
            rest = firstSignificant < 0 ? default : rest[firstSignificant..];
        }

        var maxRestLength = accumulator == 0 ? sizeof(ulong) : sizeof(ulong) - 1;
        if (rest.Length > maxRestLength)
        {
            magnitude = 0;
            return false;
        }

        foreach (var b in rest)
        {
            accumulator = (accumulator << 8) | b;
        }

        magnitude = accumulator;
        return true;
    }

    /// <summary>Reads a fixed-length sign-and-magnitude Int of any size as (magnitude, sign).</summary>
    public static BigInteger ReadBigIntMagnitude(ReadOnlySpan<byte> source, out bool isNegative)
    {
        if (source.IsEmpty)
        {
            isNegative = false;
            return BigInteger.Zero;
        }

        isNegative = (source[0] & 0x80) != 0;
        Span<byte> small = stackalloc byte[64];
        var copy = source.Length <= small.Length ? small[..source.Length] : new byte[source.Length];
        source.CopyTo(copy);
        copy[0] &= 0x7F;
        return new BigInteger(copy, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Number of bytes of the minimal VarUInt encoding of <paramref name="value"/>.</summary>
    public static int GetVarUIntLength(ulong value)
    {
        var bits = 64 - BitOperations.LeadingZeroCount(value | 1);
        return (bits + 6) / 7;
    }

    /// <summary>Number of bytes of the minimal VarInt encoding of a magnitude (the sign does not change it).</summary>
    public static int GetVarIntLength(ulong magnitude)
    {
        // The first byte carries 6 magnitude bits, every further byte 7.
        var bits = 64 - BitOperations.LeadingZeroCount(magnitude);
        return bits <= 6 ? 1 : 1 + ((bits - 6 + 6) / 7); // 1 + ceil((bits - 6) / 7)
    }

    /// <summary>Writes the minimal VarUInt encoding; returns the number of bytes written.</summary>
    public static int WriteVarUInt(Span<byte> destination, ulong value)
    {
        var length = GetVarUIntLength(value);
        var target = destination[..length];
        target[length - 1] = (byte)((value & 0x7F) | EndFlag);
        for (var i = length - 2; i >= 0; i--)
        {
            value >>= 7;
            target[i] = (byte)(value & 0x7F);
        }

        return length;
    }

    /// <summary>Writes the minimal VarInt encoding of a signed value; returns the number of bytes written.</summary>
    public static int WriteVarInt(Span<byte> destination, long value) =>
        WriteVarInt(destination, value < 0 ? (ulong)-(value + 1) + 1 : (ulong)value, value < 0);

    /// <summary>
    /// Writes the minimal VarInt encoding of a sign and magnitude (negative zero is <c>C0</c>);
    /// returns the number of bytes written.
    /// </summary>
    public static int WriteVarInt(Span<byte> destination, ulong magnitude, bool isNegative)
    {
        var length = GetVarIntLength(magnitude);
        var target = destination[..length];
        var remaining = magnitude;
        if (length == 1)
        {
            target[0] = (byte)(EndFlag | (isNegative ? VarIntSignFlag : 0) | (int)remaining);
            return 1;
        }

        target[length - 1] = (byte)((remaining & 0x7F) | EndFlag);
        for (var i = length - 2; i >= 1; i--)
        {
            remaining >>= 7;
            target[i] = (byte)(remaining & 0x7F);
        }

        remaining >>= 7;
        target[0] = (byte)((isNegative ? VarIntSignFlag : 0) | (int)remaining);
        return length;
    }

    /// <summary>Number of bytes of the minimal UInt encoding (zero has none).</summary>
    public static int GetUIntLength(ulong value) => (64 - BitOperations.LeadingZeroCount(value) + 7) / 8;

    /// <summary>Writes the minimal big-endian UInt (zero writes nothing); returns the number of bytes written.</summary>
    public static int WriteUInt(Span<byte> destination, ulong value)
    {
        var length = GetUIntLength(value);
        Span<byte> full = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(full, value);
        full[(sizeof(ulong) - length)..].CopyTo(destination);
        return length;
    }

    /// <summary>Number of bytes of the minimal UInt encoding of a non-negative big integer.</summary>
    public static int GetUIntLength(BigInteger magnitude) =>
        magnitude.IsZero ? 0 : magnitude.GetByteCount(isUnsigned: true);

    /// <summary>Writes the minimal big-endian UInt of a non-negative big integer; returns the bytes written.</summary>
    public static int WriteUInt(Span<byte> destination, BigInteger magnitude)
    {
        if (magnitude.IsZero)
        {
            return 0;
        }

        magnitude.TryWriteBytes(destination, out var written, isUnsigned: true, isBigEndian: true);
        return written;
    }

    /// <summary>
    /// Number of bytes of the minimal Int encoding of a sign and magnitude: positive zero has none,
    /// negative zero is one byte (<c>80</c>), and a magnitude whose top bit is set needs an extra byte.
    /// </summary>
    public static int GetIntLength(ulong magnitude, bool isNegative)
    {
        if (magnitude == 0)
        {
            return isNegative ? 1 : 0;
        }

        var bits = 64 - BitOperations.LeadingZeroCount(magnitude);
        return (bits / 8) + 1;
    }

    /// <summary>Writes the minimal Int encoding of a sign and magnitude; returns the number of bytes written.</summary>
    public static int WriteInt(Span<byte> destination, ulong magnitude, bool isNegative)
    {
        var length = GetIntLength(magnitude, isNegative);
        if (length == 0)
        {
            return 0;
        }

        Span<byte> full = stackalloc byte[sizeof(ulong) + 1];
        full[0] = 0;
        BinaryPrimitives.WriteUInt64BigEndian(full[1..], magnitude);
        var target = destination[..length];
        full[(full.Length - length)..].CopyTo(target);
        if (isNegative)
        {
            target[0] |= 0x80;
        }

        return length;
    }

    /// <summary>Number of bytes of the minimal Int encoding of a big magnitude and sign.</summary>
    public static int GetIntLength(BigInteger magnitude, bool isNegative)
    {
        if (magnitude.IsZero)
        {
            return isNegative ? 1 : 0;
        }

        var bits = magnitude.GetBitLength();
        return (int)(bits / 8) + 1;
    }

    /// <summary>Writes the minimal Int encoding of a big magnitude and sign; returns the number of bytes written.</summary>
    public static int WriteInt(Span<byte> destination, BigInteger magnitude, bool isNegative)
    {
        var length = GetIntLength(magnitude, isNegative);
        if (length == 0)
        {
            return 0;
        }

        var target = destination[..length];
        target.Clear();
        if (!magnitude.IsZero)
        {
            var byteCount = magnitude.GetByteCount(isUnsigned: true);
            magnitude.TryWriteBytes(target[(length - byteCount)..], out _, isUnsigned: true, isBigEndian: true);
        }

        if (isNegative)
        {
            target[0] |= 0x80;
        }

        return length;
    }

    /// <summary>The binary type code (high nibble of the type qualifier) of each <see cref="IonType"/>.</summary>
    internal static int TypeCode(IonType type) => type switch
    {
        IonType.Null => 0,
        IonType.Bool => 1,
        IonType.Int => 2,
        IonType.Float => 4,
        IonType.Decimal => 5,
        IonType.Timestamp => 6,
        IonType.Symbol => 7,
        IonType.String => 8,
        IonType.Clob => 9,
        IonType.Blob => 10,
        IonType.List => 11,
        IonType.Sexp => 12,
        IonType.Struct => 13,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
