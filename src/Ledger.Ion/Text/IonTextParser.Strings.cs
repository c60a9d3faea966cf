using System.Buffers;
using System.Buffers.Text;
using System.Collections.Immutable;
using System.Text;

namespace Ledger.Ion.Text;

internal ref partial struct IonTextParser
{
    private static readonly SearchValues<byte> ShortStringSpecials = SearchValues.Create("\"\\\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000A\u000D\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"u8);

    /// <summary>Reads <c>"..."</c> (position at the opening quote).</summary>
    private string ReadShortString(bool intern = false) => ReadQuoted((byte)'"', intern);

    /// <summary>Reads <c>'...'</c> (position at the opening quote).</summary>
    private string ReadQuotedSymbol() => ReadQuoted((byte)'\'', intern: true);

    private string ReadQuoted(byte quote, bool intern)
    {
        _position++;
        var start = _position;

        // Fast path: no escapes and no control characters before the closing quote.
        var rest = _input[start..];
        var special = quote == '"' ? rest.IndexOfAny(ShortStringSpecials) : rest.IndexOfAny(quote, (byte)'\\');
        if (special >= 0 && rest[special] == quote && (quote == '"' || rest[..special].IndexOfAnyInRange((byte)0, (byte)0x1F) < 0))
        {
            _position = start + special + 1;
            return intern ? _interned.Get(rest[..special]) : Encoding.UTF8.GetString(rest[..special]);
        }

        ScratchClear();
        while (true)
        {
            if (_position >= _input.Length)
            {
                Fail(quote == '"' ? "Unterminated string" : "Unterminated quoted symbol", start - 1);
            }

            var c = _input[_position];
            if (c == quote)
            {
                _position++;
                break;
            }

            if (c == '\\')
            {
                ReadEscape(clob: false);
            }
            else if (c < 0x20 && c is not (byte)'\t' and not (byte)'\v' and not (byte)'\f')
            {
                Fail(c is (byte)'\n' or (byte)'\r' ? "A newline is not allowed in a short string or quoted symbol" : $"Unescaped {Describe(c)} in a string");
            }
            else
            {
                ScratchAppend(c);
                _position++;
            }
        }

        return Encoding.UTF8.GetString(ScratchSpan);
    }

    /// <summary>Reads one or more adjacent long strings <c>'''...'''</c> and concatenates them.</summary>
    private string ReadLongStrings()
    {
        ScratchClear();
        while (true)
        {
            ReadLongStringBody(clob: false);
            var afterString = _position;
            SkipWhitespaceAndComments();
            if (!IsTripleQuote(_position))
            {
                _position = afterString;
                break;
            }
        }

        return Encoding.UTF8.GetString(ScratchSpan);
    }

    /// <summary>Appends the content of one long string (position at its opening <c>'''</c>) to the scratch buffer.</summary>
    private void ReadLongStringBody(bool clob)
    {
        var start = _position;
        _position += 3;
        while (true)
        {
            if (_position >= _input.Length)
            {
                Fail("Unterminated long string", start);
            }

            var c = _input[_position];
            if (c == '\'' && IsTripleQuote(_position))
            {
                _position += 3;
                return;
            }

            if (c == '\\')
            {
                ReadEscape(clob);
            }
            else if (c == '\r')
            {
                // Raw CR LF and lone CR are both normalized to LF.
                ScratchAppend((byte)'\n');
                _position += Peek(1) == '\n' ? 2 : 1;
            }
            else if (c < 0x20 && c is not (byte)'\t' and not (byte)'\v' and not (byte)'\f' and not (byte)'\n')
            {
                Fail($"Unescaped {Describe(c)} in a long string");
            }
            else if (clob && c >= 0x80)
            {
                Fail("A clob may only contain ASCII characters");
            }
            else
            {
                ScratchAppend(c);
                _position++;
            }
        }
    }

    /// <summary>Decodes one escape sequence (position at the backslash) into the scratch buffer as UTF-8 (or a byte in a clob).</summary>
    private void ReadEscape(bool clob)
    {
        var escapeStart = _position;
        var c = Peek(1);
        _position += 2;
        int codePoint;
        switch (c)
        {
            case 'a': codePoint = 0x07; break;
            case 'b': codePoint = 0x08; break;
            case 't': codePoint = 0x09; break;
            case 'n': codePoint = 0x0A; break;
            case 'v': codePoint = 0x0B; break;
            case 'f': codePoint = 0x0C; break;
            case 'r': codePoint = 0x0D; break;
            case '0': codePoint = 0x00; break;
            case '"' or '\'' or '?' or '\\' or '/': codePoint = c; break;
            case '\n':
                return; // Backslash-newline is a line continuation and produces nothing.
            case '\r':
                if (Peek() == '\n')
                {
                    _position++;
                }

                return;
            case 'x':
                codePoint = ReadHexDigits(2, escapeStart);
                break;
            case 'u' when !clob:
                codePoint = ReadHexDigits(4, escapeStart);
                if (char.IsHighSurrogate((char)codePoint))
                {
                    if (Peek() != '\\' || Peek(1) != 'u')
                    {
                        Fail("An escaped high surrogate must be followed by an escaped low surrogate", escapeStart);
                    }

                    var lowStart = _position;
                    _position += 2;
                    var low = ReadHexDigits(4, lowStart);
                    if (!char.IsLowSurrogate((char)low))
                    {
                        Fail("An escaped high surrogate must be followed by an escaped low surrogate", escapeStart);
                    }

                    codePoint = char.ConvertToUtf32((char)codePoint, (char)low);
                }
                else if (char.IsLowSurrogate((char)codePoint))
                {
                    Fail("An escaped low surrogate has no preceding high surrogate", escapeStart);
                }

                break;
            case 'U' when !clob:
                codePoint = ReadHexDigits(8, escapeStart);
                if (codePoint is < 0 or > 0x10FFFF || (codePoint is >= 0xD800 and <= 0xDFFF))
                {
                    Fail("Escaped code point is not a Unicode scalar value", escapeStart);
                }

                break;
            default:
                Fail(c == EndOfInput ? "Unterminated escape sequence" : $"Invalid escape sequence '\\{(char)c}'", escapeStart);
                return;
        }

        if (clob)
        {
            ScratchAppend((byte)codePoint);
            return;
        }

        Span<byte> utf8 = stackalloc byte[4];
        var length = new Rune(codePoint).EncodeToUtf8(utf8);
        ScratchAppend(utf8[..length]);
    }

    private int ReadHexDigits(int count, int escapeStart)
    {
        var value = 0;
        for (var i = 0; i < count; i++)
        {
            var c = Peek();
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                Fail($"Escape sequence needs {count} hex digits", escapeStart);
            }

            value = (int)(((uint)value << 4) | (uint)digit);
            _position++;
        }

        return value;
    }

    // ---------------------------------------------------------------- blobs and clobs

    private IonValue ReadLob()
    {
        var start = _position;
        _position += 2; // {{
        SkipLobWhitespace();
        var c = Peek();
        IonValue value;
        if (c == '"')
        {
            value = IonClob.Of(ReadShortClob());
            SkipLobWhitespace();
        }
        else if (c == '\'' && IsTripleQuote(_position))
        {
            ScratchClear();
            while (IsTripleQuote(_position))
            {
                ReadLongStringBody(clob: true);
                SkipLobWhitespace();
            }

            value = IonClob.Of(ImmutableArray.Create(ScratchSpan.ToArray()));
        }
        else
        {
            value = ReadBlobBody(start);
        }

        if (Peek() != '}' || Peek(1) != '}')
        {
            Fail($"Unexpected {Describe(Peek())} in a lob; expected '}}}}'");
        }

        _position += 2;
        return value;
    }

    private void SkipLobWhitespace()
    {
        while (IsWhitespace(Peek()))
        {
            _position++;
        }
    }

    private ImmutableArray<byte> ReadShortClob()
    {
        var start = _position;
        _position++;
        ScratchClear();
        while (true)
        {
            var c = Peek();
            if (c == EndOfInput)
            {
                Fail("Unterminated clob string", start);
            }

            if (c == '"')
            {
                _position++;
                break;
            }

            if (c == '\\')
            {
                ReadEscape(clob: true);
            }
            else if ((c < 0x20 && c is not '\t' and not '\v' and not '\f') || c >= 0x80)
            {
                Fail(c >= 0x80 ? "A clob may only contain ASCII characters" : $"Unescaped {Describe(c)} in a clob");
            }
            else
            {
                ScratchAppend((byte)c);
                _position++;
            }
        }

        return ImmutableArray.Create(ScratchSpan.ToArray());
    }

    private IonBlob ReadBlobBody(int start)
    {
        ScratchClear();
        while (true)
        {
            var c = Peek();
            if (c == '}' || c == EndOfInput)
            {
                break;
            }

            if (IsWhitespace(c))
            {
                _position++;
                continue;
            }

            if (!(IsAsciiLetter(c) || IsAsciiDigit(c) || c is '+' or '/' or '='))
            {
                Fail($"Unexpected {Describe(c)} in a blob; expected base64");
            }

            ScratchAppend((byte)c);
            _position++;
        }

        var encoded = ScratchSpan;
        if (encoded.Length % 4 != 0)
        {
            Fail("Blob base64 length is not a multiple of 4", start);
        }

        var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
        var status = Base64.DecodeFromUtf8(encoded, decoded, out var consumed, out var written, isFinalBlock: true);
        if (status != OperationStatus.Done || consumed != encoded.Length)
        {
            Fail("Invalid base64 in a blob", start);
        }

        return IonBlob.Of(ImmutableArray.Create(decoded, 0, written));
    }
}
