using System.Collections.Immutable;

namespace Ledger.Ion;

/// <summary>An Ion timestamp value (wraps <see cref="IonTimestamp"/>).</summary>
public sealed class IonTimestampValue : IonValue
{
    private IonTimestampValue(IonTimestamp value, ImmutableArray<SymbolToken> annotations)
        : base(annotations)
    {
        Value = value;
    }

    /// <summary>The timestamp.</summary>
    public IonTimestamp Value { get; }

    /// <inheritdoc/>
    public override IonType Type => IonType.Timestamp;

    /// <summary>Creates a timestamp value.</summary>
    public static IonTimestampValue Of(IonTimestamp value) => new(value, []);

    private protected override IonValue WithAnnotationsCore(ImmutableArray<SymbolToken> annotations) => new IonTimestampValue(Value, annotations);

    private protected override bool ContentEquals(IonValue other) => Value.Equals(((IonTimestampValue)other).Value);

    private protected override int ContentHashCode() => Value.GetHashCode();
}
