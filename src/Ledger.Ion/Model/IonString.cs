using System.Collections.Immutable;

namespace Ledger.Ion;

/// <summary>An Ion string (a sequence of Unicode scalar values; unpaired surrogates are rejected).</summary>
public sealed class IonString : IonValue
{
    private IonString(string value, ImmutableArray<SymbolToken> annotations)
        : base(annotations)
    {
        Value = value;
    }

    /// <summary>The text.</summary>
    public string Value { get; }

    /// <inheritdoc/>
    public override IonType Type => IonType.String;

    /// <summary>Creates a string; throws <see cref="ArgumentException"/> for unpaired surrogates.</summary>
    public static IonString Of(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!TextValidation.IsWellFormedUtf16(value))
        {
            ThrowHelper.ThrowArgument("The string contains an unpaired surrogate.", nameof(value));
        }

        return new IonString(value, []);
    }

    /// <summary>Creates a string the caller has already validated (the readers).</summary>
    internal static IonString CreateTrusted(string value) => new(value, []);

    private protected override IonValue WithAnnotationsCore(ImmutableArray<SymbolToken> annotations) => new IonString(Value, annotations);

    private protected override bool ContentEquals(IonValue other) => string.Equals(Value, ((IonString)other).Value, StringComparison.Ordinal);

    private protected override int ContentHashCode() => StringComparer.Ordinal.GetHashCode(Value);
}
