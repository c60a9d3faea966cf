using System.Globalization;
using System.Numerics;

namespace Ledger.Ion.Text;

internal ref partial struct IonTextParser
{
    /// <summary>Reads an int, decimal, float or timestamp (position at a digit or at '-' before a digit).</summary>
    private IonValue ReadNumberOrTimestamp(Context context)
    {
        var start = _position;
        while (_position < _input.Length && IsNumberTokenByte(_input[_position]))
        {
            _position++;
        }

        var token = _input[start.._position];
        if (!IsValueTerminator(_position, allowOperator: false, allowColon: false))
        {
            Fail($"Unexpected {Describe(Peek())} after a number");
        }

        var value = ParseNumericToken(token);
        if (value is null)
        {
            Fail("Invalid number or timestamp '" + System.Text.Encoding.ASCII.GetString(token) + "'", start);
        }

        return value;
    }

    private static bool IsNumberTokenByte(byte c) =>
        IsAsciiDigit(c) || IsAsciiLetter(c) || c is (byte)'_' or (byte)'.' or (byte)'+' or (byte)'-' or (byte)':';

    /// <summary>Parses a complete numeric token; null when it is malformed.</summary>
    private static IonValue? ParseNumericToken(ReadOnlySpan<byte> token)
    {
        var negative = token[0] == '-';
        var body = negative ? token[1..] : token;
        if (body.IsEmpty)
        {
            return null;
        }

        // Fast path for the most common token: a plain decimal int that fits in a long.
        if (body.Length <= 18 && (body[0] != '0' || body.Length == 1) && !body.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            long small = 0;
            foreach (var digit in body)
            {
                small = (small * 10) + (digit - '0');
            }

            return IonInt.Of(negative ? -small : small);
        }

        if (body.Length > 1 && body[0] == '0' && (body[1] | 0x20) is 'x' or 'b')
        {
            return ParseRadixInt(body[2..], negative, hex: (body[1] | 0x20) == 'x');
        }

        if (!negative && body.Length >= 5 && IsAsciiDigit(body[0]) && IsAsciiDigit(body[1]) && IsAsciiDigit(body[2]) &&
            IsAsciiDigit(body[3]) && body[4] is (byte)'-' or (byte)'T')
        {
            return ParseTimestamp(body);
        }

        return ParseDecimalForm(body, negative);
    }

    private static IonTimestampValue? ParseTimestamp(ReadOnlySpan<byte> token)
    {
        if (token.Length > 128)
        {
            return ParseLongTimestamp(token);
        }

        Span<char> chars = stackalloc char[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            chars[i] = (char)token[i];
        }

        return IonTimestamp.TryParse(chars, out var timestamp, out _) ? IonTimestampValue.Of(timestamp) : null;
    }

    private static IonTimestampValue? ParseLongTimestamp(ReadOnlySpan<byte> token)
    {
        var chars = System.Text.Encoding.ASCII.GetString(token);
        return IonTimestamp.TryParse(chars, out var timestamp, out _) ? IonTimestampValue.Of(timestamp) : null;
    }

    private static IonInt? ParseRadixInt(ReadOnlySpan<byte> digits, bool negative, bool hex)
    {
        if (digits.IsEmpty || digits[0] == '_' || digits[^1] == '_')
        {
            return null;
        }

        var magnitude = BigInteger.Zero;
        ulong small = 0;
        var useSmall = true;
        var shift = hex ? 4 : 1;
        var previousUnderscore = false;
        foreach (var c in digits)
        {
            if (c == '_')
            {
                if (previousUnderscore)
                {
                    return null;
                }

                previousUnderscore = true;
                continue;
            }

            previousUnderscore = false;
            var digit = hex
                ? c switch
                {
                    >= (byte)'0' and <= (byte)'9' => c - '0',
                    >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                    >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                    _ => -1,
                }
                : c switch
                {
                    (byte)'0' => 0,
                    (byte)'1' => 1,
                    _ => -1,
                };
            if (digit < 0)
            {
                return null;
            }

            if (useSmall && small >> (64 - shift) == 0)
            {
                small = (small << shift) | (uint)digit;
            }
            else
            {
                if (useSmall)
                {
                    magnitude = small;
                    useSmall = false;
                }

                magnitude = (magnitude << shift) | digit;
            }
        }

        if (useSmall)
        {
            magnitude = small;
        }

        return IonInt.Of(negative ? -magnitude : magnitude);
    }

    /// <summary>Parses <c>int</c>, <c>int.frac</c>, with an optional <c>d</c> (decimal) or <c>e</c> (float) exponent.</summary>
    private static IonValue? ParseDecimalForm(ReadOnlySpan<byte> body, bool negative)
    {
        // Collect digits without underscores; underscores may only separate digits.
        Span<byte> digitBuffer = body.Length <= 256 ? stackalloc byte[body.Length] : new byte[body.Length];
        var digitCount = 0;
        var i = 0;
        if (!CopyDigits(body, ref i, digitBuffer, ref digitCount) || digitCount == 0)
        {
            return null;
        }

        var integerDigits = digitCount;
        if (integerDigits > 1 && digitBuffer[0] == '0')
        {
            return null; // Leading zeros are not allowed.
        }

        var hasPoint = false;
        if (i < body.Length && body[i] == '.')
        {
            hasPoint = true;
            i++;
            if (i < body.Length && body[i] == '_')
            {
                return null;
            }

            if (!CopyDigits(body, ref i, digitBuffer, ref digitCount))
            {
                return null;
            }
        }

        var fractionDigits = digitCount - integerDigits;
        var exponentKind = (byte)0;
        long exponent = 0;
        if (i < body.Length && (body[i] | 0x20) is 'e' or 'd')
        {
            exponentKind = (byte)(body[i] | 0x20);
            i++;
            var exponentNegative = false;
            if (i < body.Length && body[i] is (byte)'+' or (byte)'-')
            {
                exponentNegative = body[i] == '-';
                i++;
            }

            var exponentStart = i;
            while (i < body.Length && IsAsciiDigit(body[i]))
            {
                if (exponent < 1_000_000_000_000L)
                {
                    exponent = (exponent * 10) + (body[i] - '0');
                }

                i++;
            }

            if (i == exponentStart)
            {
                return null;
            }

            exponent = exponentNegative ? -exponent : exponent;
        }

        if (i != body.Length)
        {
            return null;
        }

        var digits = digitBuffer[..digitCount];
        if (exponentKind == 'e')
        {
            return IonFloat.Of(ParseDouble(negative, digits, integerDigits, exponent));
        }

        if (!hasPoint && exponentKind == 0)
        {
            var integer = ParseInteger(digits);
            return IonInt.Of(negative ? -integer : integer);
        }

        var scale = exponent - fractionDigits;
        if (scale is < int.MinValue or > int.MaxValue)
        {
            return null;
        }

        var coefficient = ParseInteger(digits);
        return IonDecimalValue.Of(coefficient.IsZero
            ? new IonDecimal(BigInteger.Zero, (int)scale, negative)
            : new IonDecimal(negative ? -coefficient : coefficient, (int)scale));
    }

    private static bool CopyDigits(ReadOnlySpan<byte> body, ref int i, Span<byte> destination, ref int count)
    {
        var previousUnderscore = false;
        var start = i;
        while (i < body.Length)
        {
            var c = body[i];
            if (IsAsciiDigit(c))
            {
                destination[count++] = c;
                previousUnderscore = false;
            }
            else if (c == '_')
            {
                if (previousUnderscore || i == start)
                {
                    return false;
                }

                previousUnderscore = true;
            }
            else
            {
                break;
            }

            i++;
        }

        return !previousUnderscore;
    }

    private static BigInteger ParseInteger(ReadOnlySpan<byte> digits)
    {
        if (digits.Length <= 18)
        {
            long value = 0;
            foreach (var d in digits)
            {
                value = (value * 10) + (d - '0');
            }

            return value;
        }

        Span<char> chars = digits.Length <= 512 ? stackalloc char[digits.Length] : new char[digits.Length];
        for (var i = 0; i < digits.Length; i++)
        {
            chars[i] = (char)digits[i];
        }

        return BigInteger.Parse(chars, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static double ParseDouble(bool negative, ReadOnlySpan<byte> digits, int integerDigits, long exponent)
    {
        // Rebuild a canonical "-ddd.dddE±n" string: double.Parse with the invariant culture is correctly rounded.
        var length = digits.Length + 32;
        Span<char> text = length <= 512 ? stackalloc char[length] : new char[length];
        var n = 0;
        if (negative)
        {
            text[n++] = '-';
        }

        for (var i = 0; i < digits.Length; i++)
        {
            if (i == integerDigits)
            {
                text[n++] = '.';
            }

            text[n++] = (char)digits[i];
        }

        text[n++] = 'E';
        exponent.TryFormat(text[n..], out var written, provider: CultureInfo.InvariantCulture);
        n += written;
        return double.Parse(text[..n], NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
