using System.Collections.Immutable;

namespace Ledger.Ion;

/// <summary>An Ion float (IEEE-754 binary64, including NaN, infinities and <c>-0e0</c>).</summary>
public sealed class IonFloat : IonValue
{
    private IonFloat(double value, ImmutableArray<SymbolToken> annotations)
        : base(annotations)
    {
        Value = value;
    }

    /// <summary>The value.</summary>
    public double Value { get; }

    /// <inheritdoc/>
    public override IonType Type => IonType.Float;

    /// <summary>Creates a float.</summary>
    public static IonFloat Of(double value) => new(value, []);

    private protected override IonValue WithAnnotationsCore(ImmutableArray<SymbolToken> annotations) => new IonFloat(Value, annotations);

    // Ion equivalence: all NaNs are equal, and 0e0 differs from -0e0, so compare bit patterns otherwise.
    private protected override bool ContentEquals(IonValue other)
    {
        var that = ((IonFloat)other).Value;
        return double.IsNaN(Value) ? double.IsNaN(that) : BitConverter.DoubleToInt64Bits(Value) == BitConverter.DoubleToInt64Bits(that);
    }

    private protected override int ContentHashCode() => double.IsNaN(Value) ? -1 : BitConverter.DoubleToInt64Bits(Value).GetHashCode();
}
