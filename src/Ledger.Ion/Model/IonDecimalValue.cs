using System.Collections.Immutable;

namespace Ledger.Ion;

/// <summary>An Ion decimal value (wraps the exact <see cref="IonDecimal"/>).</summary>
public sealed class IonDecimalValue : IonValue
{
    private IonDecimalValue(IonDecimal value, ImmutableArray<SymbolToken> annotations)
        : base(annotations)
    {
        Value = value;
    }

    /// <summary>The exact decimal.</summary>
    public IonDecimal Value { get; }

    /// <inheritdoc/>
    public override IonType Type => IonType.Decimal;

    /// <summary>Creates a decimal value.</summary>
    public static IonDecimalValue Of(IonDecimal value) => new(value, []);

    /// <summary>Creates a decimal value, keeping the scale of <paramref name="value"/>.</summary>
    public static IonDecimalValue Of(decimal value) => new(IonDecimal.FromDecimal(value), []);

    private protected override IonValue WithAnnotationsCore(ImmutableArray<SymbolToken> annotations) => new IonDecimalValue(Value, annotations);

    private protected override bool ContentEquals(IonValue other) => Value.Equals(((IonDecimalValue)other).Value);

    private protected override int ContentHashCode() => Value.GetHashCode();
}
