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

        // Most struct fields serialize to fewer than 56 bytes: for one block the managed compression is cheaper
        // than the native call; longer inputs go to the platform's hardware-accelerated implementation.
        public override void ComputeDigest(ReadOnlySpan<byte> input, Span<byte> destination)
        {
            if (input.Length <= SingleBlockLimit)
            {
                ManagedSha256.HashData(input, destination);
            }
            else
            {
                SHA256.HashData(input, destination);
            }
        }
    }
}
