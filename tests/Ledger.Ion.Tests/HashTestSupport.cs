using Ledger.Ion.Hash;

namespace Ledger.Ion.Tests;

/// <summary>The "identity" hash function of the ion-hash-test vectors: the digest is the input itself.</summary>
internal sealed class IdentityHashFunction : IonHashFunction
{
    public static IdentityHashFunction Instance { get; } = new();

    public override int GetDigestLength(int inputLength) => inputLength;

    public override void ComputeDigest(ReadOnlySpan<byte> input, Span<byte> destination) => input.CopyTo(destination);
}

/// <summary>Wraps a hash function and records every digest it returns, in call order.</summary>
internal sealed class RecordingHashFunction(IonHashFunction inner) : IonHashFunction
{
    public List<byte[]> Digests { get; } = [];

    public override int GetDigestLength(int inputLength) => inner.GetDigestLength(inputLength);

    public override void ComputeDigest(ReadOnlySpan<byte> input, Span<byte> destination)
    {
        inner.ComputeDigest(input, destination);
        Digests.Add(destination.ToArray());
    }
}
