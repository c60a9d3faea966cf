using System.Collections;
using System.Collections.Immutable;

namespace Ledger.Ion;

/// <summary>Common base of <see cref="IonList"/> and <see cref="IonSexp"/>: an ordered, immutable sequence of values.</summary>
public abstract class IonSequence : IonValue, IReadOnlyList<IonValue>
{
    private protected IonSequence(ImmutableArray<IonValue> elements, ImmutableArray<SymbolToken> annotations)
        : base(annotations)
    {
        Elements = elements.IsDefault ? [] : elements;
    }

    /// <summary>The elements, in order.</summary>
    public ImmutableArray<IonValue> Elements { get; }

    /// <summary>The number of elements.</summary>
    public int Count => Elements.Length;

    /// <summary>The element at <paramref name="index"/>.</summary>
    public IonValue this[int index] => Elements[index];

    /// <summary>Returns an enumerator over the elements.</summary>
    public ImmutableArray<IonValue>.Enumerator GetEnumerator() => Elements.GetEnumerator();

    IEnumerator<IonValue> IEnumerable<IonValue>.GetEnumerator() => ((IEnumerable<IonValue>)Elements).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Elements).GetEnumerator();

    private protected override bool ContentEquals(IonValue other)
    {
        var those = ((IonSequence)other).Elements;
        if (those.Length != Elements.Length)
        {
            return false;
        }

        for (var i = 0; i < Elements.Length; i++)
        {
            if (!Elements[i].Equals(those[i]))
            {
                return false;
            }
        }

        return true;
    }

    private protected override int ContentHashCode()
    {
        var hash = new HashCode();
        foreach (var element in Elements)
        {
            hash.Add(element.GetHashCode());
        }

        return hash.ToHashCode();
    }
}

/// <summary>An Ion list <c>[a, b]</c>. A null list is <see cref="IonNull"/> with type <see cref="IonType.List"/>.</summary>
public sealed class IonList : IonSequence
{
    private IonList(ImmutableArray<IonValue> elements, ImmutableArray<SymbolToken> annotations)
        : base(elements, annotations)
    {
    }

    /// <summary>The empty list.</summary>
    public static IonList Empty { get; } = new([], []);

    /// <inheritdoc/>
    public override IonType Type => IonType.List;

    /// <summary>Creates a list.</summary>
    public static IonList Of(params ReadOnlySpan<IonValue> elements) => new([.. elements], []);

    /// <summary>Creates a list.</summary>
    public static IonList Of(IEnumerable<IonValue> elements) => new([.. elements], []);

    /// <summary>Creates a list over an immutable array (no copy).</summary>
    public static IonList Of(ImmutableArray<IonValue> elements) => new(elements, []);

    /// <summary>Returns a list with <paramref name="value"/> appended.</summary>
    public IonList Add(IonValue value) => new(Elements.Add(value), Annotations);

    /// <summary>Returns a list with the element at <paramref name="index"/> replaced.</summary>
    public IonList SetItem(int index, IonValue value) => new(Elements.SetItem(index, value), Annotations);

    /// <summary>Returns a list without the element at <paramref name="index"/>.</summary>
    public IonList RemoveAt(int index) => new(Elements.RemoveAt(index), Annotations);

    private protected override IonValue WithAnnotationsCore(ImmutableArray<SymbolToken> annotations) => new IonList(Elements, annotations);
}

/// <summary>An Ion s-expression <c>(a b)</c>. A null sexp is <see cref="IonNull"/> with type <see cref="IonType.Sexp"/>.</summary>
public sealed class IonSexp : IonSequence
{
    private IonSexp(ImmutableArray<IonValue> elements, ImmutableArray<SymbolToken> annotations)
        : base(elements, annotations)
    {
    }

    /// <summary>The empty s-expression.</summary>
    public static IonSexp Empty { get; } = new([], []);

    /// <inheritdoc/>
    public override IonType Type => IonType.Sexp;

    /// <summary>Creates an s-expression.</summary>
    public static IonSexp Of(params ReadOnlySpan<IonValue> elements) => new([.. elements], []);

    /// <summary>Creates an s-expression.</summary>
    public static IonSexp Of(IEnumerable<IonValue> elements) => new([.. elements], []);

    /// <summary>Creates an s-expression over an immutable array (no copy).</summary>
    public static IonSexp Of(ImmutableArray<IonValue> elements) => new(elements, []);

    private protected override IonValue WithAnnotationsCore(ImmutableArray<SymbolToken> annotations) => new IonSexp(Elements, annotations);
}
