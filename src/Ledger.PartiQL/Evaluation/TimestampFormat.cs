using System.Globalization;
using System.Numerics;
using System.Text;
using Ledger.Ion;

namespace Ledger.PartiQL.Evaluation;

/// <summary>The timestamp format patterns of TO_STRING and TO_TIMESTAMP (spec §9.1): runs of a symbol letter
/// (<c>y M d a h H m s S X x</c>), quoted literal text (<c>''</c> is a quote) and copied separators.</summary>
internal static class TimestampFormat
{
    private static readonly string[] MonthNames = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[..12];
    private static readonly string[] ShortMonthNames = CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames[..12];

    private readonly record struct Token(char Symbol, int Count, string? Literal);

    public static string Format(IonTimestamp ts, string pattern)
    {
        var builder = new StringBuilder();
        var offset = ts.OffsetMinutes ?? 0;
        foreach (var token in Tokenize(pattern))
        {
            if (token.Literal is not null)
            {
                builder.Append(token.Literal);
                continue;
            }

            var hour12 = ts.Hour % 12 == 0 ? 12 : ts.Hour % 12;
            builder.Append(token.Symbol switch
            {
                'y' when token.Count == 2 => Pad(ts.Year % 100, 2),
                'y' => Pad(ts.Year, token.Count),
                'M' when token.Count == 3 => ShortMonthNames[ts.Month - 1],
                'M' when token.Count >= 4 => MonthNames[ts.Month - 1],
                'M' => Pad(ts.Month, token.Count),
                'd' => Pad(ts.Day, token.Count),
                'h' => Pad(hour12, token.Count),
                'H' => Pad(ts.Hour, token.Count),
                'm' => Pad(ts.Minute, token.Count),
                's' => Pad(ts.Second, token.Count),
                'S' => Fraction(ts, token.Count),
                'a' => ts.Hour < 12 ? "AM" : "PM",
                'X' when offset == 0 => "Z",
                _ => Offset(offset, token.Count),
            });
        }

        return builder.ToString();
    }

    public static IonTimestamp Parse(string text, string pattern)
    {
        int? year = null, month = null, day = null, hour = null, minute = null, second = null, offset = null;
        IonDecimal? fraction = null;
        var pm = (bool?)null;
        var at = 0;
        foreach (var token in Tokenize(pattern))
        {
            if (token.Literal is not null)
            {
                if (!text.AsSpan(at).StartsWith(token.Literal, StringComparison.Ordinal))
                {
                    throw Mismatch(text, pattern);
                }

                at += token.Literal.Length;
                continue;
            }

            switch (token.Symbol)
            {
                case 'y':
                    var y = Digits(text, ref at, token.Count == 2 ? 2 : 4, text, pattern);
                    year = token.Count == 2 ? (y < 70 ? 2000 + y : 1900 + y) : y;
                    break;
                case 'M' when token.Count >= 3:
                    month = Name(text, ref at, token.Count == 3 ? ShortMonthNames : MonthNames, text, pattern) + 1;
                    break;
                case 'M':
                    month = Digits(text, ref at, 2, text, pattern);
                    break;
                case 'd':
                    day = Digits(text, ref at, 2, text, pattern);
                    break;
                case 'h':
                case 'H':
                    hour = Digits(text, ref at, 2, text, pattern);
                    break;
                case 'm':
                    minute = Digits(text, ref at, 2, text, pattern);
                    break;
                case 's':
                    second = Digits(text, ref at, 2, text, pattern);
                    break;
                case 'S':
                    var start = at;
                    var digits = Digits(text, ref at, token.Count, text, pattern);
                    fraction = new IonDecimal(digits, -(at - start));
                    break;
                case 'a':
                    pm = Name(text, ref at, ["AM", "PM"], text, pattern) == 1;
                    break;
                default:
                    offset = ParseOffset(text, ref at, text, pattern);
                    break;
            }
        }

        if (at != text.Length || year is null)
        {
            throw Mismatch(text, pattern);
        }

        if (pm is { } isPm && hour is { } h)
        {
            hour = (h % 12) + (isPm ? 12 : 0);
        }

        var precision = second is not null || fraction is not null ? TimestampPrecision.Second
            : hour is not null || minute is not null ? TimestampPrecision.Minute
            : day is not null ? TimestampPrecision.Day
            : month is not null ? TimestampPrecision.Month
            : TimestampPrecision.Year;
        try
        {
            return new IonTimestamp(precision, year.Value, month ?? 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0, fraction, offset);
        }
        catch (ArgumentException)
        {
            throw Mismatch(text, pattern);
        }
    }

