using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using System.Text.Unicode;

namespace Ledger.Ion.Binary;

/// <summary>
/// Writes Ion values as one Ion 1.0 binary stream: the version marker, one local symbol table listing the
/// symbols the values use (when they use any beyond the system table), then the values in minimal encodings.
/// </summary>
/// <remarks>
/// Ion binary prefixes every container with its length, so writing takes two passes: the first interns
/// symbols and records the length of every container and annotation wrapper in pre-order, the second writes
/// into a buffer of the exact total size.
/// </remarks>
internal sealed class IonBinaryWriter
{
    private static ReadOnlySpan<byte> VersionMarker => [0xE0, 0x01, 0x00, 0xEA];

    private static readonly string[] s_systemSymbols =
        ["$ion", "$ion_1_0", "$ion_symbol_table", "name", "version", "imports", "symbols", "max_id", "$ion_shared_symbol_table"];

    private readonly Dictionary<string, int> _symbolIds = new(StringComparer.Ordinal);
    private readonly List<IonValue> _localSymbols = [];
    private readonly List<int> _lengths = [];
    private int _nextLength;
    private int _unknownTextSid = -1;

    public IonBinaryWriter()
    {
        for (var i = 0; i < s_systemSymbols.Length; i++)
        {
            _symbolIds[s_systemSymbols[i]] = i + 1;
        }
    }

