using System.Security.Cryptography;

namespace Ledger.Ion.Hash;

/// <summary>
/// The hash function <c>h()</c> that Ion Hash applies to serialized bytes: once per struct field and once
/// for the complete value. It is one-shot: Ion Hash only depends on the concatenation fed to each instance,
/// so each digest is computed over a contiguous buffer instead of many small incremental updates.
/// </summary>
public abstract class IonHashFunction
{
    /// <summary>SHA-256, the function QLDB uses (32-byte digests).</summary>
    public static IonHashFunction Sha256 { get; } = new Sha256HashFunction();

    /// <summary>The digest length for an input of <paramref name="inputLength"/> bytes.</summary>
    public abstract int GetDigestLength(int inputLength);

    /// <summary>Hashes <paramref name="input"/> into <paramref name="destination"/> (exactly the digest length).</summary>
    public abstract void ComputeDigest(ReadOnlySpan<byte> input, Span<byte> destination);

    private sealed class Sha256HashFunction : IonHashFunction
    {
        /// <summary>Longest input that fits one SHA-256 block with its padding.</summary>
        private const int SingleBlockLimit = 55;

        public override int GetDigestLength(int inputLength) => SHA256.HashSizeInBytes;

        // SHA256.HashData has a fixed cost of about 500 ns a call. With OpenSSL's block function each block
        // costs about 55 ns, so every length is cheaper blockwise (600 bytes: 440 ns against 990 ns). Without
        // it, the managed compression (about 290 ns a block) only wins for a single block, and most struct
        // fields serialize to fewer than 56 bytes.
        public override void ComputeDigest(ReadOnlySpan<byte> input, Span<byte> destination)
        {
            if (BlockwiseSha256.UsesOpenSsl || input.Length <= SingleBlockLimit)
            {
                BlockwiseSha256.HashData(input, destination);
            }
            else
            {
                SHA256.HashData(input, destination);
            }
        }
    }
}
