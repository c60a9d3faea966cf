using Ledger.Ion;

namespace Ledger.PartiQL.Evaluation;

/// <summary>
/// PartiQL value semantics (spec §6.5–§6.6): three-valued logic with MISSING behaving like NULL, equality across
/// numeric types and between strings and symbols, timestamps by instant, ordering within comparable families.
/// Pure functions; no I/O.
/// </summary>
public static class ValueSemantics
{
    // ------------------------------------------------------------------ three-valued logic

    /// <summary>SQL AND: false wins over unknown, unknown over true.</summary>
    public static Datum And(Datum left, Datum right)
    {
        var l = Truth(left, "AND");
        var r = Truth(right, "AND");
        if (l == false || r == false)
        {
            return Datum.False;
        }

        return l is null || r is null ? Datum.Null : Datum.True;
    }

    /// <summary>SQL OR: true wins over unknown, unknown over false.</summary>
    public static Datum Or(Datum left, Datum right)
    {
        var l = Truth(left, "OR");
        var r = Truth(right, "OR");
        if (l == true || r == true)
        {
            return Datum.True;
        }

        return l is null || r is null ? Datum.Null : Datum.False;
    }

    /// <summary>SQL NOT: NOT unknown is unknown.</summary>
    public static Datum Not(Datum operand) => Truth(operand, "NOT") switch
    {
        true => Datum.False,
        false => Datum.True,
        null => Datum.Null,
    };

    /// <summary>True only for the boolean true: what WHERE and ON keep (spec §6.1).</summary>
    public static bool IsTrue(Datum value) => value.Ion is IonBool { IsNull: false, Value: true };

    private static bool? Truth(Datum value, string operation)
    {
        if (value.IsAbsent)
        {
            return null;
        }

        return value.Ion is IonBool b ? b.Value : throw new EvaluationException($"{operation} expects a boolean operand, got {Describe(value)}");
    }

    // ------------------------------------------------------------------ equality

    /// <summary>The <c>=</c> operator: MISSING if an operand is MISSING, else NULL if one is NULL, else a bool.
    /// Values of different type families are unequal, never an error.</summary>
    public static Datum Equal(Datum left, Datum right)
    {
        if (left.IsMissing || right.IsMissing)
        {
            return Datum.Missing;
        }

        if (left.IsNull || right.IsNull)
        {
            return Datum.Null;
        }

        return Datum.Of(AreEqual(left, right));
    }

    /// <summary>Deep PartiQL equality of two present values (also used for IN, DISTINCT and NULLIF). Nulls nested
    /// inside containers are equal to each other.</summary>
    public static bool AreEqual(Datum left, Datum right)
    {
        if (left.Kind == DatumKind.Bag || right.Kind == DatumKind.Bag)
        {
            return left.Kind == right.Kind && MultisetEqual(left.Items, right.Items, AreEqual);
        }

        if (left.IsMissing || right.IsMissing)
        {
            return left.IsMissing && right.IsMissing;
        }

        return AreEqual(left.Ion!, right.Ion!);
    }

    public static bool AreEqual(IonValue left, IonValue right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (left.IsNull || right.IsNull)
        {
            return left.IsNull && right.IsNull;
        }

        if (IsNumber(left) && IsNumber(right))
        {
            return CompareNumbers(left, right) == 0;
        }

        switch (left, right)
        {
            case (IonString or IonSymbol, IonString or IonSymbol):
                return string.Equals(TextOf(left), TextOf(right), StringComparison.Ordinal);
            case (IonTimestampValue a, IonTimestampValue b):
                return a.Value.CompareTo(b.Value) == 0;
            case (IonBool a, IonBool b):
                return a.Value == b.Value;
            case (IonLob a, IonLob b) when a.Type == b.Type:
                return a.Span.SequenceEqual(b.Span);
            case (IonSequence a, IonSequence b) when a.Type == b.Type:
                if (a.Count != b.Count)
                {
                    return false;
                }

                for (var i = 0; i < a.Count; i++)
                {
                    if (!AreEqual(a[i], b[i]))
                    {
                        return false;
                    }
                }

                return true;
            case (IonStruct a, IonStruct b):
                return MultisetEqual(a.Fields, b.Fields,
                    (x, y) => string.Equals(x.Name.Text, y.Name.Text, StringComparison.Ordinal) && AreEqual(x.Value, y.Value));
            default:
                return false;
        }
    }

