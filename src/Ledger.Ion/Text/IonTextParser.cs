using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Ledger.Ion.Text;

/// <summary>
/// A recursive-descent parser for Ion 1.0 text over UTF-8 bytes that materializes every top-level user value.
/// System values (version markers, local symbol tables, <c>$ion_1_0</c> no-ops) are applied and skipped.
/// </summary>
/// <remarks>Nesting is bounded by <see cref="IonTextReaderOptions.MaxDepth"/>, so recursion depth is bounded too.</remarks>
internal ref partial struct IonTextParser
{
    private const int EndOfInput = -1;
    private readonly ReadOnlySpan<byte> _input;
    private readonly int _maxDepth;
    private readonly SymbolTable _symbols;
    private int _position;
    private readonly TextInternCache _interned;
    private readonly List<IonValue> _valueStack;
    private readonly List<IonField> _fieldStack;
    private byte[] _scratch;
    private int _scratchLength;

    private enum Context : byte
    {
        TopLevel,
        List,
        Sexp,
        Struct,
    }

    public IonTextParser(ReadOnlySpan<byte> input, IonTextReaderOptions options)
    {
        _input = input;
        _maxDepth = options.MaxDepth;
        _symbols = new SymbolTable();
        _position = 0;
        _scratch = [];
        _scratchLength = 0;
        _interned = new TextInternCache();
        _valueStack = new List<IonValue>(64);
        _fieldStack = new List<IonField>(64);
    }

    /// <summary>Parses every top-level user value.</summary>
    public ImmutableArray<IonValue> ParseAll()
    {
        ValidateUtf8();
        var values = ImmutableArray.CreateBuilder<IonValue>();
        try
        {
            while (true)
            {
                SkipWhitespaceAndComments();
                if (_position >= _input.Length)
                {
                    break;
                }

                var value = ReadValue(Context.TopLevel, depth: 0);
                if (value is null)
                {
                    continue;
                }

                if (IsLocalSymbolTable(value))
                {
                    var error = _symbols.ApplyLocalSymbolTable(value);
                    if (error is not null)
                    {
                        Fail(error);
                    }

                    continue;
                }

                if (value is IonSymbol { Text: "$ion_1_0", HasAnnotations: false })
                {
                    continue; // A symbol value spelled like the version marker but not one: a no-op.
                }

                values.Add(value);
            }
        }
        finally
        {
            ReturnScratch();
        }

        return values.DrainToImmutable();
    }

    private static bool IsLocalSymbolTable(IonValue value) =>
        value.Type == IonType.Struct && value.HasAnnotations && value.Annotations[0].Text == "$ion_symbol_table";

    private void ValidateUtf8()
    {
        if (!System.Text.Unicode.Utf8.IsValid(_input))
        {
            var decoder = Encoding.UTF8;
            var valid = 0;
            while (valid < _input.Length)
            {
                var status = Rune.DecodeFromUtf8(_input[valid..], out _, out var consumed);
                if (status != OperationStatus.Done)
                {
                    break;
                }

                valid += consumed;
            }

            _position = valid;
            _ = decoder;
            Fail("Invalid UTF-8 byte sequence");
        }
    }

    // ---------------------------------------------------------------- values

    /// <summary>Reads one value with its annotations; returns null for a version marker.</summary>
    private IonValue? ReadValue(Context context, int depth)
    {
        ImmutableArray<SymbolToken>.Builder? annotations = null;
        while (true)
        {
            var c = Peek();
            IonValue? value;
            if (c == '\'' && !IsTripleQuote(_position))
            {
                var text = ReadQuotedSymbol();
                if (TryConsumeAnnotationSeparator())
                {
                    (annotations ??= ImmutableArray.CreateBuilder<SymbolToken>()).Add(SymbolToken.Of(text));
                    continue;
                }

                value = IonSymbol.Of(text);
            }
            else if (IonSymbols.IsIdentifierStart(c))
            {
                var start = _position;
                var identifier = ReadIdentifierBytes();
                if (TryConsumeAnnotationSeparator())
                {
                    (annotations ??= ImmutableArray.CreateBuilder<SymbolToken>()).Add(AnnotationFromIdentifier(identifier, start));
                    continue;
                }

                value = ValueFromIdentifier(identifier, start, context, annotations is null && context == Context.TopLevel, out var isVersionMarker);
                if (isVersionMarker)
                {
                    return null;
                }
            }
            else
            {
                value = ReadNonSymbolValue(c, context, depth);
            }

            if (annotations is not null)
            {
                value = value.WithAnnotations(annotations.DrainToImmutable());
            }

            return value;
        }
    }

    private IonValue ReadNonSymbolValue(int c, Context context, int depth)
    {
        switch (c)
        {
            case '"':
                return IonString.CreateTrusted(ReadShortString());
            case '\'':
                return IonString.CreateTrusted(ReadLongStrings());
            case '[':
                return ReadList(context, depth + 1);
            case '(':
                return ReadSexp(depth + 1);
            case '{':
                return Peek(1) == '{' ? ReadLob() : ReadStruct(depth + 1);
            case '-':
                if (IsAsciiDigit(Peek(1)))
                {
                    return ReadNumberOrTimestamp(context);
                }

                if (TryReadInfinity(context, out var negativeInfinity))
                {
                    return negativeInfinity;
                }

                break;
            case '+':
                if (TryReadInfinity(context, out var positiveInfinity))
                {
                    return positiveInfinity;
                }

                break;
            case EndOfInput:
                Fail("Unexpected end of input; a value was expected");
                break;
            default:
                if (IsAsciiDigit(c))
                {
                    return ReadNumberOrTimestamp(context);
                }

                break;
        }

        if (context == Context.Sexp && IonSymbols.IsOperatorChar(c))
        {
            return ReadOperator();
        }

        Fail(IonSymbols.IsOperatorChar(c)
            ? $"Operator character '{(char)c}' is only allowed inside an s-expression"
            : $"Unexpected {Describe(c)}; a value was expected");
        return null;
    }

    private IonValue ReadOperator()
    {
        var start = _position;
        while (_position < _input.Length && IonSymbols.IsOperatorChar(_input[_position]) && !IsCommentStart(_position))
        {
            _position++;
        }

        var text = Encoding.ASCII.GetString(_input[start.._position]);
        if (TryConsumeAnnotationSeparator())
        {
            _position = start;
            Fail("An operator cannot be an annotation unless it is quoted");
        }

        return IonSymbol.Of(text);
    }

    private bool TryReadInfinity(Context context, [NotNullWhen(true)] out IonValue? value)
    {
        value = null;
        if (!_input[_position..].StartsWith("+inf"u8) && !_input[_position..].StartsWith("-inf"u8))
        {
            return false;
        }

        var end = _position + 4;
        if (!IsValueTerminator(end, allowOperator: false, allowColon: false))
        {
            return false;
        }

        value = IonFloat.Of(_input[_position] == '-' ? double.NegativeInfinity : double.PositiveInfinity);
        _position = end;
        return true;
    }

    private IonValue ValueFromIdentifier(ReadOnlySpan<byte> identifier, int start, Context context, bool unannotatedTopLevel, out bool isVersionMarker)
    {
        isVersionMarker = false;
        IonValue value;
        switch (identifier.Length)
        {
            case 3 when identifier.SequenceEqual("nan"u8):
                value = IonFloat.Of(double.NaN);
                break;
            case 4 when identifier.SequenceEqual("true"u8):
                value = IonBool.True;
                break;
            case 5 when identifier.SequenceEqual("false"u8):
                value = IonBool.False;
                break;
            case 4 when identifier.SequenceEqual("null"u8):
                value = ReadNullType(start);
                break;
            default:
                if (identifier[0] == '$' && IsSidLiteral(identifier))
                {
                    value = IonSymbol.Of(ResolveSid(identifier, start));
                    break;
                }

                var text = _interned.Get(identifier);
                if (unannotatedTopLevel && identifier.StartsWith("$ion_"u8) && IonSymbols.IsVersionMarkerSpelling(text))
                {
                    if (text != "$ion_1_0")
                    {
                        _position = start;
                        Fail($"Unsupported Ion version marker {text}");
                    }

                    _symbols.Reset();
                    isVersionMarker = true;
                }

                value = IonSymbol.Of(text);
                break;
        }

        if (!IsValueTerminator(_position, allowOperator: context == Context.Sexp, allowColon: true))
        {
            Fail($"Unexpected {Describe(Peek())} after '{Encoding.ASCII.GetString(_input[start.._position])}'");
        }

        return value;
    }

    private IonNull ReadNullType(int start)
    {
        if (Peek() != '.')
        {
            return IonNull.Null;
        }

        _position++;
        var typeStart = _position;
        while (_position < _input.Length && IsAsciiLetter(_input[_position]))
        {
            _position++;
        }

        var type = _input[typeStart.._position] switch
        {
            var t when t.SequenceEqual("null"u8) => IonType.Null,
            var t when t.SequenceEqual("bool"u8) => IonType.Bool,
            var t when t.SequenceEqual("int"u8) => IonType.Int,
            var t when t.SequenceEqual("float"u8) => IonType.Float,
            var t when t.SequenceEqual("decimal"u8) => IonType.Decimal,
            var t when t.SequenceEqual("timestamp"u8) => IonType.Timestamp,
            var t when t.SequenceEqual("symbol"u8) => IonType.Symbol,
            var t when t.SequenceEqual("string"u8) => IonType.String,
            var t when t.SequenceEqual("clob"u8) => IonType.Clob,
            var t when t.SequenceEqual("blob"u8) => IonType.Blob,
            var t when t.SequenceEqual("list"u8) => IonType.List,
            var t when t.SequenceEqual("sexp"u8) => IonType.Sexp,
            var t when t.SequenceEqual("struct"u8) => IonType.Struct,
            _ => (IonType)255,
        };
        if (type == (IonType)255 || (_position < _input.Length && IonSymbols.IsIdentifierPart(_input[_position])))
        {
            _position = start;
            Fail("Invalid typed null; expected null.<type>");
        }

        return IonNull.Of(type);
    }

    private SymbolToken AnnotationFromIdentifier(ReadOnlySpan<byte> identifier, int start)
    {
        if (IsKeyword(identifier))
        {
            _position = start;
            Fail($"Keyword '{Encoding.ASCII.GetString(identifier)}' cannot be an annotation unless it is quoted");
        }

        return identifier[0] == '$' && IsSidLiteral(identifier)
            ? ResolveSid(identifier, start)
            : SymbolToken.Of(_interned.Get(identifier));
    }

    private SymbolToken ResolveSid(ReadOnlySpan<byte> identifier, int start)
    {
        long sid = 0;
        foreach (var digit in identifier[1..])
        {
            sid = (sid * 10) + (digit - '0');
            if (sid > int.MaxValue)
            {
                break;
            }
        }

        if (!_symbols.TryResolve(sid, out var text))
        {
            _position = start;
            Fail($"Symbol ID {Encoding.ASCII.GetString(identifier)} is not defined by the current symbol table (max id {_symbols.MaxId})");
        }

        return new SymbolToken(text, (int)sid);
    }

    private static bool IsSidLiteral(ReadOnlySpan<byte> identifier)
    {
        if (identifier.Length < 2)
        {
            return false;
        }

        foreach (var b in identifier[1..])
        {
            if (!IsAsciiDigit(b))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsKeyword(ReadOnlySpan<byte> identifier) =>
        identifier.Length is >= 3 and <= 5 && identifier[0] is (byte)'n' or (byte)'t' or (byte)'f' && (identifier.SequenceEqual("null"u8) || identifier.SequenceEqual("true"u8) || identifier.SequenceEqual("false"u8) ||
        identifier.SequenceEqual("nan"u8));

    private ReadOnlySpan<byte> ReadIdentifierBytes()
    {
        var start = _position;
        _position++;
        while (_position < _input.Length && IonSymbols.IsIdentifierPart(_input[_position]))
        {
            _position++;
        }

        return _input[start.._position];
    }

    /// <summary>After a symbol token: consumes whitespace and <c>::</c> when present.</summary>
    private bool TryConsumeAnnotationSeparator()
    {
        var afterToken = _position;
        SkipWhitespaceAndComments();
        if (Peek() == ':' && Peek(1) == ':')
        {
            _position += 2;
            SkipWhitespaceAndComments();
            return true;
        }

        // Whitespace is insignificant, but rewinding keeps the position exact for terminator checks.
        _position = afterToken;
        return false;
    }

    // ---------------------------------------------------------------- containers

    private void EnterContainer(int depth)
    {
        if (depth > _maxDepth)
        {
            Fail($"Nesting depth exceeds the maximum of {_maxDepth}");
        }
    }

    private IonList ReadList(Context parent, int depth)
    {
        EnterContainer(depth);
        _position++; // '['
        var mark = _valueStack.Count;
        while (true)
        {
            SkipWhitespaceAndComments();
            if (Peek() == ']')
            {
                _position++;
                break;
            }

            _valueStack.Add(ReadValue(Context.List, depth)!);
            SkipWhitespaceAndComments();
            var c = Peek();
            if (c == ',')
            {
                _position++;
            }
            else if (c != ']')
            {
                Fail($"Unexpected {Describe(c)} in a list; expected ',' or ']'");
            }
        }

        _ = parent;
        return IonList.Of(TakeValues(mark));
    }

    private IonSexp ReadSexp(int depth)
    {
        EnterContainer(depth);
        _position++; // '('
        var mark = _valueStack.Count;
        while (true)
        {
            SkipWhitespaceAndComments();
            var c = Peek();
            if (c == ')')
            {
                _position++;
                break;
            }

            if (c is ']' or '}' or ',' or EndOfInput)
            {
                Fail($"Unexpected {Describe(c)} in an s-expression; expected a value or ')'");
            }

            _valueStack.Add(ReadValue(Context.Sexp, depth)!);
        }

        return IonSexp.Of(TakeValues(mark));
    }

    private IonStruct ReadStruct(int depth)
    {
        EnterContainer(depth);
        _position++; // '{'
        var mark = _fieldStack.Count;
        while (true)
        {
            SkipWhitespaceAndComments();
            if (Peek() == '}')
            {
                _position++;
                break;
            }

            var name = ReadFieldName();
            SkipWhitespaceAndComments();
            if (Peek() != ':' || Peek(1) == ':')
            {
                Fail($"Unexpected {Describe(Peek())} after a field name; expected ':'");
            }

            _position++;
            SkipWhitespaceAndComments();
            _fieldStack.Add(new IonField(name, ReadValue(Context.Struct, depth)!));
            SkipWhitespaceAndComments();
            var c = Peek();
            if (c == ',')
            {
                _position++;
            }
            else if (c != '}')
            {
                Fail($"Unexpected {Describe(c)} in a struct; expected ',' or '}}'");
            }
        }

        return IonStruct.Of(TakeFields(mark));
    }

    // Children of all open containers share one stack; a closing container moves its own run into an exact-size array.
    private readonly ImmutableArray<IonValue> TakeValues(int mark)
    {
        var count = _valueStack.Count - mark;
        if (count == 0)
        {
            return [];
        }

        var array = new IonValue[count];
        _valueStack.CopyTo(mark, array, 0, count);
        _valueStack.RemoveRange(mark, count);
        return ImmutableCollectionsMarshal.AsImmutableArray(array);
    }

    private readonly ImmutableArray<IonField> TakeFields(int mark)
    {
        var count = _fieldStack.Count - mark;
        if (count == 0)
        {
            return [];
        }

        var array = new IonField[count];
        _fieldStack.CopyTo(mark, array, 0, count);
        _fieldStack.RemoveRange(mark, count);
        return ImmutableCollectionsMarshal.AsImmutableArray(array);
    }

    private SymbolToken ReadFieldName()
    {
        var c = Peek();
        if (c == '"')
        {
            return SymbolToken.Of(ReadShortString(intern: true));
        }

        if (c == '\'')
        {
            return SymbolToken.Of(IsTripleQuote(_position) ? ReadLongStrings() : ReadQuotedSymbol());
        }

        if (IonSymbols.IsIdentifierStart(c))
        {
            var start = _position;
            var identifier = ReadIdentifierBytes();
            if (IsKeyword(identifier))
            {
                _position = start;
                Fail($"Keyword '{Encoding.ASCII.GetString(identifier)}' cannot be a field name unless it is quoted");
            }

            return identifier[0] == '$' && IsSidLiteral(identifier)
                ? ResolveSid(identifier, start)
                : SymbolToken.Of(_interned.Get(identifier));
        }

        Fail($"Unexpected {Describe(c)}; expected a field name");
        return default;
    }

    // ---------------------------------------------------------------- lexical helpers

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly int Peek() => _position < _input.Length ? _input[_position] : EndOfInput;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly int Peek(int ahead) => _position + ahead < _input.Length ? _input[_position + ahead] : EndOfInput;

    private static bool IsAsciiDigit(int c) => (uint)(c - '0') <= 9;

    private static bool IsAsciiLetter(int c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';

    private static bool IsWhitespace(int c) => c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f';

    private readonly bool IsTripleQuote(int position) =>
        position + 2 < _input.Length && _input[position] == '\'' && _input[position + 1] == '\'' && _input[position + 2] == '\'';

    private readonly bool IsCommentStart(int position) =>
        position + 1 < _input.Length && _input[position] == '/' && _input[position + 1] is (byte)'/' or (byte)'*';

    /// <summary>
    /// True when a number, keyword or identifier may end at <paramref name="position"/>: end of input,
    /// whitespace, a comment or a delimiter (and, for identifiers in an s-expression, an operator).
    /// </summary>
    private readonly bool IsValueTerminator(int position, bool allowOperator, bool allowColon)
    {
        if (position >= _input.Length)
        {
            return true;
        }

        var c = _input[position];
        if (IsWhitespace(c) || IsCommentStart(position))
        {
            return true;
        }

        return c switch
        {
            (byte)'{' or (byte)'}' or (byte)'[' or (byte)']' or (byte)'(' or (byte)')' or (byte)',' or (byte)'"' or (byte)'\'' => true,
            (byte)':' => allowColon,
            _ => allowOperator && IonSymbols.IsOperatorChar(c),
        };
    }

    private void SkipWhitespaceAndComments()
    {
        var input = _input;
        var position = _position;
        while (position < input.Length)
        {
            var c = input[position];
            if (IsWhitespace(c))
            {
                position++;
            }
            else if (c == '/' && position + 1 < input.Length && input[position + 1] == '/')
            {
                var newline = input[position..].IndexOfAny((byte)'\n', (byte)'\r');
                position = newline < 0 ? input.Length : position + newline;
            }
            else if (c == '/' && position + 1 < input.Length && input[position + 1] == '*')
            {
                var end = input[(position + 2)..].IndexOf("*/"u8);
                if (end < 0)
                {
                    _position = position;
                    Fail("Unterminated block comment");
                }

                position += 2 + end + 2;
            }
            else
            {
                break;
            }
        }

        _position = position;
    }

    private readonly string Describe(int c) => c switch
    {
        EndOfInput => "end of input",
        < 0x20 or 0x7F => $"control character 0x{c:X2}",
        < 0x80 => $"character '{(char)c}'",
        _ => "non-ASCII character",
    };

    [DoesNotReturn]
    private readonly void Fail(string message) => Fail(message, _position);

    [DoesNotReturn]
    private readonly void Fail(string message, int position)
    {
        var (line, column) = LineAndColumn(_input, Math.Min(position, _input.Length));
        ThrowHelper.ThrowText(message, line, column);
    }

    /// <summary>1-based line and column (in bytes) of a byte position; LF, CR LF and lone CR end lines.</summary>
    internal static (long Line, long Column) LineAndColumn(ReadOnlySpan<byte> input, int position)
    {
        long line = 1;
        var lineStart = 0;
        for (var i = 0; i < position; i++)
        {
            var c = input[i];
            if (c == '\n' || (c == '\r' && (i + 1 >= input.Length || input[i + 1] != '\n')))
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, position - lineStart + 1);
    }

    // ---------------------------------------------------------------- scratch buffer

    private void ScratchClear() => _scratchLength = 0;

    private void ScratchAppend(byte value)
    {
        if (_scratchLength == _scratch.Length)
        {
            GrowScratch(1);
        }

        _scratch[_scratchLength++] = value;
    }

    private void ScratchAppend(scoped ReadOnlySpan<byte> values)
    {
        if (_scratchLength + values.Length > _scratch.Length)
        {
            GrowScratch(values.Length);
        }

        values.CopyTo(_scratch.AsSpan(_scratchLength));
        _scratchLength += values.Length;
    }

    private readonly ReadOnlySpan<byte> ScratchSpan => _scratch.AsSpan(0, _scratchLength);

    private void GrowScratch(int needed)
    {
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(256, Math.Max(_scratch.Length * 2, _scratchLength + needed)));
        _scratch.AsSpan(0, _scratchLength).CopyTo(next);
        ReturnScratch();
        _scratch = next;
    }

    private void ReturnScratch()
    {
        if (_scratch.Length > 0)
        {
            _scratch.AsSpan(0, _scratchLength).Clear();
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = [];
        }
    }
}
