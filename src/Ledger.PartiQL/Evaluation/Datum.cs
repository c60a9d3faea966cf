using System.Collections.Immutable;
using Ledger.Ion;

namespace Ledger.PartiQL.Evaluation;

public enum DatumKind : byte
{
    /// <summary>An absent attribute (PartiQL MISSING); never stored.</summary>
    Missing,
    /// <summary>An Ion value, including every typed null.</summary>
    Ion,
    /// <summary>An unordered collection (query results, <c>&lt;&lt; … &gt;&gt;</c>).</summary>
    Bag,
}

/// <summary>
/// A PartiQL runtime value: an Ion value, MISSING, or a bag. A struct so that wrapping Ion values on the hot path
/// allocates nothing; <c>default</c> is MISSING.
/// </summary>
public readonly struct Datum
{
    private Datum(DatumKind kind, IonValue? ion, ImmutableArray<Datum> items)
    {
        Kind = kind;
        Ion = ion;
        Items = items;
    }

    public static Datum Missing => default;

    public static Datum Null { get; } = new(DatumKind.Ion, IonNull.Null, default);

    public static Datum True { get; } = new(DatumKind.Ion, IonBool.True, default);

    public static Datum False { get; } = new(DatumKind.Ion, IonBool.False, default);

    public DatumKind Kind { get; }

    /// <summary>The Ion value when <see cref="Kind"/> is <see cref="DatumKind.Ion"/>.</summary>
    public IonValue? Ion { get; }

    /// <summary>The elements when <see cref="Kind"/> is <see cref="DatumKind.Bag"/>.</summary>
    public ImmutableArray<Datum> Items { get; }

    public bool IsMissing => Kind == DatumKind.Missing;

    /// <summary>True for any Ion null (typed or not).</summary>
    public bool IsNull => Kind == DatumKind.Ion && Ion!.IsNull;

    /// <summary>NULL or MISSING: the "unknown" of three-valued logic.</summary>
    public bool IsAbsent => IsMissing || IsNull;

    public static Datum Of(IonValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(DatumKind.Ion, value, default);
    }

    public static Datum Of(bool value) => value ? True : False;

    public static Datum Bag(ImmutableArray<Datum> items) => new(DatumKind.Bag, null, items.IsDefault ? [] : items);

    public override string ToString() => Kind switch
    {
        DatumKind.Missing => "MISSING",
        DatumKind.Bag => $"<< {string.Join(", ", Items)} >>",
        _ => Ion!.ToString(),
    };
}