    /// <summary>Encodes <paramref name="values"/> as a complete binary stream.</summary>
    public byte[] WriteStream(IReadOnlyList<IonValue> values)
    {
        foreach (var value in values)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(values));
            Intern(value);
        }

        IonValue? symbolTable = null;
        if (_localSymbols.Count > 0)
        {
            symbolTable = IonStruct.Of(new IonField("symbols", IonList.Of(_localSymbols)))
                .WithAnnotations(SymbolToken.Of("$ion_symbol_table"));
        }

        long total = VersionMarker.Length;
        if (symbolTable is not null)
        {
            total += Measure(symbolTable);
        }

        foreach (var value in values)
        {
            total += Measure(value);
        }

        if (total > Array.MaxLength)
        {
            throw new IonException($"The binary encoding would take {total} bytes, more than an array can hold.");
        }

        var output = new byte[total];
        VersionMarker.CopyTo(output);
        var position = VersionMarker.Length;
        _nextLength = 0;
        if (symbolTable is not null)
        {
            position += Write(symbolTable, output.AsSpan(position));
        }

        foreach (var value in values)
        {
            position += Write(value, output.AsSpan(position));
        }

        return output;
    }

    private void Intern(IonValue value)
    {
        foreach (var annotation in value.Annotations)
        {
            InternToken(annotation);
        }

        switch (value)
        {
            case IonSymbol symbol when !symbol.IsNull:
                InternToken(symbol.Token);
                break;
            case IonSequence sequence:
                foreach (var element in sequence.Elements)
                {
                    Intern(element);
                }

                break;
            case IonStruct @struct:
                foreach (var field in @struct.Fields)
                {
                    InternToken(field.Name);
                    Intern(field.Value);
                }

                break;
        }
    }

    private void InternToken(SymbolToken token)
    {
        if (token.Text is { } text)
        {
            if (!_symbolIds.ContainsKey(text))
            {
                _symbolIds[text] = s_systemSymbols.Length + 1 + _localSymbols.Count;
                _localSymbols.Add(IonString.Of(text));
            }
        }
        else if (token.Sid != 0 && _unknownTextSid < 0)
        {
            // Unknown text other than $0 stays unknown: it becomes a gap (a non-string entry) in the local table.
            _unknownTextSid = s_systemSymbols.Length + 1 + _localSymbols.Count;
            _localSymbols.Add(IonNull.Null);
        }
    }

    private int SidOf(SymbolToken token) =>
        token.Text is { } text ? _symbolIds[text] : token.Sid == 0 ? 0 : _unknownTextSid;

    private static int HeaderLength(long length) =>
        length < 14 ? 1 : 1 + IonBinaryPrimitives.GetVarUIntLength((ulong)length);

    /// <summary>Deepest nesting written; deeper trees (only constructible in code) fail instead of overflowing the stack.</summary>
    public const int MaxDepth = 1000;

    private int _depth;

    /// <summary>Pass 1: the encoded size of a value, recording container and wrapper lengths in pre-order.</summary>
    private long Measure(IonValue value)
    {
        if (++_depth > MaxDepth)
        {
            throw new IonException($"Cannot write values nested deeper than {MaxDepth} levels.");
        }

        try
        {
            return MeasureValue(value);
        }
        finally
        {
            _depth--;
        }
    }

    private long MeasureValue(IonValue value)
    {
        var wrapperSlot = -1;
        if (value.HasAnnotations)
        {
            wrapperSlot = _lengths.Count;
            _lengths.Add(0);
        }

        var length = MeasureContent(value);
        if (wrapperSlot < 0)
        {
            return length;
        }

        long annotationsLength = 0;
        foreach (var annotation in value.Annotations)
        {
            annotationsLength += IonBinaryPrimitives.GetVarUIntLength((ulong)SidOf(annotation));
        }

        var wrapperContent = IonBinaryPrimitives.GetVarUIntLength((ulong)annotationsLength) + annotationsLength + length;
        _lengths[wrapperSlot] = CheckedLength(wrapperContent);
        return HeaderLength(wrapperContent) + wrapperContent;
    }

    private long MeasureContent(IonValue value)
    {
        if (value.IsNull)
        {
            return 1;
        }

        switch (value)
        {
            case IonBool:
                return 1;
            case IonInt i:
                return ScalarLength(IntMagnitudeLength(i));
            case IonFloat f:
                return BitConverter.DoubleToInt64Bits(f.Value) == 0 ? 1 : 9;
            case IonDecimalValue d:
                return ScalarLength(DecimalLength(d.Value));
            case IonTimestampValue t:
                return ScalarLength(IonTimestampEncoding.GetLength(t.Value));
            case IonSymbol s:
                return ScalarLength(IonBinaryPrimitives.GetUIntLength((ulong)SidOf(s.Token)));
            case IonString s:
                return ScalarLength(Encoding.UTF8.GetByteCount(s.Value));
            case IonLob lob:
                return ScalarLength(lob.Bytes.Length);
            case IonSequence sequence:
                {
                    var slot = _lengths.Count;
                    _lengths.Add(0);
                    long content = 0;
                    foreach (var element in sequence.Elements)
                    {
                        content += Measure(element);
                    }

                    _lengths[slot] = CheckedLength(content);
                    return HeaderLength(content) + content;
                }

            case IonStruct @struct:
                {
                    var slot = _lengths.Count;
                    _lengths.Add(0);
                    long content = 0;
                    foreach (var field in @struct.Fields)
                    {
                        content += IonBinaryPrimitives.GetVarUIntLength((ulong)SidOf(field.Name)) + Measure(field.Value);
                    }

                    _lengths[slot] = CheckedLength(content);
                    return HeaderLength(content) + content;
                }

            default:
                throw new ArgumentException($"Unsupported Ion value type {value.GetType().Name}.", nameof(value));
        }
    }

    private static long ScalarLength(long representationLength) => HeaderLength(representationLength) + representationLength;

    private static int CheckedLength(long length) =>
        length <= Array.MaxLength ? (int)length : throw new IonException("A container is too large to encode.");

    private static int IntMagnitudeLength(IonInt value) =>
        value.TryGetInt64(out var small)
            ? IonBinaryPrimitives.GetUIntLength(Magnitude(small))
            : IonBinaryPrimitives.GetUIntLength(BigInteger.Abs(value.Value));

    private static ulong Magnitude(long value) => value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value;

    private static int DecimalLength(IonDecimal value)
    {
        if (value.Coefficient.IsZero && !value.IsNegativeZero && value.Exponent == 0)
        {
            return 0;
        }

        return IonBinaryPrimitives.GetVarIntLength(Magnitude(value.Exponent))
            + IonBinaryPrimitives.GetIntLength(BigInteger.Abs(value.Coefficient), value.IsNegative);
    }

    /// <summary>Pass 2: writes a value (consuming recorded lengths in the same pre-order); returns the bytes written.</summary>
    private int Write(IonValue value, Span<byte> destination)
    {
        if (!value.HasAnnotations)
        {
            return WriteContent(value, destination);
        }

        var wrapperContent = _lengths[_nextLength++];
        var position = WriteHeader(destination, 0xE, wrapperContent);
        var annotationsLength = 0;
        foreach (var annotation in value.Annotations)
        {
            annotationsLength += IonBinaryPrimitives.GetVarUIntLength((ulong)SidOf(annotation));
        }

        position += IonBinaryPrimitives.WriteVarUInt(destination[position..], (ulong)annotationsLength);
        foreach (var annotation in value.Annotations)
        {
            position += IonBinaryPrimitives.WriteVarUInt(destination[position..], (ulong)SidOf(annotation));
        }

        return position + WriteContent(value, destination[position..]);
    }

    private int WriteContent(IonValue value, Span<byte> destination)
    {
        if (value.IsNull)
        {
            destination[0] = value.Type == IonType.Null ? (byte)0x0F : (byte)((IonBinaryPrimitives.TypeCode(value.Type) << 4) | 0x0F);
            return 1;
        }

        switch (value)
        {
            case IonBool b:
                destination[0] = b.Value ? (byte)0x11 : (byte)0x10;
                return 1;
            case IonInt i:
                {
                    var isNegative = i.Sign < 0;
                    var length = IntMagnitudeLength(i);
                    var position = WriteHeader(destination, isNegative ? 3 : 2, length);
                    return position + (i.TryGetInt64(out var small)
                        ? IonBinaryPrimitives.WriteUInt(destination[position..], Magnitude(small))
                        : IonBinaryPrimitives.WriteUInt(destination[position..], BigInteger.Abs(i.Value)));
                }

            case IonFloat f:
                {
                    var bits = BitConverter.DoubleToInt64Bits(f.Value);
                    if (bits == 0)
                    {
                        destination[0] = 0x40;
                        return 1;
                    }

                    destination[0] = 0x48;
                    BinaryPrimitives.WriteInt64BigEndian(destination[1..], double.IsNaN(f.Value) ? 0x7FF8000000000000 : bits);
                    return 9;
                }

            case IonDecimalValue d:
                {
                    var decimalValue = d.Value;
                    var length = DecimalLength(decimalValue);
                    var position = WriteHeader(destination, 5, length);
                    if (length == 0)
                    {
                        return position;
                    }

                    position += IonBinaryPrimitives.WriteVarInt(destination[position..], decimalValue.Exponent);
                    return position + IonBinaryPrimitives.WriteInt(destination[position..], BigInteger.Abs(decimalValue.Coefficient), decimalValue.IsNegative);
                }

            case IonTimestampValue t:
                {
                    Span<byte> scratch = stackalloc byte[IonTimestampEncoding.StackBufferSize];
                    byte[]? heap = null;
                    if (IonTimestampEncoding.NeedsHeapBuffer(t.Value, out var heapLength))
                    {
                        heap = new byte[heapLength];
                        scratch = heap;
                    }

                    var length = IonTimestampEncoding.Encode(t.Value, scratch);
                    var position = WriteHeader(destination, 6, length);
                    scratch[..length].CopyTo(destination[position..]);
                    return position + length;
                }

            case IonSymbol s:
                {
                    var sid = (ulong)SidOf(s.Token);
                    var position = WriteHeader(destination, 7, IonBinaryPrimitives.GetUIntLength(sid));
                    return position + IonBinaryPrimitives.WriteUInt(destination[position..], sid);
                }

            case IonString s:
                {
                    var length = Encoding.UTF8.GetByteCount(s.Value);
                    var position = WriteHeader(destination, 8, length);
                    if (Utf8.FromUtf16(s.Value, destination[position..], out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
                    {
                        throw new IonException("Cannot encode a string with an unpaired surrogate: it is not valid Unicode.");
                    }

                    return position + written;
                }

            case IonLob lob:
                {
                    var position = WriteHeader(destination, lob.Type == IonType.Clob ? 9 : 10, lob.Bytes.Length);
                    lob.Span.CopyTo(destination[position..]);
                    return position + lob.Bytes.Length;
                }

            case IonSequence sequence:
                {
                    var position = WriteHeader(destination, sequence.Type == IonType.List ? 11 : 12, _lengths[_nextLength++]);
                    foreach (var element in sequence.Elements)
                    {
                        position += Write(element, destination[position..]);
                    }

                    return position;
                }

            case IonStruct @struct:
                {
                    var position = WriteHeader(destination, 13, _lengths[_nextLength++]);
                    foreach (var field in @struct.Fields)
                    {
                        position += IonBinaryPrimitives.WriteVarUInt(destination[position..], (ulong)SidOf(field.Name));
                        position += Write(field.Value, destination[position..]);
                    }

                    return position;
                }

            default:
                throw new ArgumentException($"Unsupported Ion value type {value.GetType().Name}.", nameof(value));
        }
    }

    private static int WriteHeader(Span<byte> destination, int typeCode, long length)
    {
        if (length < 14)
        {
            destination[0] = (byte)((typeCode << 4) | (int)length);
            return 1;
        }

        destination[0] = (byte)((typeCode << 4) | 14);
        return 1 + IonBinaryPrimitives.WriteVarUInt(destination[1..], (ulong)length);
    }
}
