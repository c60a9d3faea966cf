using System.Security.Cryptography;
using Ledger.Ion.Binary;

namespace Ledger.Ion.Hash;

/// <summary>
/// Ion Hash 1.0 (amzn/ion-hash) of Ion values, with SHA-256 by default: the way QLDB hashes documents,
/// revisions and statements. Equivalent values hash identically whatever their encoding, field order,
/// symbol tables or padding.
/// </summary>
public static class IonHash
{
    /// <summary>The length of a SHA-256 Ion hash.</summary>
    public const int Sha256Length = SHA256.HashSizeInBytes;

    /// <summary>The SHA-256 Ion hash of <paramref name="value"/>.</summary>
    /// <exception cref="IonException">The value contains a symbol with unknown text other than <c>$0</c>, or invalid Unicode text.</exception>
    public static byte[] Compute(IonValue value)
    {
        var digest = new byte[Sha256Length];
        Compute(value, digest);
        return digest;
    }

    /// <summary>Writes the SHA-256 Ion hash of <paramref name="value"/> into <paramref name="destination"/> without allocating.</summary>
    /// <returns>The number of bytes written (32).</returns>
    public static int Compute(IonValue value, Span<byte> destination) => Compute(value, IonHashFunction.Sha256, destination);

    /// <summary>Hashes <paramref name="value"/> with any hash function (for example the identity function of the test vectors).</summary>
    public static byte[] Compute(IonValue value, IonHashFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var writer = IonHashWriter.Rent(function);
        try
        {
            IonHashTreeWalker.Write(writer, value);
            var digest = new byte[function.GetDigestLength(writer.SerializedBytes.Length)];
            writer.Complete(digest);
            return digest;
        }
        finally
        {
            IonHashWriter.Return(writer);
        }
    }

    /// <summary>Hashes <paramref name="value"/> into <paramref name="destination"/>; returns the digest length.</summary>
    public static int Compute(IonValue value, IonHashFunction function, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(function);
        var writer = IonHashWriter.Rent(function);
        try
        {
            IonHashTreeWalker.Write(writer, value);
            return writer.Complete(destination);
        }
        finally
        {
            IonHashWriter.Return(writer);
        }
    }

    /// <summary>
    /// The SHA-256 Ion hashes of every top-level user value of an Ion binary stream, computed straight from the
    /// bytes without building values.
    /// </summary>
    /// <exception cref="IonException">The data is invalid, or a symbol has unknown text other than <c>$0</c>.</exception>
    public static IReadOnlyList<byte[]> ComputeAll(ReadOnlySpan<byte> ionBinary) => ComputeAll(ionBinary, IonHashFunction.Sha256);

    /// <summary>The Ion hashes of every top-level user value of an Ion binary stream with any hash function.</summary>
    public static IReadOnlyList<byte[]> ComputeAll(ReadOnlySpan<byte> ionBinary, IonHashFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var reader = new IonBinaryReader(ionBinary);
        var digests = new List<byte[]>();
        var writer = IonHashWriter.Rent(function);
        try
        {
            while (reader.MoveNext())
            {
                IonHashBinaryWalker.Write(writer, ref reader);
                var digest = new byte[function.GetDigestLength(writer.SerializedBytes.Length)];
                writer.Complete(digest);
                digests.Add(digest);
            }
        }
        finally
        {
            IonHashWriter.Return(writer);
        }

        return digests;
    }

    /// <summary>
    /// Writes the SHA-256 Ion hash of the single top-level value of an Ion binary stream into
    /// <paramref name="destination"/>, straight from the bytes.
    /// </summary>
    /// <returns>The number of bytes written (32).</returns>
    public static int ComputeSingle(ReadOnlySpan<byte> ionBinary, Span<byte> destination)
    {
        var symbols = t_symbols ?? new IonBinarySymbolTable();
        t_symbols = null;
        try
        {
            return ComputeSingle(ionBinary, destination, symbols);
        }
        finally
        {
            t_symbols = symbols;
        }
    }

    [ThreadStatic]
    private static IonBinarySymbolTable? t_symbols;

    private static int ComputeSingle(ReadOnlySpan<byte> ionBinary, Span<byte> destination, IonBinarySymbolTable symbols)
    {
        var reader = new IonBinaryReader(ionBinary, IonBinaryReader.DefaultMaxDepth, symbols);
        if (!reader.MoveNext())
        {
            throw new IonException("The Ion binary stream holds no value.");
        }

        var writer = IonHashWriter.Rent(IonHashFunction.Sha256);
        try
        {
            IonHashBinaryWalker.Write(writer, ref reader);
            if (reader.MoveNext())
            {
                throw new IonException("The Ion binary stream holds more than one value.");
            }

            return writer.Complete(destination);
        }
        finally
        {
            IonHashWriter.Return(writer);
        }
    }
}
