using System.Collections.Immutable;

namespace Ledger.Ion;

/// <summary>Common base of <see cref="IonBlob"/> and <see cref="IonClob"/>: an immutable byte sequence.</summary>
public abstract class IonLob : IonValue
{
    private protected IonLob(ImmutableArray<byte> bytes, ImmutableArray<SymbolToken> annotations)
        : base(annotations)
    {
        Bytes = bytes.IsDefault ? [] : bytes;
    }

    /// <summary>The bytes.</summary>
    public ImmutableArray<byte> Bytes { get; }

    /// <summary>The bytes as a span.</summary>
    public ReadOnlySpan<byte> Span => Bytes.AsSpan();

    private protected override bool ContentEquals(IonValue other) => Span.SequenceEqual(((IonLob)other).Span);

    private protected override int ContentHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Span);
        return hash.ToHashCode();
    }
}

/// <summary>An Ion blob (arbitrary bytes).</summary>
public sealed class IonBlob : IonLob
{
    private IonBlob(ImmutableArray<byte> bytes, ImmutableArray<SymbolToken> annotations)
        : base(bytes, annotations)
    {
    }

    /// <inheritdoc/>
    public override IonType Type => IonType.Blob;

    /// <summary>Creates a blob (copies the bytes).</summary>
    public static IonBlob Of(ReadOnlySpan<byte> bytes) => new([.. bytes], []);

    /// <summary>Creates a blob over an immutable array (no copy).</summary>
    public static IonBlob Of(ImmutableArray<byte> bytes) => new(bytes, []);

    private protected override IonValue WithAnnotationsCore(ImmutableArray<SymbolToken> annotations) => new IonBlob(Bytes, annotations);
}

/// <summary>An Ion clob (bytes meant as ASCII-compatible text). A clob never equals a blob with the same bytes.</summary>
public sealed class IonClob : IonLob
{
    private IonClob(ImmutableArray<byte> bytes, ImmutableArray<SymbolToken> annotations)
        : base(bytes, annotations)
    {
    }

    /// <inheritdoc/>
    public override IonType Type => IonType.Clob;

    /// <summary>Creates a clob (copies the bytes).</summary>
    public static IonClob Of(ReadOnlySpan<byte> bytes) => new([.. bytes], []);

    /// <summary>Creates a clob over an immutable array (no copy).</summary>
    public static IonClob Of(ImmutableArray<byte> bytes) => new(bytes, []);

    private protected override IonValue WithAnnotationsCore(ImmutableArray<SymbolToken> annotations) => new IonClob(Bytes, annotations);
}
