using System.Globalization;
using System.Numerics;
using System.Text;

namespace Ledger.Ion;

/// <summary>
/// An exact Ion decimal: <c>Coefficient × 10^Exponent</c>, keeping precision (<c>1.0</c> ≠ <c>1.00</c>) and the
/// sign of zero (<c>-0.</c>), which <see cref="decimal"/> cannot always hold.
/// </summary>
/// <remarks>
/// <see cref="Equals(IonDecimal)"/> is Ion equivalence (same sign, coefficient and exponent).
/// <see cref="CompareTo(IonDecimal)"/> and <see cref="NumericEquals"/> compare numeric values
/// (<c>1.0</c> and <c>1.00</c> compare equal; <c>-0.</c> equals <c>0.</c>).
/// </remarks>
public readonly struct IonDecimal : IEquatable<IonDecimal>, IComparable<IonDecimal>
{
    /// <summary>Creates a decimal. A negative zero needs a zero coefficient and <paramref name="isNegativeZero"/>.</summary>
    public IonDecimal(BigInteger coefficient, int exponent, bool isNegativeZero = false)
    {
        if (isNegativeZero && !coefficient.IsZero)
        {
            ThrowHelper.ThrowArgument("Only a zero coefficient can be negative zero.", nameof(isNegativeZero));
        }

        Coefficient = coefficient;
        Exponent = exponent;
        IsNegativeZero = isNegativeZero;
    }

    /// <summary>The signed coefficient (zero for both zeros).</summary>
    public BigInteger Coefficient { get; }

    /// <summary>The power of ten the coefficient is scaled by.</summary>
    public int Exponent { get; }

    /// <summary>True for negative zero (<c>-0.</c>, <c>-0d5</c>, ...).</summary>
    public bool IsNegativeZero { get; }

    /// <summary>True for either zero.</summary>
    public bool IsZero => Coefficient.IsZero;

    /// <summary>True when the sign is negative (including negative zero).</summary>
    public bool IsNegative => IsNegativeZero || Coefficient.Sign < 0;

    /// <summary>Positive zero with exponent 0 (<c>0.</c>).</summary>
    public static IonDecimal Zero => default;

    /// <summary>Negative zero with exponent 0 (<c>-0.</c>).</summary>
    public static IonDecimal NegativeZero => new(BigInteger.Zero, 0, isNegativeZero: true);

    /// <summary>Converts a <see cref="decimal"/> exactly, keeping its scale (so <c>1.00m</c> becomes <c>1.00</c>).</summary>
    public static IonDecimal FromDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var negative = bits[3] < 0;
        var scale = (bits[3] >> 16) & 0xFF;
        Span<byte> magnitude = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(magnitude, bits[0]);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(magnitude[4..], bits[1]);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(magnitude[8..], bits[2]);
        var coefficient = new BigInteger(magnitude, isUnsigned: true, isBigEndian: false);
        if (coefficient.IsZero)
        {
            return new IonDecimal(BigInteger.Zero, -scale, negative);
        }

        return new IonDecimal(negative ? -coefficient : coefficient, -scale);
    }

    /// <summary>Converts an integer (exponent 0).</summary>
    public static IonDecimal FromInteger(BigInteger value) => new(value, 0);

    /// <summary>Implicit exact conversion from <see cref="decimal"/>.</summary>
    public static implicit operator IonDecimal(decimal value) => FromDecimal(value);

    /// <summary>
    /// Converts to <see cref="decimal"/> when the value is exactly representable (precision may be reduced
    /// only by dropping nothing: trailing zeros are kept as scale where possible).
    /// </summary>
    public bool TryToDecimal(out decimal value)
    {
        value = 0m;
        var coefficient = BigInteger.Abs(Coefficient);
        var scale = -Exponent;
        if (scale < 0)
        {
            if (scale < -28)
            {
                if (!coefficient.IsZero)
                {
                    return false;
                }

                value = IsNegativeZero ? -0m : 0m;
                return true;
            }

            coefficient *= BigInteger.Pow(10, -scale);
            scale = 0;
        }

        while (scale > 28 && !coefficient.IsZero && (coefficient % 10).IsZero)
        {
            coefficient /= 10;
            scale--;
        }

        if (coefficient.IsZero && scale > 28)
        {
            scale = 28;
        }

        if (scale > 28 || coefficient.GetByteCount(isUnsigned: true) > 12)
        {
            return false;
        }

        Span<byte> magnitude = stackalloc byte[12];
        magnitude.Clear();
        coefficient.TryWriteBytes(magnitude, out _, isUnsigned: true, isBigEndian: false);
        value = new decimal(
            System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(magnitude),
            System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(magnitude[4..]),
            System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(magnitude[8..]),
            IsNegative,
            (byte)scale);
        return true;
    }

    /// <summary>Converts to <see cref="decimal"/>, throwing <see cref="OverflowException"/> when not representable.</summary>
    public decimal ToDecimal() =>
        TryToDecimal(out var value) ? value : throw new OverflowException($"Decimal {this} is not representable as System.Decimal.");

    /// <summary>The nearest <see cref="double"/>.</summary>
    public double ToDouble()
    {
        if (IsNegativeZero)
        {
            return -0.0;
        }

        return double.Parse(
            Coefficient.ToString(CultureInfo.InvariantCulture) + "E" + Exponent.ToString(CultureInfo.InvariantCulture),
            NumberStyles.Float,
            CultureInfo.InvariantCulture);
    }

    /// <summary>Parses Ion decimal text such as <c>1.</c>, <c>-12.30</c>, <c>5d300</c> or <c>-0d-2</c> (no underscores).</summary>
    public static IonDecimal Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out var value))
        {
            ThrowHelper.ThrowFormat("decimal", text);
        }

        return value;
    }

    /// <summary>Tries to parse Ion decimal text (digits, optional point, optional <c>d</c> exponent; no underscores).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out IonDecimal value)
    {
        value = default;
        var i = 0;
        var negative = false;
        if (i < text.Length && text[i] == '-')
        {
            negative = true;
            i++;
        }

        var digitsStart = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        var integerDigits = text[digitsStart..i];
        ReadOnlySpan<char> fractionDigits = default;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            var fractionStart = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            fractionDigits = text[fractionStart..i];
        }

        if (integerDigits.IsEmpty)
        {
            return false;
        }

        long exponent = 0;
        if (i < text.Length && (text[i] == 'd' || text[i] == 'D'))
        {
            i++;
            if (!long.TryParse(text[i..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) ||
                text[i..].Length == 0 || text[i] == ' ')
            {
                return false;
            }

            i = text.Length;
        }

        if (i != text.Length)
        {
            return false;
        }

        exponent -= fractionDigits.Length;
        if (exponent is < int.MinValue or > int.MaxValue)
        {
            return false;
        }

        var coefficient = ParseDigits(integerDigits, fractionDigits);
        value = coefficient.IsZero
            ? new IonDecimal(BigInteger.Zero, (int)exponent, negative)
            : new IonDecimal(negative ? -coefficient : coefficient, (int)exponent);
        return true;
    }

    private static BigInteger ParseDigits(ReadOnlySpan<char> integerDigits, ReadOnlySpan<char> fractionDigits)
    {
        if (integerDigits.Length + fractionDigits.Length <= 18)
        {
            long small = 0;
            foreach (var c in integerDigits)
            {
                small = (small * 10) + (c - '0');
            }

            foreach (var c in fractionDigits)
            {
                small = (small * 10) + (c - '0');
            }

            return small;
        }

        var joined = string.Concat(integerDigits, fractionDigits);
        return BigInteger.Parse(joined, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>Ion text form that reads back as this exact decimal (e.g. <c>1.</c>, <c>1.50</c>, <c>5d300</c>, <c>-0.</c>).</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        AppendTo(builder);
        return builder.ToString();
    }

    /// <summary>Appends the Ion text form to <paramref name="builder"/>.</summary>
    public void AppendTo(StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (IsNegative)
        {
            builder.Append('-');
        }

        var digits = BigInteger.Abs(Coefficient).ToString(CultureInfo.InvariantCulture);
        if (Exponent == 0)
        {
            builder.Append(digits).Append('.');
        }
        else if (Exponent > 0)
        {
            builder.Append(digits).Append('d').Append(Exponent.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            var fractionLength = -(long)Exponent;
            if (fractionLength < digits.Length)
            {
                builder.Append(digits.AsSpan(0, digits.Length - (int)fractionLength)).Append('.')
                    .Append(digits.AsSpan(digits.Length - (int)fractionLength));
            }
            else if (fractionLength - digits.Length <= 6)
            {
                builder.Append("0.").Append('0', (int)(fractionLength - digits.Length)).Append(digits);
            }
            else
            {
                builder.Append(digits).Append('d').Append(Exponent.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>Ion equivalence: same sign, coefficient and exponent.</summary>
    public bool Equals(IonDecimal other) =>
        Exponent == other.Exponent && IsNegativeZero == other.IsNegativeZero && Coefficient.Equals(other.Coefficient);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is IonDecimal other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Coefficient, Exponent, IsNegativeZero);

    /// <summary>Numeric equality: <c>1.0</c> equals <c>1.00</c>, and the two zeros are equal.</summary>
    public bool NumericEquals(IonDecimal other) => CompareTo(other) == 0;

    /// <summary>Compares numeric values (precision and the sign of zero are ignored).</summary>
    public int CompareTo(IonDecimal other)
    {
        var sign = Coefficient.Sign;
        var otherSign = other.Coefficient.Sign;
        if (sign != otherSign)
        {
            return sign.CompareTo(otherSign);
        }

        if (sign == 0)
        {
            return 0;
        }

        // Compare orders of magnitude first so that wildly different exponents never build huge integers.
        // Log10 is approximate, so only a difference of more than one order decides on its own.
        var magnitude = OrderOfMagnitude(Coefficient, Exponent);
        var otherMagnitude = OrderOfMagnitude(other.Coefficient, other.Exponent);
        if (Math.Abs(magnitude - otherMagnitude) > 1.5)
        {
            return magnitude < otherMagnitude ? -sign : sign;
        }

        var left = Coefficient;
        var right = other.Coefficient;
        if (Exponent > other.Exponent)
        {
            left *= BigInteger.Pow(10, Exponent - other.Exponent);
        }
        else if (other.Exponent > Exponent)
        {
            right *= BigInteger.Pow(10, other.Exponent - Exponent);
        }

        return left.CompareTo(right);
    }

    private static double OrderOfMagnitude(BigInteger coefficient, int exponent) =>
        BigInteger.Log10(BigInteger.Abs(coefficient)) + exponent;

    /// <summary>Ion equivalence.</summary>
    public static bool operator ==(IonDecimal left, IonDecimal right) => left.Equals(right);

    /// <summary>Ion non-equivalence.</summary>
    public static bool operator !=(IonDecimal left, IonDecimal right) => !left.Equals(right);

    /// <summary>Numeric less-than.</summary>
    public static bool operator <(IonDecimal left, IonDecimal right) => left.CompareTo(right) < 0;

    /// <summary>Numeric greater-than.</summary>
    public static bool operator >(IonDecimal left, IonDecimal right) => left.CompareTo(right) > 0;

    /// <summary>Numeric less-or-equal.</summary>
    public static bool operator <=(IonDecimal left, IonDecimal right) => left.CompareTo(right) <= 0;

    /// <summary>Numeric greater-or-equal.</summary>
    public static bool operator >=(IonDecimal left, IonDecimal right) => left.CompareTo(right) >= 0;
}