    private static List<Token> Tokenize(string pattern)
    {
        var tokens = new List<Token>();
        for (var i = 0; i < pattern.Length;)
        {
            var c = pattern[i];
            if (c == '\'')
            {
                var literal = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= pattern.Length)
                    {
                        throw new EvaluationException($"unterminated quote in timestamp format '{pattern}'");
                    }

                    if (pattern[i] == '\'')
                    {
                        if (i + 1 < pattern.Length && pattern[i + 1] == '\'')
                        {
                            literal.Append('\'');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    literal.Append(pattern[i++]);
                }

                tokens.Add(new Token('\0', 0, literal.Length == 0 ? "'" : literal.ToString()));
            }
            else if ("yMdahHmsSXx".Contains(c, StringComparison.Ordinal))
            {
                var count = 1;
                while (i + count < pattern.Length && pattern[i + count] == c)
                {
                    count++;
                }

                tokens.Add(new Token(c, count, null));
                i += count;
            }
            else if (char.IsAsciiLetter(c))
            {
                throw new EvaluationException($"unknown symbol '{c}' in timestamp format '{pattern}'");
            }
            else
            {
                tokens.Add(new Token('\0', 0, c.ToString()));
                i++;
            }
        }

        return tokens;
    }

    private static string Pad(int value, int width) => value.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');

    private static string Fraction(IonTimestamp ts, int count)
    {
        var digits = ts.Fraction is { } f && f.Exponent < 0
            ? (BigInteger.Abs(f.Coefficient).ToString(CultureInfo.InvariantCulture).PadLeft(-f.Exponent, '0'))
            : string.Empty;
        return digits.PadRight(count, '0')[..count];
    }

    private static string Offset(int minutes, int count)
    {
        var sign = minutes < 0 ? '-' : '+';
        var abs = Math.Abs(minutes);
        var hours = Pad(abs / 60, 2);
        var rest = Pad(abs % 60, 2);
        return count switch
        {
            1 => $"{sign}{hours}",
            2 => $"{sign}{hours}{rest}",
            _ => $"{sign}{hours}:{rest}",
        };
    }

    private static int Digits(string text, ref int at, int max, string input, string pattern)
    {
        var start = at;
        while (at < text.Length && at - start < max && char.IsAsciiDigit(text[at]))
        {
            at++;
        }

        return at == start ? throw Mismatch(input, pattern) : int.Parse(text.AsSpan(start, at - start), CultureInfo.InvariantCulture);
    }

    private static int Name(string text, ref int at, string[] names, string input, string pattern)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (text.AsSpan(at).StartsWith(names[i], StringComparison.OrdinalIgnoreCase))
            {
                at += names[i].Length;
                return i;
            }
        }

        throw Mismatch(input, pattern);
    }

    private static int ParseOffset(string text, ref int at, string input, string pattern)
    {
        if (at < text.Length && text[at] == 'Z')
        {
            at++;
            return 0;
        }

        if (at >= text.Length || text[at] is not ('+' or '-'))
        {
            throw Mismatch(input, pattern);
        }

        var negative = text[at++] == '-';
        var hours = Digits(text, ref at, 2, input, pattern);
        var minutes = 0;
        if (at < text.Length && text[at] == ':')
        {
            at++;
        }

        if (at < text.Length && char.IsAsciiDigit(text[at]))
        {
            minutes = Digits(text, ref at, 2, input, pattern);
        }

        var total = (hours * 60) + minutes;
        return negative ? -total : total;
    }

    private static EvaluationException Mismatch(string text, string pattern) =>
        new($"'{text}' does not match the timestamp format '{pattern}'");
}
