using System.Collections.Immutable;

namespace Ledger.Ion;

/// <summary>
/// A typed null: <c>null</c> / <c>null.null</c>, <c>null.int</c>, <c>null.struct</c>, ... <see cref="Type"/> says
/// which. Null containers are <see cref="IonNull"/> too (not empty <see cref="IonList"/>/<see cref="IonStruct"/>).
/// </summary>
public sealed class IonNull : IonValue
{
    private static readonly IonNull[] Unannotated = CreateUnannotated();

    private IonNull(IonType type, ImmutableArray<SymbolToken> annotations)
        : base(annotations)
    {
        Type = type;
    }

    /// <inheritdoc/>
    public override IonType Type { get; }

    /// <inheritdoc/>
    public override bool IsNull => true;

    /// <summary><c>null.null</c>.</summary>
    public static new IonNull Null => Unannotated[(int)IonType.Null];

    /// <summary>The null of the given type (a shared instance).</summary>
    public static IonNull Of(IonType type)
    {
        if ((uint)type > (uint)IonType.Struct)
        {
            ThrowHelper.ThrowArgument($"Unknown Ion type {type}.", nameof(type));
        }

        return Unannotated[(int)type];
    }

    private static IonNull[] CreateUnannotated()
    {
        var nulls = new IonNull[(int)IonType.Struct + 1];
        for (var i = 0; i < nulls.Length; i++)
        {
            nulls[i] = new IonNull((IonType)i, []);
        }

        return nulls;
    }

    private protected override IonValue WithAnnotationsCore(ImmutableArray<SymbolToken> annotations) =>
        annotations.IsDefaultOrEmpty ? Of(Type) : new IonNull(Type, annotations);

    private protected override bool ContentEquals(IonValue other) => true;

    private protected override int ContentHashCode() => 0;
}
