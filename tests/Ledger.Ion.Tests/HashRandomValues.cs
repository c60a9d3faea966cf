using System.Collections.Immutable;
using System.Numerics;
using System.Text;

namespace Ledger.Ion.Tests;

/// <summary>
/// A seeded generator of random Ion values for differential and property tests. It covers every type, typed
/// nulls, annotations, repeated field names, negative zeros, NaN and infinities, big ints and decimals,
/// timestamps of every precision and offset, and text full of the bytes Ion Hash escapes. It avoids what the
/// reference (ion-js) cannot read: <c>$0</c> and other symbols with unknown text.
/// </summary>
internal sealed class HashRandomValues(int seed)
{
    private static readonly string[] s_texts =
    [
        "", "a", "name", "version", "$ion", "symbols", "hello world", "\v\f\u000e", "tab\tnew\nline", "quote'\"\\",
        "caf\u00e9", "\u65e5\u672c", "\U0001F600", "null", "true", "nan", "+inf", "a.b", "$12", "x\u0000y",
    ];

    private readonly Random _random = new(seed);

    public IonValue Next(int depth = 0)
    {
        var value = NextContent(depth);
        if (_random.Next(6) == 0)
        {
            var annotations = Enumerable.Range(0, 1 + _random.Next(3)).Select(_ => SymbolToken.Of(NextText())).ToImmutableArray();
            value = value.WithAnnotations(annotations);
        }

        return value;
    }

    private IonValue NextContent(int depth)
    {
        var pick = _random.Next(depth >= 4 ? 10 : 13);
        if (_random.Next(12) == 0)
        {
            return IonNull.Of((IonType)_random.Next((int)IonType.Struct + 1));
        }

        return pick switch
        {
            0 => IonBool.Of(_random.Next(2) == 0),
            1 => IonInt.Of(NextInteger()),
            2 => IonFloat.Of(NextDouble()),
            3 => IonDecimalValue.Of(NextDecimal()),
            4 => IonTimestampValue.Of(NextTimestamp()),
            5 => IonSymbol.Of(NextText()),
            6 => IonString.Of(NextText()),
            7 => IonClob.Of(NextBytes().AsSpan()),
            8 => IonBlob.Of(NextBytes().AsSpan()),
            9 => IonString.Of(NextText() + NextText()),
            10 => IonList.Of(Children(depth)),
            11 => IonSexp.Of(Children(depth)),
            _ => IonStruct.Of(Enumerable.Range(0, _random.Next(8)).Select(_ => new IonField(NextFieldName(), Next(depth + 1)))),
        };
    }

    private IEnumerable<IonValue> Children(int depth) => [.. Enumerable.Range(0, _random.Next(6)).Select(_ => Next(depth + 1))];

    private string NextFieldName() => _random.Next(3) == 0 ? "a" : NextText();

    private string NextText() => _random.Next(4) switch
    {
        0 => s_texts[_random.Next(s_texts.Length)],
        1 => RandomUnicode(_random.Next(1, 12)),
        _ => RandomAscii(_random.Next(0, 10)),
    };

    private string RandomAscii(int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append((char)_random.Next(0x01, 0x7F));
        }

        return builder.ToString();
    }

    private string RandomUnicode(int length)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            var codePoint = _random.Next(4) switch
            {
                0 => _random.Next(0x0B, 0x0F),
                1 => _random.Next(0x80, 0x800),
                2 => _random.Next(0x800, 0xD800),
                _ => _random.Next(0x10000, 0x110000),
            };
            builder.Append(char.ConvertFromUtf32(codePoint));
        }

        return builder.ToString();
    }

    private byte[] NextBytes()
    {
        var bytes = new byte[_random.Next(0, 24)];
        _random.NextBytes(bytes);
        return bytes;
    }

    private BigInteger NextInteger() => _random.Next(5) switch
    {
        0 => _random.Next(-20, 20),
        1 => _random.NextInt64(),
        2 => -_random.NextInt64(),
        3 => new[] { long.MinValue, long.MaxValue, 11, 12, 14, -11, 0xFF, 0x80 }[_random.Next(8)],
        _ => BigInteger.Pow(_random.NextInt64(), 2 + _random.Next(3)) * (_random.Next(2) == 0 ? 1 : -1),
    };

    private double NextDouble() => _random.Next(4) switch
    {
        0 => new[] { 0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, double.MaxValue, 1.0 }[_random.Next(8)],
        1 => BitConverter.Int64BitsToDouble(_random.NextInt64()) is var bits && double.IsNaN(bits) ? 1.5 : BitConverter.Int64BitsToDouble(_random.NextInt64()),
        _ => Math.Round((_random.NextDouble() - 0.5) * Math.Pow(10, _random.Next(-5, 10)), _random.Next(6)),
    };

    private IonDecimal NextDecimal()
    {
        var exponent = _random.Next(-30, 30);
        return _random.Next(6) switch
        {
            0 => new IonDecimal(BigInteger.Zero, exponent, isNegativeZero: _random.Next(2) == 0),
            1 => new IonDecimal(NextInteger(), exponent),
            _ => new IonDecimal(_random.Next(-100000, 100000), _random.Next(-6, 3)),
        };
    }

    private IonTimestamp NextTimestamp()
    {
        var precision = (TimestampPrecision)_random.Next(5);
        var year = _random.Next(3) == 0 ? _random.Next(1, 10000) : _random.Next(1950, 2100);
        var month = _random.Next(1, 13);
        var day = _random.Next(1, DateTime.DaysInMonth(year, month) + 1);
        int? offset = _random.Next(4) switch
        {
            0 => null,
            1 => 0,
            _ => _random.Next(-1439, 1440),
        };

        // Keep the UTC time inside years 1..9999 whatever the offset.
        if (year is 1 or 9999)
        {
            offset = _random.Next(2) == 0 ? null : 0;
        }

        IonDecimal? fraction = null;
        if (precision == TimestampPrecision.Second && _random.Next(2) == 0)
        {
            var digits = _random.Next(1, 12);
            fraction = new IonDecimal(new BigInteger(_random.NextInt64((long)Math.Pow(10, digits))), -digits);
        }

        return new IonTimestamp(precision, year, month, day, _random.Next(24), _random.Next(60), _random.Next(60), fraction, offset);
    }
}
