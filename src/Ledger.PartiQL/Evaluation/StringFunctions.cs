using System.Text;
using Ledger.Ion;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Evaluation;

/// <summary>SUBSTRING and TRIM (spec §9), counting Unicode code points. NULL or MISSING arguments give NULL.</summary>
internal static class StringFunctions
{
    /// <summary>1-based; the window <c>[start, start + length)</c> is clipped to the string; a negative length is
    /// an error.</summary>
    public static Datum Substring(IReadOnlyList<Datum> arguments)
    {
        if (arguments.Count is < 2 or > 3)
        {
            throw new EvaluationException("SUBSTRING expects a string, a start and an optional length");
        }

        if (arguments.Any(a => a.IsAbsent))
        {
            return Datum.Null;
        }

        var text = Text(arguments[0], "SUBSTRING");
        var start = Integer(arguments[1], "SUBSTRING start");
        var runes = text.EnumerateRunes().ToArray();
        long end = runes.Length + 1;
        if (arguments.Count == 3)
        {
            var length = Integer(arguments[2], "SUBSTRING length");
            if (length < 0)
            {
                throw new EvaluationException("SUBSTRING length must not be negative");
            }

            end = Math.Min(end, start + length);
        }

        var from = Math.Max(start, 1);
        var builder = new StringBuilder();
        for (var i = from; i < end; i++)
        {
            builder.Append(runes[i - 1].ToString());
        }

        return Datum.Of(IonString.Of(builder.ToString()));
    }

    /// <summary>Removes characters of the set (default: space) from the chosen ends (default: both).</summary>
    public static Datum Trim(TrimSpecification specification, Datum characters, bool hasCharacters, Datum source)
    {
        if (source.IsAbsent || (hasCharacters && characters.IsAbsent))
        {
            return Datum.Null;
        }

        var text = Text(source, "TRIM");
        var set = hasCharacters ? Text(characters, "TRIM").EnumerateRunes().ToHashSet() : [new Rune(' ')];
        var runes = text.EnumerateRunes().ToArray();
        var first = 0;
        var last = runes.Length;
        if (specification != TrimSpecification.Trailing)
        {
            while (first < last && set.Contains(runes[first]))
            {
                first++;
            }
        }

        if (specification != TrimSpecification.Leading)
        {
            while (last > first && set.Contains(runes[last - 1]))
            {
                last--;
            }
        }

        return Datum.Of(IonString.Of(string.Concat(runes[first..last].Select(r => r.ToString()))));
    }

    private static string Text(Datum value, string function) =>
        value.Ion is IonString or IonSymbol ? ValueSemantics.TextOf(value.Ion)! :
        throw new EvaluationException($"{function} expects a string, got {ValueSemantics.Describe(value)}");

    private static long Integer(Datum value, string what) =>
        value.Ion is IonInt i && i.TryGetInt64(out var result) ? result :
        throw new EvaluationException($"{what} must be an integer, got {ValueSemantics.Describe(value)}");
}
