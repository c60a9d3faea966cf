using System.Globalization;
using System.Numerics;
using Ledger.Ion;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Evaluation;

/// <summary>
/// <c>CAST(e AS type)</c> with PartiQL's rules (spec §9): NULL → NULL and MISSING → MISSING (except that CAST to
/// NULL or MISSING converts between the two); a non-null value cast to NULL or MISSING, or any value that cannot
/// be converted, is an error. Numbers to int truncate toward zero; strings to bool are true only for "true"
/// (any case); numbers to bool are true when non-zero.
/// </summary>
internal static class Casts
{
    public static Datum Cast(Datum value, TypeName type)
    {
        if (value.IsAbsent)
        {
            return type switch
            {
                TypeName.Missing => Datum.Missing,
                TypeName.Null => Datum.Null,
                _ => value.IsMissing ? Datum.Missing : Datum.Null,
            };
        }

        if (value.Kind == DatumKind.Bag)
        {
            return type switch
            {
                TypeName.Bag => value,
                TypeName.List => Datum.Of(IonList.Of(value.Items.Select(i => i.Ion).OfType<IonValue>())),
                TypeName.Sexp => Datum.Of(IonSexp.Of(value.Items.Select(i => i.Ion).OfType<IonValue>())),
                _ => throw Fail(value, type),
            };
        }

        var ion = value.Ion!;
        IonValue? result = type switch
        {
            TypeName.Bool => ToBool(ion),
            TypeName.Int => ToInt(ion),
            TypeName.Float => ToFloat(ion),
            TypeName.Decimal => ToDecimal(ion),
            TypeName.String => Text(ion) is { } s ? IonString.Of(s) : null,
            TypeName.Symbol => Text(ion) is { } y ? IonSymbol.Of(y) : null,
            TypeName.Timestamp => ion switch
            {
                IonTimestampValue => ion,
                IonString or IonSymbol when IonTimestamp.TryParse(ValueSemantics.TextOf(ion), out var ts) => IonTimestampValue.Of(ts),
                _ => null,
            },
            TypeName.Struct => ion as IonStruct,
            TypeName.List => ion is IonSequence list ? IonList.Of(list.Elements) : null,
            TypeName.Sexp => ion is IonSequence sexp ? IonSexp.Of(sexp.Elements) : null,
            TypeName.Blob => ion.Type == IonType.Blob ? ion : null,
            TypeName.Clob => ion.Type == IonType.Clob ? ion : null,
            _ => null,
        };
        if (type == TypeName.Bag && ion is IonSequence items)
        {
            return Datum.Bag([.. items.Elements.Select(Datum.Of)]);
        }

        return result is null ? throw Fail(value, type) : Datum.Of(result);
    }

    private static EvaluationException Fail(Datum value, TypeName type) =>
        new($"cannot cast {ValueSemantics.Describe(value)} to {type.ToString().ToLowerInvariant()}");

    private static IonBool? ToBool(IonValue value) => value switch
    {
        IonBool b => b,
        IonInt i => IonBool.Of(!i.Value.IsZero),
        IonDecimalValue d => IonBool.Of(!d.Value.Coefficient.IsZero),
        IonFloat f => IonBool.Of(f.Value != 0),
        IonString or IonSymbol => IonBool.Of(string.Equals(ValueSemantics.TextOf(value), "true", StringComparison.OrdinalIgnoreCase)),
        _ => null,
    };

    private static IonInt? ToInt(IonValue value)
    {
        switch (value)
        {
            case IonBool b:
                return IonInt.Of(b.Value ? 1 : 0);
            case IonInt i:
                return i;
            case IonDecimalValue d:
                return IonInt.Of(Truncate(d.Value));
            case IonFloat f when double.IsFinite(f.Value):
                return IonInt.Of(new BigInteger(Math.Truncate(f.Value)));
            case IonString or IonSymbol:
                var text = ValueSemantics.TextOf(value)!.Trim();
                return BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? IonInt.Of(parsed) : null;
            default:
                return null;
        }
    }

    private static IonFloat? ToFloat(IonValue value) => value switch
    {
        IonBool b => IonFloat.Of(b.Value ? 1 : 0),
        IonFloat f => f,
        IonInt or IonDecimalValue => IonFloat.Of(ValueSemantics.ToDouble(value)),
        IonString or IonSymbol when double.TryParse(ValueSemantics.TextOf(value), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => IonFloat.Of(d),
        _ => null,
    };

    private static IonDecimalValue? ToDecimal(IonValue value) => value switch
    {
        IonBool b => IonDecimalValue.Of(new IonDecimal(b.Value ? 1 : 0, 0)),
        IonDecimalValue d => d,
        IonInt i => IonDecimalValue.Of(new IonDecimal(i.Value, 0)),
        IonFloat f when double.IsFinite(f.Value) && IonDecimal.TryParse(f.Value.ToString("R", CultureInfo.InvariantCulture), out var fd) => IonDecimalValue.Of(fd),
        IonString or IonSymbol when IonDecimal.TryParse(ValueSemantics.TextOf(value), out var sd) => IonDecimalValue.Of(sd),
        _ => null,
    };

    private static string? Text(IonValue value) => value switch
    {
        IonString or IonSymbol => ValueSemantics.TextOf(value),
        IonBool or IonInt or IonDecimalValue or IonFloat or IonTimestampValue => IonText.Write(value),
        _ => null,
    };

    private static BigInteger Truncate(IonDecimal value) => value.Exponent >= 0
        ? value.Coefficient * BigInteger.Pow(10, value.Exponent)
        : value.Coefficient / BigInteger.Pow(10, -value.Exponent);
}
