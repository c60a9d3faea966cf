using System.Collections.Immutable;
using System.Numerics;

namespace Ledger.Ion;

/// <summary>
/// An immutable Ion value. Concrete types: <see cref="IonNull"/> (every typed null, including null containers),
/// <see cref="IonBool"/>, <see cref="IonInt"/>, <see cref="IonFloat"/>, <see cref="IonDecimalValue"/>,
/// <see cref="IonTimestampValue"/>, <see cref="IonSymbol"/>, <see cref="IonString"/>, <see cref="IonClob"/>,
/// <see cref="IonBlob"/>, <see cref="IonList"/>, <see cref="IonSexp"/> and <see cref="IonStruct"/>.
/// </summary>
/// <remarks>
/// <see cref="Equals(IonValue)"/> and <see cref="GetHashCode"/> implement Ion data-model equivalence (same type,
/// same annotations in order, equivalent content; struct fields compared as a multiset).
/// <see cref="ToString"/> is compact Ion text.
/// </remarks>
public abstract class IonValue : IEquatable<IonValue>
{
    private protected IonValue(ImmutableArray<SymbolToken> annotations)
    {
        Annotations = annotations.IsDefault ? [] : annotations;
    }

    /// <summary>The Ion type (for a typed null, the type of the null).</summary>
    public abstract IonType Type { get; }

    /// <summary>True for every typed null.</summary>
    public virtual bool IsNull => false;

    /// <summary>The annotations, in order (empty when none).</summary>
    public ImmutableArray<SymbolToken> Annotations { get; }

    /// <summary>True when the value has at least one annotation.</summary>
    public bool HasAnnotations => !Annotations.IsEmpty;

    /// <summary>Returns this value with the given annotations replacing the current ones.</summary>
    public IonValue WithAnnotations(params ReadOnlySpan<SymbolToken> annotations) => WithAnnotationsCore([.. annotations]);

    /// <summary>Returns this value with the given annotations replacing the current ones.</summary>
    public IonValue WithAnnotations(ImmutableArray<SymbolToken> annotations) =>
        annotations.IsDefaultOrEmpty && Annotations.IsEmpty ? this : WithAnnotationsCore(annotations);

    /// <summary>Returns this value without annotations.</summary>
    public IonValue WithoutAnnotations() => Annotations.IsEmpty ? this : WithAnnotationsCore([]);

    /// <summary>True when the value carries an annotation with this text.</summary>
    public bool HasAnnotation(string text)
    {
        foreach (var annotation in Annotations)
        {
            if (annotation.Text == text)
            {
                return true;
            }
        }

        return false;
    }

    private protected abstract IonValue WithAnnotationsCore(ImmutableArray<SymbolToken> annotations);

    /// <summary>Content equivalence for two values of the same concrete type, type and nullness.</summary>
    private protected abstract bool ContentEquals(IonValue other);

    /// <summary>A hash of the content consistent with <see cref="ContentEquals"/>.</summary>
    private protected abstract int ContentHashCode();

    /// <summary>Ion data-model equivalence.</summary>
    public bool Equals(IonValue? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.Type != Type || other.IsNull != IsNull || other.GetType() != GetType())
        {
            return false;
        }

        var annotations = Annotations;
        var otherAnnotations = other.Annotations;
        if (annotations.Length != otherAnnotations.Length)
        {
            return false;
        }

        for (var i = 0; i < annotations.Length; i++)
        {
            if (!annotations[i].Equals(otherAnnotations[i]))
            {
                return false;
            }
        }

        return ContentEquals(other);
    }

    /// <inheritdoc/>
    public sealed override bool Equals(object? obj) => obj is IonValue other && Equals(other);

    /// <summary>A hash code consistent with Ion equivalence.</summary>
    public sealed override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        hash.Add(IsNull);
        foreach (var annotation in Annotations)
        {
            hash.Add(annotation);
        }

        hash.Add(ContentHashCode());
        return hash.ToHashCode();
    }

    /// <summary>Compact Ion text.</summary>
    public override string ToString() => IonText.Write(this);

    /// <summary>Ion equivalence.</summary>
    public static bool operator ==(IonValue? left, IonValue? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Ion non-equivalence.</summary>
    public static bool operator !=(IonValue? left, IonValue? right) => !(left == right);

    /// <summary><c>null</c> (<c>null.null</c>).</summary>
    public static IonNull Null => IonNull.Null;

    /// <summary>Creates a bool.</summary>
    public static IonBool From(bool value) => IonBool.Of(value);

    /// <summary>Creates an int.</summary>
    public static IonInt From(long value) => IonInt.Of(value);

    /// <summary>Creates an int.</summary>
    public static IonInt From(BigInteger value) => IonInt.Of(value);

    /// <summary>Creates a float.</summary>
    public static IonFloat From(double value) => IonFloat.Of(value);

    /// <summary>Creates a decimal, keeping the scale of <paramref name="value"/>.</summary>
    public static IonDecimalValue From(decimal value) => IonDecimalValue.Of(value);

    /// <summary>Creates a decimal.</summary>
    public static IonDecimalValue From(IonDecimal value) => IonDecimalValue.Of(value);

    /// <summary>Creates a timestamp.</summary>
    public static IonTimestampValue From(IonTimestamp value) => IonTimestampValue.Of(value);

    /// <summary>Creates a string.</summary>
    public static IonString From(string value) => IonString.Of(value);
}
