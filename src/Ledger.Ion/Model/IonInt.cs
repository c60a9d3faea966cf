using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Ledger.Ion;

/// <summary>An arbitrary-precision Ion int, stored as a <see cref="long"/> when it fits.</summary>
public sealed class IonInt : IonValue
{
    // Boxed only when the value does not fit in a long, which keeps the common instance small.
    private readonly long _small;
    private readonly StrongBox<BigInteger>? _big;

    private IonInt(long small, StrongBox<BigInteger>? big, ImmutableArray<SymbolToken> annotations)
        : base(annotations)
    {
        _small = small;
        _big = big;
    }

    /// <inheritdoc/>
    public override IonType Type => IonType.Int;

    /// <summary>The value.</summary>
    public BigInteger Value => _big is null ? _small : _big.Value;

    /// <summary>True when the value fits in a <see cref="long"/>.</summary>
    public bool FitsInInt64 => _big is null;

    /// <summary>The sign: -1, 0 or 1.</summary>
    public int Sign => _big is null ? Math.Sign(_small) : _big.Value.Sign;

    /// <summary>Gets the value as a <see cref="long"/> when it fits.</summary>
    public bool TryGetInt64(out long value)
    {
        value = _small;
        return _big is null;
    }

    /// <summary>The value as a <see cref="long"/>; throws <see cref="OverflowException"/> when it does not fit.</summary>
    public long ToInt64() => _big is null ? _small : throw new OverflowException($"Ion int {_big.Value} does not fit in Int64.");

    // Small non-negative ints dominate real documents; sharing their instances saves allocations.
    private static readonly IonInt[] SmallValues = [.. Enumerable.Range(0, 256).Select(i => new IonInt(i, null, []))];

    /// <summary>Creates an int.</summary>
    public static IonInt Of(long value) => (ulong)value < (ulong)SmallValues.Length ? SmallValues[value] : new(value, null, []);

    /// <summary>Creates an int (stored as a <see cref="long"/> when it fits).</summary>
    public static IonInt Of(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? Of((long)value) : new(0, new StrongBox<BigInteger>(value), []);

    private protected override IonValue WithAnnotationsCore(ImmutableArray<SymbolToken> annotations) =>
        new IonInt(_small, _big, annotations);

    private protected override bool ContentEquals(IonValue other)
    {
        var that = (IonInt)other;
        return _big is null ? that._big is null && _small == that._small : that._big is not null && that._big.Value.Equals(_big.Value);
    }

    private protected override int ContentHashCode() => _big is null ? _small.GetHashCode() : _big.Value.GetHashCode();
}
