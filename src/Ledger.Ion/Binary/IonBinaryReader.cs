using System.Buffers;
using System.Runtime.CompilerServices;

namespace Ledger.Ion.Binary;

/// <summary>
/// A forward-only, allocation-light reader of Ion 1.0 binary data over a span, in the style of
/// <c>Utf8JsonReader</c>: <see cref="MoveNext"/> positions on the next user value of the current container,
/// <see cref="StepIn"/>/<see cref="StepOut"/> enter and leave containers, and the <c>Get*</c> methods decode the
/// current scalar. Version markers, local symbol tables and <c>$ion_1_0</c> no-op symbols are handled internally
/// and never surface as values. NOP padding is skipped everywhere it is legal.
/// </summary>
/// <remarks>
/// Every length is checked against its container before any byte is used, so malformed data of any size fails
/// with an <see cref="IonException"/> carrying the byte offset, never with another exception or a hang.
/// Values are validated when they are decoded, so callers that must reject bad data decode every value.
/// </remarks>
public ref partial struct IonBinaryReader
{
    /// <summary>The default limit on container and annotation nesting.</summary>
    public const int DefaultMaxDepth = 512;

    private static ReadOnlySpan<byte> VersionMarker => [0xE0, 0x01, 0x00, 0xEA];

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _maxDepth;
    private readonly IonBinarySymbolTable _symbols;
    private int _position;
    private int _containerEnd;
    private IonType _containerType;
    private int _depth;
    private Frame[] _frames;

    // The current value.
    private bool _hasValue;
    private int _valueOffset;
    private int _valueStart;
    private int _valueEnd;
    private byte _descriptor;
    private int _fieldNameSid;
    private int _annotationsStart;
    private int _annotationsEnd;

    private readonly record struct Frame(int ContainerEnd, IonType ContainerType, int ResumePosition);

    /// <summary>Creates a reader over a complete binary stream, which must start with the version marker.</summary>
    /// <param name="data">The binary data.</param>
    /// <param name="maxDepth">The nesting limit for containers.</param>
    public IonBinaryReader(ReadOnlySpan<byte> data, int maxDepth = DefaultMaxDepth)
        : this(data, maxDepth, new IonBinarySymbolTable())
    {
    }

    /// <summary>Creates a reader that reuses a symbol table object (reset here), so hot paths allocate less.</summary>
    internal IonBinaryReader(ReadOnlySpan<byte> data, int maxDepth, IonBinarySymbolTable symbols)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDepth);
        _data = data;
        _maxDepth = maxDepth;
        _symbols = symbols;
        _symbols.Reset();
        _frames = [];
        _containerEnd = data.Length;
        _fieldNameSid = -1;
        if (!data.IsEmpty && !data.StartsWith(VersionMarker))
        {
            Throw("Ion binary data must start with the version marker E0 01 00 EA", 0);
        }
    }

    /// <summary>True when <paramref name="data"/> starts with the Ion 1.0 binary version marker.</summary>
    public static bool IsIonBinary(ReadOnlySpan<byte> data) => data.StartsWith(VersionMarker);

    /// <summary>The type of the current value.</summary>
    public IonType Type { get; private set; }

    /// <summary>True when the current value is a (typed) null.</summary>
    public readonly bool IsNull => (_descriptor & 0x0F) == 0x0F;

    /// <summary>The container nesting depth of the current value (0 at the top level).</summary>
    public readonly int Depth => _depth;

    /// <summary>The byte offset of the current value's type descriptor (or field name / annotation wrapper).</summary>
    public readonly int ValueOffset => _valueOffset;

    /// <summary>True when the reader is inside a struct, so the current value has a field name.</summary>
    public readonly bool IsInStruct => _containerType == IonType.Struct && _depth > 0;

    /// <summary>True when the current value has annotations.</summary>
    public readonly bool HasAnnotations => _annotationsEnd > _annotationsStart;

    /// <summary>The raw representation bytes of the current value (after the type descriptor and length).</summary>
    public readonly ReadOnlySpan<byte> ValueBytes => _data[_valueStart.._valueEnd];

    /// <summary>Advances to the next user value of the current container; false at its end.</summary>
    public bool MoveNext()
    {
        _hasValue = false;
        while (_position < _containerEnd)
        {
            var entryStart = _position;
            _fieldNameSid = -1;
            _annotationsStart = _annotationsEnd = 0;
            if (IsInStruct)
            {
                var sid = ReadVarUIntField(_containerEnd, "field name");
                _fieldNameSid = CheckSid(sid, entryStart);
                if (_position >= _containerEnd)
                {
                    Throw("A struct field name is not followed by a value", entryStart);
                }
            }

            var descriptorOffset = _position;
            var descriptor = _data[descriptorOffset];
            if (descriptor == 0xE0 && _depth == 0 && _annotationsEnd == 0)
            {
                if (!_data[descriptorOffset..].StartsWith(VersionMarker))
                {
                    Throw("Invalid Ion version marker (only E0 01 00 EA is supported)", descriptorOffset);
                }

                _symbols.Reset();
                _position = descriptorOffset + VersionMarker.Length;
                continue;
            }

            if ((descriptor >> 4) == 0 && descriptor != 0x0F)
            {
                // NOP padding (in a struct its field name goes with it).
                _position = ReadLength(descriptorOffset, _containerEnd).End;
                continue;
            }

            _valueOffset = entryStart;
            if ((descriptor >> 4) == 0x0E)
            {
                ReadAnnotatedValue(descriptorOffset);
            }
            else
            {
                ReadValueHeader(descriptorOffset, _containerEnd);
            }

            _position = _valueEnd;
            _hasValue = true;
            if (_depth == 0 && IsSystemValue())
            {
                _hasValue = false;
                continue;
            }

            return true;
        }

        if (_position > _containerEnd)
        {
            Throw("A value runs past the end of its container", _position);
        }

        return false;
    }

    /// <summary>Enters the current list, s-expression or struct (which must not be null).</summary>
    public void StepIn()
    {
        if (!_hasValue || Type is not (IonType.List or IonType.Sexp or IonType.Struct) || IsNull)
        {
            throw new InvalidOperationException("The reader is not positioned on a non-null container.");
        }

        if (_depth >= _maxDepth)
        {
            Throw($"Nesting deeper than {_maxDepth} levels", _valueOffset);
        }

        if (_depth == _frames.Length)
        {
            Array.Resize(ref _frames, Math.Max(8, _frames.Length * 2));
        }

        _frames[_depth++] = new Frame(_containerEnd, _containerType, _valueEnd);
        _containerEnd = _valueEnd;
        _containerType = Type;
        _position = _valueStart;
        _hasValue = false;
    }

    /// <summary>Leaves the current container; the next <see cref="MoveNext"/> continues after it.</summary>
    public void StepOut()
    {
        if (_depth == 0)
        {
            throw new InvalidOperationException("The reader is at the top level.");
        }

        var frame = _frames[--_depth];
        _containerEnd = frame.ContainerEnd;
        _containerType = frame.ContainerType;
        _position = frame.ResumePosition;
        _hasValue = false;
    }

    /// <summary>The field name of the current value (in a struct).</summary>
    public readonly SymbolToken GetFieldName()
    {
        if (_fieldNameSid < 0)
        {
            throw new InvalidOperationException("The current value is not a struct field.");
        }

        return Token(_fieldNameSid);
    }

    /// <summary>The field name SID of the current value, or -1 outside a struct.</summary>
    public readonly int FieldNameSid => _fieldNameSid;

    /// <summary>Resolves a SID of this stream to its token.</summary>
    public readonly SymbolToken Token(int sid) => new(_symbols.GetText(sid, _data), sid);

    /// <summary>True when the text of <paramref name="sid"/> is known.</summary>
    public readonly bool HasSymbolText(int sid) => _symbols.HasText(sid);

    /// <summary>The UTF-8 text of a SID whose text is known (see <see cref="HasSymbolText"/>), without allocating.</summary>
    public readonly ReadOnlySpan<byte> GetSymbolTextUtf8(int sid) =>
        _symbols.HasText(sid) ? _symbols.GetUtf8(sid, _data) : throw new InvalidOperationException($"Symbol ${sid} has unknown text.");

    /// <summary>Enumerates the annotation SIDs of the current value.</summary>
    public readonly AnnotationEnumerator GetAnnotationSids() => new(_data[_annotationsStart.._annotationsEnd]);

    /// <summary>The annotations of the current value.</summary>
    public readonly SymbolToken[] GetAnnotations()
    {
        if (!HasAnnotations)
        {
            return [];
        }

        var tokens = new List<SymbolToken>(2);
        foreach (var sid in GetAnnotationSids())
        {
            tokens.Add(Token(sid));
        }

        return [.. tokens];
    }

    /// <summary>Iterates the VarUInt SIDs of an annotation wrapper (already validated).</summary>
    public ref struct AnnotationEnumerator
    {
        private ReadOnlySpan<byte> _remaining;

        internal AnnotationEnumerator(ReadOnlySpan<byte> sids)
        {
            _remaining = sids;
            Current = 0;
        }

        /// <summary>The current SID.</summary>
        public int Current { get; private set; }

        /// <summary>Returns this enumerator.</summary>
        public readonly AnnotationEnumerator GetEnumerator() => this;

        /// <summary>Moves to the next SID.</summary>
        public bool MoveNext()
        {
            if (_remaining.IsEmpty)
            {
                return false;
            }

            IonBinaryPrimitives.ReadVarUInt(_remaining, out var sid, out var consumed);
            Current = (int)sid;
            _remaining = _remaining[consumed..];
            return true;
        }
    }

    private void ReadAnnotatedValue(int wrapperOffset)
    {
        var lengthNibble = _data[wrapperOffset] & 0x0F;
        if (lengthNibble is 0 or 1 or 2 or 15)
        {
            Throw($"Illegal annotation wrapper type descriptor 0x{_data[wrapperOffset]:X2}", wrapperOffset);
        }

        var (contentStart, wrapperEnd) = ReadLength(wrapperOffset, _containerEnd);
        _position = contentStart;
        var annotationsLength = ReadVarUIntField(wrapperEnd, "annotation length");
        if (annotationsLength == 0)
        {
            Throw("An annotation wrapper needs at least one annotation", contentStart);
        }

        if (annotationsLength >= (ulong)(wrapperEnd - _position))
        {
            Throw("The annotations fill the whole annotation wrapper, leaving no value", contentStart);
        }

        _annotationsStart = _position;
        _annotationsEnd = _position + (int)annotationsLength;
        var cursor = _annotationsStart;
        while (cursor < _annotationsEnd)
        {
            var status = IonBinaryPrimitives.ReadVarUInt(_data[cursor.._annotationsEnd], out var sid, out var consumed);
            if (status != OperationStatus.Done)
            {
                Throw("Malformed annotation symbol ID", cursor);
            }

            CheckSid(sid, cursor);
            cursor += consumed;
        }

        var valueOffset = _annotationsEnd;
        var inner = _data[valueOffset];
        if ((inner >> 4) == 0x0E)
        {
            Throw("An annotation wrapper may not contain another annotation wrapper", valueOffset);
        }

        if ((inner >> 4) == 0 && inner != 0x0F)
        {
            Throw("An annotation wrapper may not contain NOP padding", valueOffset);
        }

        ReadValueHeader(valueOffset, wrapperEnd);
        if (_valueEnd != wrapperEnd)
        {
            Throw("The annotated value does not fill its annotation wrapper exactly", valueOffset);
        }
    }

    private void ReadValueHeader(int descriptorOffset, int limit)
    {
        var descriptor = _data[descriptorOffset];
        var typeCode = descriptor >> 4;
        var lengthNibble = descriptor & 0x0F;
        _descriptor = descriptor;
        Type = typeCode switch
        {
            0 => IonType.Null,
            1 => IonType.Bool,
            2 or 3 => IonType.Int,
            4 => IonType.Float,
            5 => IonType.Decimal,
            6 => IonType.Timestamp,
            7 => IonType.Symbol,
            8 => IonType.String,
            9 => IonType.Clob,
            10 => IonType.Blob,
            11 => IonType.List,
            12 => IonType.Sexp,
            13 => IonType.Struct,
            _ => ThrowIllegalDescriptor(descriptor, descriptorOffset),
        };

        if (lengthNibble == 0x0F)
        {
            _valueStart = _valueEnd = descriptorOffset + 1;
            return;
        }

        var legal = typeCode switch
        {
            1 => lengthNibble <= 1,
            3 => lengthNibble != 0,
            4 => lengthNibble is 0 or 4 or 8,
            6 => lengthNibble >= 2,
            _ => true,
        };
        if (!legal)
        {
            ThrowIllegalDescriptor(descriptor, descriptorOffset);
        }

        if (typeCode == 1)
        {
            _valueStart = _valueEnd = descriptorOffset + 1;
            return;
        }

        if (typeCode == 13 && lengthNibble == 1)
        {
            // A struct whose fields are sorted by SID: the length always follows as a VarUInt, and it is not empty.
            _position = descriptorOffset + 1;
            var length = ReadVarUIntField(limit, "struct length");
            if (length == 0)
            {
                Throw("A struct with sorted fields (D1) must not be empty", descriptorOffset);
            }

            SetValueRange(descriptorOffset, _position, length, limit);
            return;
        }

        (_valueStart, _valueEnd) = ReadLength(descriptorOffset, limit);
    }

    /// <summary>Reads the length after a type descriptor (in its low nibble, or a VarUInt when it is 14).</summary>
    private (int Start, int End) ReadLength(int descriptorOffset, int limit)
    {
        var lengthNibble = _data[descriptorOffset] & 0x0F;
        _position = descriptorOffset + 1;
        var length = lengthNibble == 14 ? ReadVarUIntField(limit, "length") : (ulong)lengthNibble;
        SetValueRange(descriptorOffset, _position, length, limit);
        return (_valueStart, _valueEnd);
    }

    private void SetValueRange(int descriptorOffset, int start, ulong length, int limit)
    {
        if (length > (ulong)(limit - start))
        {
            Throw($"A value of {length} bytes runs past the end of its container or the data", descriptorOffset);
        }

        _valueStart = start;
        _valueEnd = start + (int)length;
    }

    private ulong ReadVarUIntField(int limit, string what)
    {
        if (_position >= limit)
        {
            Throw($"Missing {what}", _position);
        }

        var status = IonBinaryPrimitives.ReadVarUInt(_data[_position..limit], out var value, out var consumed);
        if (status != OperationStatus.Done)
        {
            Throw(status == OperationStatus.NeedMoreData ? $"Truncated {what}" : $"The {what} is too large", _position);
        }

        _position += consumed;
        return value;
    }

    private readonly int CheckSid(ulong sid, int offset)
    {
        if (!_symbols.IsDefined(sid))
        {
            Throw($"Symbol ID {sid} is not defined by the current symbol table (max id {_symbols.MaxId})", offset);
        }

        return (int)sid;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IonType ThrowIllegalDescriptor(byte descriptor, int offset)
    {
        Throw($"Illegal type descriptor 0x{descriptor:X2}", offset);
        return default;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(string message, int offset) => ThrowHelper.ThrowBinary(message, offset);
}
