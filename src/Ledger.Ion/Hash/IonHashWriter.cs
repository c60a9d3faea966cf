using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text.Unicode;
using Ledger.Ion.Binary;

namespace Ledger.Ion.Hash;

/// <summary>
/// Streaming Ion Hash 1.0 serializer: the caller walks a value (a tree or a binary stream) and calls one
/// method per scalar, container boundary, field name and annotation; the writer produces <c>s(value)</c>
/// and hashes each struct field with a fresh <see cref="IonHashFunction"/> as soon as the field ends.
/// </summary>
/// <remarks>
/// All serialized bytes go to one pooled buffer. A struct field's bytes are appended at the end of the buffer,
/// hashed when the field ends, and truncated away; the digest is pushed on a digest stack. When the struct
/// ends its digests (the top of the stack) are sorted as unsigned byte strings, escaped into the buffer and
/// popped. So nested structs need no extra buffers, and the struct ordering rule (sort, then escape) holds.
/// The writer is reused per thread (<see cref="Rent"/>/<see cref="Return"/>) so hashing does not allocate.
/// </remarks>
internal sealed class IonHashWriter
{
    private const byte BeginMarker = 0x0B;
    private const byte EndMarker = 0x0E;
    private const byte EscapeByte = 0x0C;
    private const int InitialBufferSize = 4096;
    private const int MaxRetainedBufferSize = 1 << 20;

    private static readonly SearchValues<byte> s_bytesToEscape = SearchValues.Create(BeginMarker, EscapeByte, EndMarker);

    [ThreadStatic]
    private static IonHashWriter? t_cached;

    private IonHashFunction _function = IonHashFunction.Sha256;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    private int _length;
    private byte[] _digests = ArrayPool<byte>.Shared.Rent(1024);
    private int _digestsLength;
    private DigestRange[] _digestRanges = new DigestRange[32];
    private int _digestCount;
    private int[] _structDigestStarts = new int[16];
    private int _structDepth;
    private int[] _fieldStarts = new int[16];
    private int _fieldDepth;

    private readonly record struct DigestRange(int Offset, int Length);

    /// <summary>Gets a writer for this thread, reset to hash with <paramref name="function"/>.</summary>
    public static IonHashWriter Rent(IonHashFunction function)
    {
        var writer = t_cached ?? new IonHashWriter();
        t_cached = null;
        writer._function = function;
        return writer;
    }

    /// <summary>Gives the writer back for reuse on this thread; its contents are cleared.</summary>
    public static void Return(IonHashWriter writer)
    {
        writer.Reset();
        t_cached = writer;
    }

    /// <summary>The bytes serialized so far at the top level (struct fields are already folded into digests).</summary>
    public ReadOnlySpan<byte> SerializedBytes => _buffer.AsSpan(0, _length);

    /// <summary>Number of struct fields currently open (0 at the top level).</summary>
    public int OpenFieldCount => _fieldDepth;

    /// <summary>Clears all state so the writer can start a new top-level value.</summary>
    public void Reset()
    {
        _buffer.AsSpan(0, _length).Clear();
        _digests.AsSpan(0, _digestsLength).Clear();
        _length = 0;
        _digestsLength = 0;
        _digestCount = 0;
        _structDepth = 0;
        _fieldDepth = 0;
        if (_buffer.Length > MaxRetainedBufferSize)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        }

