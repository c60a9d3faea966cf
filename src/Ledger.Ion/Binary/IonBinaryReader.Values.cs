using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using System.Text.Unicode;

namespace Ledger.Ion.Binary;

public ref partial struct IonBinaryReader
{
    /// <summary>The current bool.</summary>
    public readonly bool GetBool()
    {
        RequireScalar(IonType.Bool);
        return (_descriptor & 0x0F) == 1;
    }

    /// <summary>
    /// The current int as sign and magnitude when the magnitude fits 64 bits; false for larger ints
    /// (use <see cref="GetBigInteger"/>).
    /// </summary>
    public readonly bool TryGetIntMagnitude(out ulong magnitude, out bool isNegative)
    {
        RequireScalar(IonType.Int);
        isNegative = (_descriptor >> 4) == 3;
        if (!IonBinaryPrimitives.TryReadUInt64(ValueBytes, out magnitude))
        {
            return false;
        }

        if (isNegative && magnitude == 0)
        {
            Throw("A negative int must not have a zero magnitude", _valueOffset);
        }

        return true;
    }

    /// <summary>The current int.</summary>
    public readonly BigInteger GetBigInteger()
    {
        if (TryGetIntMagnitude(out var magnitude, out var isNegative))
        {
            return isNegative ? -new BigInteger(magnitude) : new BigInteger(magnitude);
        }

        var big = IonBinaryPrimitives.ReadBigUInt(ValueBytes);
        return isNegative ? -big : big;
    }

    /// <summary>The current float (binary32 values are widened).</summary>
    public readonly double GetDouble()
    {
        RequireScalar(IonType.Float);
        var bytes = ValueBytes;
        return bytes.Length switch
        {
            0 => 0d,
            4 => BinaryPrimitives.ReadSingleBigEndian(bytes),
            _ => BinaryPrimitives.ReadDoubleBigEndian(bytes),
        };
    }

    /// <summary>The current decimal as coefficient magnitude (when it fits 64 bits), sign and exponent.</summary>
    public readonly bool TryGetDecimalParts(out ulong coefficientMagnitude, out bool isNegative, out int exponent)
    {
        RequireScalar(IonType.Decimal);
        var coefficient = ReadDecimalExponent(out exponent);
        if (!IonBinaryPrimitives.TryReadInt64(coefficient, out coefficientMagnitude, out isNegative))
        {
            return false;
        }

        return true;
    }

    /// <summary>The current decimal.</summary>
    public readonly IonDecimal GetDecimal()
    {
        if (TryGetDecimalParts(out var magnitude, out var isNegative, out var exponent))
        {
            return magnitude == 0
                ? new IonDecimal(BigInteger.Zero, exponent, isNegative)
                : new IonDecimal(isNegative ? -new BigInteger(magnitude) : new BigInteger(magnitude), exponent);
        }

        var coefficient = ReadDecimalExponent(out _);
        var big = IonBinaryPrimitives.ReadBigIntMagnitude(coefficient, out var negative);
        return new IonDecimal(negative ? -big : big, exponent);
    }

    /// <summary>The current timestamp.</summary>
    public readonly IonTimestamp GetTimestamp()
    {
        RequireScalar(IonType.Timestamp);
        var bytes = ValueBytes;
        var position = 0;
        var offsetStatus = IonBinaryPrimitives.ReadVarInt(bytes, out var offsetMagnitude, out var offsetNegative, out var consumed);
        if (offsetStatus != OperationStatus.Done)
        {
            Throw("Truncated timestamp offset", _valueStart);
        }

        position += consumed;
        int? offset = offsetMagnitude == 0 && offsetNegative
            ? null
            : offsetMagnitude < 24 * 60 ? (offsetNegative ? -(int)offsetMagnitude : (int)offsetMagnitude) : ThrowTimestamp<int>("offset out of range");

        Span<int> fields = [1, 1, 1, 0, 0, 0];
        var fieldCount = 0;
        while (fieldCount < fields.Length && position < bytes.Length)
        {
            var status = IonBinaryPrimitives.ReadVarUInt(bytes[position..], out var field, out consumed);
            if (status != OperationStatus.Done || field > 9999)
            {
                ThrowTimestamp<int>("malformed field");
            }

            fields[fieldCount++] = (int)field;
            position += consumed;
        }

        if (fieldCount == 4)
        {
            ThrowTimestamp<int>("an hour must be followed by minutes");
        }

        var precision = fieldCount switch
        {
            1 => TimestampPrecision.Year,
            2 => TimestampPrecision.Month,
            3 => TimestampPrecision.Day,
            5 => TimestampPrecision.Minute,
            6 => TimestampPrecision.Second,
            _ => ThrowTimestamp<TimestampPrecision>("missing year"),
        };

        IonDecimal? fraction = null;
        if (position < bytes.Length)
        {
            if (precision != TimestampPrecision.Second)
            {
                ThrowTimestamp<int>("a fraction needs seconds");
            }

            var status = IonBinaryPrimitives.ReadVarInt(bytes[position..], out var exponentMagnitude, out var exponentNegative, out consumed);
            if (status != OperationStatus.Done || exponentMagnitude > int.MaxValue)
            {
                ThrowTimestamp<int>("malformed fraction exponent");
            }

            position += consumed;
            var exponent = exponentNegative ? -(int)exponentMagnitude : (int)exponentMagnitude;
            var coefficientBytes = bytes[position..];
            var coefficient = IonBinaryPrimitives.ReadBigIntMagnitude(coefficientBytes, out var coefficientNegative);
            if (coefficientNegative && !coefficient.IsZero)
            {
                ThrowTimestamp<int>("the fraction is negative");
            }

            if (!coefficient.IsZero || exponent < 0)
            {
                if (exponent >= 0 || (-exponent < 10_000 && coefficient >= BigInteger.Pow(10, -exponent)))
                {
                    ThrowTimestamp<int>("the fraction must be less than 1");
                }

                fraction = new IonDecimal(coefficient, exponent);
            }
        }

        try
        {
            // Below minute precision there is no local time, so the offset is unknown whatever the bytes say.
            if (precision < TimestampPrecision.Minute || offset is null or 0)
            {
                return new IonTimestamp(
                    precision, fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fraction,
                    precision < TimestampPrecision.Minute ? null : offset);
            }

            // The binary fields are UTC; the model keeps local time (UTC + offset).
            var local = new DateTime(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], DateTimeKind.Unspecified)
                .AddMinutes(offset.Value);
            return new IonTimestamp(precision, local.Year, local.Month, local.Day, local.Hour, local.Minute, local.Second, fraction, offset);
        }
        catch (ArgumentException e)
        {
            return ThrowTimestamp<IonTimestamp>(e.Message);
        }
    }

    /// <summary>The SID of the current symbol value (0 for <c>$0</c>).</summary>
    public readonly int GetSymbolSid()
    {
        RequireScalar(IonType.Symbol);
        if (!IonBinaryPrimitives.TryReadUInt64(ValueBytes, out var sid))
        {
            Throw("The symbol ID is too large", _valueOffset);
        }

        return CheckSid(sid, _valueOffset);
    }

    /// <summary>The current symbol value.</summary>
    public readonly SymbolToken GetSymbol() => Token(GetSymbolSid());

    /// <summary>The UTF-8 bytes of the current string, validated.</summary>
    public readonly ReadOnlySpan<byte> GetStringUtf8()
    {
        RequireScalar(IonType.String);
        var bytes = ValueBytes;
        if (!Utf8.IsValid(bytes))
        {
            Throw("The string is not valid UTF-8", _valueOffset);
        }

        return bytes;
    }

    /// <summary>The current string.</summary>
    public readonly string GetString() => Encoding.UTF8.GetString(GetStringUtf8());

    /// <summary>The bytes of the current blob or clob.</summary>
    public readonly ReadOnlySpan<byte> GetLobBytes()
    {
        if (!_hasValue || Type is not (IonType.Blob or IonType.Clob) || IsNull)
        {
            throw new InvalidOperationException("The reader is not positioned on a non-null blob or clob.");
        }

        return ValueBytes;
    }

    private readonly ReadOnlySpan<byte> ReadDecimalExponent(out int exponent)
    {
        var bytes = ValueBytes;
        if (bytes.IsEmpty)
        {
            exponent = 0;
            return bytes;
        }

        var status = IonBinaryPrimitives.ReadVarInt(bytes, out var magnitude, out var isNegative, out var consumed);
        if (status != OperationStatus.Done || magnitude > int.MaxValue)
        {
            Throw(status == OperationStatus.NeedMoreData ? "Truncated decimal exponent" : "The decimal exponent is out of range", _valueOffset);
        }

        exponent = isNegative ? -(int)magnitude : (int)magnitude;
        return bytes[consumed..];
    }

    private readonly void RequireScalar(IonType type)
    {
        if (!_hasValue || Type != type || IsNull)
        {
            throw new InvalidOperationException($"The reader is not positioned on a non-null {type}.");
        }
    }

    private readonly T ThrowTimestamp<T>(string reason)
    {
        Throw($"Invalid timestamp: {reason}", _valueOffset);
        return default!;
    }
}