    private static bool MultisetEqual<T>(IReadOnlyList<T> left, IReadOnlyList<T> right, Func<T, T, bool> equal)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        var used = new bool[right.Count];
        foreach (var item in left)
        {
            var found = false;
            for (var j = 0; j < right.Count; j++)
            {
                if (!used[j] && equal(item, right[j]))
                {
                    used[j] = found = true;
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    // ------------------------------------------------------------------ ordering

    /// <summary><c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>: MISSING/NULL propagate; numbers, text,
    /// timestamps and bools compare within their family; anything else is an evaluation error.</summary>
    public static Datum Compare(Datum left, Datum right, Func<int, bool> accept, string operation)
    {
        ArgumentNullException.ThrowIfNull(accept);
        if (left.IsMissing || right.IsMissing)
        {
            return Datum.Missing;
        }

        if (left.IsNull || right.IsNull)
        {
            return Datum.Null;
        }

        return Datum.Of(accept(Order(left, right, operation)));
    }

    /// <summary>The order of two present, comparable values.</summary>
    public static int Order(Datum left, Datum right, string operation)
    {
        var a = left.Ion;
        var b = right.Ion;
        if (a is not null && b is not null)
        {
            if (IsNumber(a) && IsNumber(b))
            {
                return CompareNumbers(a, b);
            }

            switch (a, b)
            {
                case (IonString or IonSymbol, IonString or IonSymbol):
                    return string.CompareOrdinal(TextOf(a), TextOf(b)) switch { < 0 => -1, > 0 => 1, _ => 0 };
                case (IonTimestampValue x, IonTimestampValue y):
                    return x.Value.CompareTo(y.Value);
                case (IonBool x, IonBool y):
                    return x.Value.CompareTo(y.Value);
            }
        }

        throw new EvaluationException($"cannot compare {Describe(left)} and {Describe(right)} with {operation}");
    }

    // ------------------------------------------------------------------ numbers

    public static bool IsNumber(IonValue value) => value is IonInt or IonDecimalValue or IonFloat;

    /// <summary>Numeric order across int, decimal and float (a float makes the comparison a double one).</summary>
    public static int CompareNumbers(IonValue left, IonValue right)
    {
        // Ints are the common case (scans comparing years, counts, ids): no decimal conversion for them.
        if (left is IonInt a && right is IonInt b)
        {
            return a.TryGetInt64(out var x) && b.TryGetInt64(out var y) ? x.CompareTo(y) : a.Value.CompareTo(b.Value);
        }

        if (left is IonFloat || right is IonFloat)
        {
            return ToDouble(left).CompareTo(ToDouble(right));
        }

        return ToDecimal(left).CompareTo(ToDecimal(right));
    }

    internal static double ToDouble(IonValue value) => value switch
    {
        IonFloat f => f.Value,
        IonInt i => (double)i.Value,
        IonDecimalValue d => (double)d.Value.Coefficient * Math.Pow(10, d.Value.Exponent),
        _ => throw new EvaluationException($"expected a number, got {value.Type}"),
    };

    internal static IonDecimal ToDecimal(IonValue value) => value switch
    {
        IonInt i => IonDecimal.FromInteger(i.Value),
        IonDecimalValue d => d.Value,
        _ => throw new EvaluationException($"expected a number, got {value.Type}"),
    };

    internal static string? TextOf(IonValue value) => value switch
    {
        IonString s => s.Value,
        IonSymbol s => s.Text,
        _ => null,
    };

    internal static string Describe(Datum value) => value.Kind switch
    {
        DatumKind.Missing => "MISSING",
        DatumKind.Bag => "a bag",
        _ => value.Ion!.IsNull ? "NULL" : $"a value of type {value.Ion.Type.ToString().ToLowerInvariant()}",
    };
}
