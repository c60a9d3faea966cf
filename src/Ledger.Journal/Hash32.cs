using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Ledger.Journal;

/// <summary>
/// A 32-byte SHA-256 value as QLDB uses it everywhere (revision, entries, block and tree hashes).
/// A value type so that trees, proofs and folds never allocate per hash.
/// </summary>
[StructLayout(LayoutKind.Auto)]
public readonly struct Hash32 : IEquatable<Hash32>
{
    /// <summary>The length of every QLDB hash in bytes.</summary>
    public const int Length = 32;

    // Bytes 0..7, 8..15, 16..23, 24..31 read little-endian, so byte 31 is the most significant byte of _w3.
    private readonly ulong _w0;
    private readonly ulong _w1;
    private readonly ulong _w2;
    private readonly ulong _w3;

    /// <summary>Creates a hash from exactly 32 bytes.</summary>
    public Hash32(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A hash has {Length} bytes, got {bytes.Length}.", nameof(bytes));
        }

        _w0 = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        _w1 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        _w2 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        _w3 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]);
    }

    /// <summary>Writes the 32 bytes to <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"Need {Length} bytes of room.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64LittleEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _w2);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _w3);
    }

    /// <summary>A new array holding the 32 bytes.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>Parses standard base64 (RFC 4648 with padding) of exactly 32 bytes.</summary>
    public static Hash32 FromBase64(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        Span<byte> bytes = stackalloc byte[Length + 3];
        if (!Convert.TryFromBase64String(base64, bytes, out var written) || written != Length)
        {
            throw new FormatException($"'{base64}' is not the base64 of a {Length}-byte hash.");
        }

        return new Hash32(bytes[..Length]);
    }

    /// <summary>Parses 64 hexadecimal digits.</summary>
    public static Hash32 FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != Length * 2)
        {
            throw new FormatException($"'{hex}' is not {Length * 2} hexadecimal digits.");
        }

        return new Hash32(Convert.FromHexString(hex));
    }

    /// <summary>Standard base64 with padding, as QLDB prints hashes.</summary>
    public string ToBase64()
    {
        Span<byte> bytes = stackalloc byte[Length];
        CopyTo(bytes);
        return Convert.ToBase64String(bytes);
    }

    /// <summary>Lower-case hexadecimal.</summary>
    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[Length];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>
    /// QLDB's ordering for <c>dot</c>: bytes compared as signed values from index 31 down to 0.
    /// Flipping the sign bit of every byte turns signed byte order into unsigned order, so whole
    /// 64-bit words can be compared most significant word first.
    /// </summary>
    public int CompareQldbOrder(in Hash32 other)
    {
        const ulong SignBits = 0x8080808080808080UL;
        if (_w3 != other._w3)
        {
            return (_w3 ^ SignBits) < (other._w3 ^ SignBits) ? -1 : 1;
        }

        if (_w2 != other._w2)
        {
            return (_w2 ^ SignBits) < (other._w2 ^ SignBits) ? -1 : 1;
        }

        if (_w1 != other._w1)
        {
            return (_w1 ^ SignBits) < (other._w1 ^ SignBits) ? -1 : 1;
        }

        if (_w0 != other._w0)
        {
            return (_w0 ^ SignBits) < (other._w0 ^ SignBits) ? -1 : 1;
        }

        return 0;
    }

    /// <inheritdoc/>
    public bool Equals(Hash32 other) =>
        _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Hash32 other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)_w0 ^ (int)(_w0 >> 32);

    /// <summary>Base64, the form QLDB prints.</summary>
    public override string ToString() => ToBase64();

    /// <summary>Equality of all 32 bytes.</summary>
    public static bool operator ==(Hash32 left, Hash32 right) => left.Equals(right);

    /// <summary>Inequality of any byte.</summary>
    public static bool operator !=(Hash32 left, Hash32 right) => !left.Equals(right);
}
