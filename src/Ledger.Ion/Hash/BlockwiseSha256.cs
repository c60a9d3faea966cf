using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security;

namespace Ledger.Ion.Hash;

/// <summary>
/// SHA-256 (FIPS 180-4) for the many short messages Ion Hash produces (one per struct field, usually a single
/// 64-byte block). <see cref="System.Security.Cryptography.SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>
/// costs about 500 ns per call whatever the length (it sets up an EVP digest context each time), more than the
/// compression itself. So the padding is done here and each block goes to OpenSSL's block function
/// (<c>SHA256_Transform</c>, which uses the CPU's SHA extensions: about 55 ns a block against 290 ns for the
/// managed compression below). Where libcrypto is not available (Windows, macOS) the managed compression is used.
/// </summary>
internal static class BlockwiseSha256
{
    private const int BlockSize = 64;

    private static ReadOnlySpan<uint> RoundConstants =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>Whether blocks go to OpenSSL; decided once by hashing a known message both ways.</summary>
    private static readonly bool s_useOpenSsl = OpenSslTransformWorks();

    /// <summary>
    /// The chaining state <c>h[0..7]</c>, with room for all of OpenSSL's <c>SHA256_CTX</c> (28 words) because
    /// <c>SHA256_Transform</c> takes a pointer to that struct (it only reads and writes <c>h</c>).
    /// </summary>
    [InlineArray(28)]
    private struct State
    {
        private uint _element;
    }

    [InlineArray(64)]
    private struct Schedule
    {
        private uint _element;
    }

    /// <summary>Whether blocks are compressed by OpenSSL (hardware SHA) rather than in managed code.</summary>
    public static bool UsesOpenSsl => s_useOpenSsl;

    /// <summary>Computes the SHA-256 digest of <paramref name="input"/> into the first 32 bytes of <paramref name="destination"/>.</summary>
    public static void HashData(ReadOnlySpan<byte> input, Span<byte> destination) => HashData(input, destination, s_useOpenSsl);

    /// <summary>As <see cref="HashData(ReadOnlySpan{byte}, Span{byte})"/>, choosing the block function (tests cover both).</summary>
    internal static void HashData(ReadOnlySpan<byte> input, Span<byte> destination, bool useOpenSsl)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, 32, nameof(destination));
        var state = default(State);
        state[0] = 0x6a09e667;
        state[1] = 0xbb67ae85;
        state[2] = 0x3c6ef372;
        state[3] = 0xa54ff53a;
        state[4] = 0x510e527f;
        state[5] = 0x9b05688c;
        state[6] = 0x1f83d9ab;
        state[7] = 0x5be0cd19;

        var fullBlocks = input.Length / BlockSize;
        for (var i = 0; i < fullBlocks; i++)
        {
            CompressBlock(ref state, input.Slice(i * BlockSize, BlockSize), useOpenSsl);
        }

        // Padding: 0x80, zeros, then the message length in bits as a 64-bit big-endian integer.
        Span<byte> tail = stackalloc byte[BlockSize * 2];
        var remainder = input[(fullBlocks * BlockSize)..];
        var tailLength = remainder.Length + 1 + 8 <= BlockSize ? BlockSize : BlockSize * 2;
        tail = tail[..tailLength];
        remainder.CopyTo(tail);
        tail[remainder.Length] = 0x80;
        tail[(remainder.Length + 1)..^8].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(tail[^8..], (ulong)input.Length * 8);
        CompressBlock(ref state, tail[..BlockSize], useOpenSsl);
        if (tailLength > BlockSize)
        {
            CompressBlock(ref state, tail[BlockSize..], useOpenSsl);
        }

        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(i * 4, 4), state[i]);
        }
    }

    private static void CompressBlock(ref State state, ReadOnlySpan<byte> block, bool useOpenSsl)
    {
        if (useOpenSsl)
        {
            OpenSslSha256Transform(ref state[0], ref MemoryMarshal.GetReference(block));
        }
        else
        {
            Compress(ref state, block);
        }
    }

    private static bool OpenSslTransformWorks()
    {
        try
        {
            // Two blocks plus padding, so both the full-block loop and the tail go through OpenSSL.
            Span<byte> message = stackalloc byte[100];
            for (var i = 0; i < message.Length; i++)
            {
                message[i] = (byte)(i * 7);
            }

            Span<byte> expected = stackalloc byte[32];
            Span<byte> actual = stackalloc byte[32];
            HashData(message, expected, useOpenSsl: false);
            HashData(message, actual, useOpenSsl: true);
            return actual.SequenceEqual(expected);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    // One compression of a 64-byte block into c->h; short and non-blocking, so no GC transition is needed.
    [DllImport("libcrypto.so.3", EntryPoint = "SHA256_Transform", ExactSpelling = true)]
    [SuppressGCTransition]
    [SuppressUnmanagedCodeSecurity]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern void OpenSslSha256Transform(ref uint context, ref byte block);

    // The message schedule lives here rather than in HashData so the OpenSSL path does not zero 256 bytes a call.
    private static void Compress(ref State state, ReadOnlySpan<byte> block)
    {
        var schedule = default(Schedule);
        ref var w = ref schedule[0];
        ref var source = ref MemoryMarshal.GetReference(block);
        for (var t = 0; t < 16; t++)
        {
            Unsafe.Add(ref w, t) = BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref source, t * 4)));
        }

        for (var t = 16; t < 64; t++)
        {
            var w15 = Unsafe.Add(ref w, t - 15);
            var w2 = Unsafe.Add(ref w, t - 2);
            var s0 = BitOperations.RotateRight(w15, 7) ^ BitOperations.RotateRight(w15, 18) ^ (w15 >> 3);
            var s1 = BitOperations.RotateRight(w2, 17) ^ BitOperations.RotateRight(w2, 19) ^ (w2 >> 10);
            Unsafe.Add(ref w, t) = Unsafe.Add(ref w, t - 16) + s0 + Unsafe.Add(ref w, t - 7) + s1;
        }

        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        ref var k = ref MemoryMarshal.GetReference(RoundConstants);
        for (var t = 0; t < 64; t++)
        {
            // Locals only (no refs), so the JIT keeps the eight working variables in registers.
            var temp1 = h + (BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25))
                + ((e & f) ^ (~e & g)) + Unsafe.Add(ref k, t) + Unsafe.Add(ref w, t);
            var temp2 = (BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22))
                + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + temp1;
            d = c;
            c = b;
            b = a;
            a = temp1 + temp2;
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
}
