using System.Collections.Immutable;

namespace Ledger.Ion;

/// <summary>An Ion bool (<c>true</c> or <c>false</c>).</summary>
public sealed class IonBool : IonValue
{
    private IonBool(bool value, ImmutableArray<SymbolToken> annotations)
        : base(annotations)
    {
        Value = value;
    }

    /// <summary><c>true</c>.</summary>
    public static IonBool True { get; } = new(true, []);

    /// <summary><c>false</c>.</summary>
    public static IonBool False { get; } = new(false, []);

    /// <summary>The value.</summary>
    public bool Value { get; }

    /// <inheritdoc/>
    public override IonType Type => IonType.Bool;

    /// <summary>The shared instance for <paramref name="value"/>.</summary>
    public static IonBool Of(bool value) => value ? True : False;

    private protected override IonValue WithAnnotationsCore(ImmutableArray<SymbolToken> annotations) =>
        annotations.IsDefaultOrEmpty ? Of(Value) : new IonBool(Value, annotations);

    private protected override bool ContentEquals(IonValue other) => Value == ((IonBool)other).Value;

    private protected override int ContentHashCode() => Value ? 1 : 0;
}