        if (_digests.Length > MaxRetainedBufferSize)
        {
            ArrayPool<byte>.Shared.Return(_digests);
            _digests = ArrayPool<byte>.Shared.Rent(1024);
        }
    }

    /// <summary>
    /// Hashes everything written (one complete top-level value) into <paramref name="destination"/> and resets
    /// the writer; returns the digest length.
    /// </summary>
    public int Complete(Span<byte> destination)
    {
        if (_fieldDepth != 0 || _structDepth != 0)
        {
            throw new InvalidOperationException("Ion hash writer completed with an open struct or field.");
        }

        var digestLength = _function.GetDigestLength(_length);
        if (destination.Length < digestLength)
        {
            throw new ArgumentException($"The destination needs {digestLength} bytes.", nameof(destination));
        }

        _function.ComputeDigest(SerializedBytes, destination[..digestLength]);
        Reset();
        return digestLength;
    }

    /// <summary>Writes a null of the given binary type code (0 = null.null, 2 = null.int, ..., 13 = null.struct).</summary>
    public void WriteNull(int typeCode) => WriteMarkedQualifier((byte)((typeCode << 4) | 0x0F));

    public void WriteBool(bool value) => WriteMarkedQualifier(value ? (byte)0x11 : (byte)0x10);

    public void WriteInt(long value)
    {
        var isNegative = value < 0;
        var magnitude = isNegative ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        WriteInt(magnitude, isNegative);
    }

    /// <summary>Writes an int given as sign and magnitude (a zero magnitude is always int 0).</summary>
    public void WriteInt(ulong magnitude, bool isNegative)
    {
        Span<byte> representation = stackalloc byte[sizeof(ulong)];
        var length = IonBinaryPrimitives.WriteUInt(representation, magnitude);
        WriteScalar(isNegative && magnitude != 0 ? (byte)0x30 : (byte)0x20, representation[..length]);
    }

    public void WriteInt(BigInteger value)
    {
        if (value >= long.MinValue && value <= long.MaxValue)
        {
            WriteInt((long)value);
            return;
        }

        var magnitude = BigInteger.Abs(value);
        WriteBigRepresentation(value.Sign < 0 ? (byte)0x30 : (byte)0x20, magnitude, isInt: false, isNegative: false);
    }

    /// <summary>Writes a float: 8 big-endian bytes, except positive zero (none) and NaN (always canonical).</summary>
    public void WriteFloat(double value)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        if (bits == 0)
        {
            WriteMarkedQualifier(0x40);
            return;
        }

        Span<byte> representation = stackalloc byte[sizeof(double)];
        BinaryPrimitives.WriteInt64BigEndian(representation, double.IsNaN(value) ? 0x7FF8000000000000 : bits);
        WriteScalar(0x40, representation);
    }

    /// <summary>
    /// Writes a decimal coefficient × 10^exponent given as a coefficient magnitude, its sign (so negative zero
    /// is representable) and the exponent.
    /// </summary>
    public void WriteDecimal(ulong coefficientMagnitude, bool isNegative, int exponent)
    {
        if (coefficientMagnitude == 0 && !isNegative && exponent == 0)
        {
            WriteMarkedQualifier(0x50);
            return;
        }

        Span<byte> representation = stackalloc byte[IonBinaryPrimitives.MaxVarInt64Length + sizeof(ulong) + 1];
        var length = IonBinaryPrimitives.WriteVarInt(representation, exponent);
        length += IonBinaryPrimitives.WriteInt(representation[length..], coefficientMagnitude, isNegative);
        WriteScalar(0x50, representation[..length]);
    }

    /// <inheritdoc cref="WriteDecimal(ulong, bool, int)"/>
    public void WriteDecimal(BigInteger coefficientMagnitude, bool isNegative, int exponent)
    {
        if (coefficientMagnitude <= ulong.MaxValue)
        {
            WriteDecimal((ulong)coefficientMagnitude, isNegative, exponent);
            return;
        }

        Span<byte> exponentBytes = stackalloc byte[IonBinaryPrimitives.MaxVarInt64Length];
        var exponentLength = IonBinaryPrimitives.WriteVarInt(exponentBytes, exponent);
        var coefficientLength = IonBinaryPrimitives.GetIntLength(coefficientMagnitude, isNegative);
        var rented = ArrayPool<byte>.Shared.Rent(exponentLength + coefficientLength);
        try
        {
            exponentBytes[..exponentLength].CopyTo(rented);
            IonBinaryPrimitives.WriteInt(rented.AsSpan(exponentLength), coefficientMagnitude, isNegative);
            WriteScalar(0x50, rented.AsSpan(0, exponentLength + coefficientLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Writes a timestamp from its UTC fields. <paramref name="fieldCount"/> says which are present:
    /// 1 year, 2 +month, 3 +day, 4 +hour and minute, 5 +second. A fraction (second precision only) with a
    /// zero coefficient and a non-negative exponent is left out, as Ion Hash requires.
    /// </summary>
    public void WriteTimestamp(
        int? offsetMinutes, int fieldCount, int year, int month, int day, int hour, int minute, int second,
        bool hasFraction, BigInteger fractionCoefficient, int fractionExponent)
    {
        Span<byte> representation = stackalloc byte[64];
        var length = offsetMinutes is { } offset
            ? IonBinaryPrimitives.WriteVarInt(representation, offset)
            : IonBinaryPrimitives.WriteVarInt(representation, 0, isNegative: true);
        length += IonBinaryPrimitives.WriteVarUInt(representation[length..], (ulong)year);
        if (fieldCount >= 2)
        {
            length += IonBinaryPrimitives.WriteVarUInt(representation[length..], (ulong)month);
        }

        if (fieldCount >= 3)
        {
            length += IonBinaryPrimitives.WriteVarUInt(representation[length..], (ulong)day);
        }

        if (fieldCount >= 4)
        {
            length += IonBinaryPrimitives.WriteVarUInt(representation[length..], (ulong)hour);
            length += IonBinaryPrimitives.WriteVarUInt(representation[length..], (ulong)minute);
        }

        if (fieldCount >= 5)
        {
            length += IonBinaryPrimitives.WriteVarUInt(representation[length..], (ulong)second);
        }

        if (fieldCount < 5 || !hasFraction || (fractionCoefficient.IsZero && fractionExponent >= 0))
        {
            WriteScalar(0x60, representation[..length]);
            return;
        }

        length += IonBinaryPrimitives.WriteVarInt(representation[length..], fractionExponent);
        var coefficientLength = IonBinaryPrimitives.GetIntLength(fractionCoefficient, isNegative: false);
        if (length + coefficientLength <= representation.Length)
        {
            length += IonBinaryPrimitives.WriteInt(representation[length..], fractionCoefficient, isNegative: false);
            WriteScalar(0x60, representation[..length]);
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(length + coefficientLength);
        try
        {
            representation[..length].CopyTo(rented);
            IonBinaryPrimitives.WriteInt(rented.AsSpan(length), fractionCoefficient, isNegative: false);
            WriteScalar(0x60, rented.AsSpan(0, length + coefficientLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes a timestamp (converted to UTC fields, minimal encoding, zero fraction coefficient omitted).</summary>
    public void WriteTimestamp(IonTimestamp value)
    {
        if (IonTimestampEncoding.NeedsHeapBuffer(value, out var length))
        {
            var large = new byte[length];
            IonTimestampEncoding.Encode(value, large);
            WriteScalar(0x60, large);
            return;
        }

        Span<byte> representation = stackalloc byte[IonTimestampEncoding.StackBufferSize];
        length = IonTimestampEncoding.Encode(value, representation);
        WriteScalar(0x60, representation[..length]);
    }

    public void WriteSymbol(ReadOnlySpan<char> text) => WriteText(0x70, text);

    public void WriteSymbolUtf8(ReadOnlySpan<byte> utf8Text) => WriteScalar(0x70, utf8Text);

    /// <summary>Writes <c>$0</c>, the only symbol with unknown text that Ion Hash accepts.</summary>
    public void WriteSymbolZero() => WriteMarkedQualifier(0x71);

    public void WriteString(ReadOnlySpan<char> text) => WriteText(0x80, text);

    public void WriteStringUtf8(ReadOnlySpan<byte> utf8Text) => WriteScalar(0x80, utf8Text);

    public void WriteClob(ReadOnlySpan<byte> bytes) => WriteScalar(0x90, bytes);

    public void WriteBlob(ReadOnlySpan<byte> bytes) => WriteScalar(0xA0, bytes);

    /// <summary>Starts a list (<paramref name="isSexp"/> false) or an s-expression.</summary>
    public void BeginSequence(bool isSexp) => WriteMarkerPair(isSexp ? (byte)0xC0 : (byte)0xB0);

    public void EndSequence() => AppendByte(EndMarker);

    public void BeginStruct()
    {
        WriteMarkerPair(0xD0);
        Push(ref _structDigestStarts, ref _structDepth, _digestCount);
    }

    public void EndStruct()
    {
        if (_structDepth == 0)
        {
            throw new InvalidOperationException("No struct is open.");
        }

        var firstDigest = _structDigestStarts[--_structDepth];
        var fieldDigests = _digestRanges.AsSpan(firstDigest, _digestCount - firstDigest);
        if (fieldDigests.IsEmpty)
        {
            AppendByte(EndMarker);
            return;
        }

        var digestBytesStart = fieldDigests[0].Offset;
        SortByDigestBytes(fieldDigests, _digests);
        foreach (var range in fieldDigests)
        {
            AppendEscaped(_digests.AsSpan(range.Offset, range.Length));
        }

        AppendByte(EndMarker);
        _digestCount = firstDigest;
        _digestsLength = digestBytesStart;
    }

    /// <summary>Starts a struct field with the given name; the next value written is its value.</summary>
    public void BeginField(ReadOnlySpan<char> name)
    {
        Push(ref _fieldStarts, ref _fieldDepth, _length);
        WriteText(0x70, name);
    }

    public void BeginFieldUtf8(ReadOnlySpan<byte> utf8Name)
    {
        Push(ref _fieldStarts, ref _fieldDepth, _length);
        WriteScalar(0x70, utf8Name);
    }

    /// <summary>Starts a struct field named <c>$0</c>.</summary>
    public void BeginFieldSymbolZero()
    {
        Push(ref _fieldStarts, ref _fieldDepth, _length);
        WriteMarkedQualifier(0x71);
    }

    /// <summary>Ends the current field: hashes its bytes with a fresh function and keeps the digest for the struct.</summary>
    public void EndField()
    {
        if (_fieldDepth == 0)
        {
            throw new InvalidOperationException("No struct field is open.");
        }

        var fieldStart = _fieldStarts[--_fieldDepth];
        var fieldBytes = _buffer.AsSpan(fieldStart, _length - fieldStart);
        var digestLength = _function.GetDigestLength(fieldBytes.Length);
        EnsureDigestCapacity(digestLength);
        _function.ComputeDigest(fieldBytes, _digests.AsSpan(_digestsLength, digestLength));
        if (_digestCount == _digestRanges.Length)
        {
            Array.Resize(ref _digestRanges, _digestRanges.Length * 2);
        }

        _digestRanges[_digestCount++] = new DigestRange(_digestsLength, digestLength);
        _digestsLength += digestLength;
        _length = fieldStart;
    }

    /// <summary>Starts an annotation wrapper; write each annotation as a symbol, then the value, then <see cref="EndAnnotations"/>.</summary>
    public void BeginAnnotations() => WriteMarkerPair(0xE0);

    public void EndAnnotations() => AppendByte(EndMarker);

    private void WriteMarkedQualifier(byte typeQualifier)
    {
        EnsureCapacity(3);
        var span = _buffer.AsSpan(_length, 3);
        span[0] = BeginMarker;
        span[1] = typeQualifier;
        span[2] = EndMarker;
        _length += 3;
    }

    private void WriteMarkerPair(byte typeQualifier)
    {
        EnsureCapacity(2);
        _buffer[_length] = BeginMarker;
        _buffer[_length + 1] = typeQualifier;
        _length += 2;
    }

    private void WriteScalar(byte typeQualifier, ReadOnlySpan<byte> representation)
    {
        WriteMarkerPair(typeQualifier);
        AppendEscaped(representation);
        AppendByte(EndMarker);
    }

    private void WriteBigRepresentation(byte typeQualifier, BigInteger magnitude, bool isInt, bool isNegative)
    {
        var length = isInt ? IonBinaryPrimitives.GetIntLength(magnitude, isNegative) : IonBinaryPrimitives.GetUIntLength(magnitude);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = isInt
                ? IonBinaryPrimitives.WriteInt(rented, magnitude, isNegative)
                : IonBinaryPrimitives.WriteUInt(rented, magnitude);
            WriteScalar(typeQualifier, rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void WriteText(byte typeQualifier, ReadOnlySpan<char> text)
    {
        WriteMarkerPair(typeQualifier);

        // Encode straight into the buffer; escaping is rare for text, so only then re-copy the bytes.
        EnsureCapacity(checked((text.Length * 3) + 1));
        var status = Utf8.FromUtf16(text, _buffer.AsSpan(_length), out _, out var written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            throw new IonException("Cannot hash text with an unpaired surrogate: it is not valid Unicode.");
        }

        var encoded = _buffer.AsSpan(_length, written);
        if (encoded.IndexOfAny(s_bytesToEscape) < 0)
        {
            _length += written;
        }
        else
        {
            var copy = ArrayPool<byte>.Shared.Rent(written);
            try
            {
                encoded.CopyTo(copy);
                AppendEscaped(copy.AsSpan(0, written));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(copy);
            }
        }

        AppendByte(EndMarker);
    }

    private void AppendEscaped(ReadOnlySpan<byte> bytes)
    {
        var next = bytes.IndexOfAny(s_bytesToEscape);
        if (next < 0)
        {
            EnsureCapacity(bytes.Length);
            bytes.CopyTo(_buffer.AsSpan(_length));
            _length += bytes.Length;
            return;
        }

        EnsureCapacity(checked(bytes.Length * 2));
        while (next >= 0)
        {
            bytes[..next].CopyTo(_buffer.AsSpan(_length));
            _length += next;
            _buffer[_length++] = EscapeByte;
            _buffer[_length++] = bytes[next];
            bytes = bytes[(next + 1)..];
            next = bytes.IndexOfAny(s_bytesToEscape);
        }

        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void AppendByte(byte value)
    {
        EnsureCapacity(1);
        _buffer[_length++] = value;
    }

    private void EnsureCapacity(int additional)
    {
        if (_buffer.Length - _length >= additional)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(checked(_length + additional), _buffer.Length * 2));
        _buffer.AsSpan(0, _length).CopyTo(grown);
        _buffer.AsSpan(0, _length).Clear();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = grown;
    }

    private void EnsureDigestCapacity(int additional)
    {
        if (_digests.Length - _digestsLength >= additional)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(checked(_digestsLength + additional), _digests.Length * 2));
        _digests.AsSpan(0, _digestsLength).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_digests, clearArray: true);
        _digests = grown;
    }

    private static void Push(ref int[] stack, ref int depth, int value)
    {
        if (depth == stack.Length)
        {
            Array.Resize(ref stack, stack.Length * 2);
        }

        stack[depth++] = value;
    }

    /// <summary>Sorts digests as unsigned byte strings (a proper prefix first). Equal digests are identical bytes, so stability does not matter.</summary>
    private static void SortByDigestBytes(Span<DigestRange> ranges, byte[] digests)
    {
        if (ranges.Length > 32)
        {
            ranges.Sort(new DigestComparer(digests));
            return;
        }

        // Insertion sort: typical structs are small, and it needs no comparer allocation.
        for (var i = 1; i < ranges.Length; i++)
        {
            var current = ranges[i];
            var currentBytes = digests.AsSpan(current.Offset, current.Length);
            var j = i - 1;
            while (j >= 0 && digests.AsSpan(ranges[j].Offset, ranges[j].Length).SequenceCompareTo(currentBytes) > 0)
            {
                ranges[j + 1] = ranges[j];
                j--;
            }

            ranges[j + 1] = current;
        }
    }

    private sealed class DigestComparer(byte[] digests) : IComparer<DigestRange>
    {
        public int Compare(DigestRange x, DigestRange y) =>
            digests.AsSpan(x.Offset, x.Length).SequenceCompareTo(digests.AsSpan(y.Offset, y.Length));
    }
}
