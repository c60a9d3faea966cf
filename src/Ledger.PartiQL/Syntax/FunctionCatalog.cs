using System.Collections.Frozen;

namespace Ledger.PartiQL.Syntax;

/// <summary>
/// The scalar functions QLDB supports with a plain call syntax (spec §9) and their arities. Aggregates and the
/// special forms (CAST, SUBSTRING, TRIM, EXTRACT, DATE_ADD, DATE_DIFF) have their own grammar in the parser.
/// Any other name is rejected as unsupported.
/// </summary>
public static class FunctionCatalog
{
    /// <summary>Upper-case name → (minimum, maximum) argument count; maximum -1 means unbounded.</summary>
    public static readonly FrozenDictionary<string, (int Min, int Max)> ScalarFunctions =
        new Dictionary<string, (int Min, int Max)>(StringComparer.OrdinalIgnoreCase)
        {
            ["SIZE"] = (1, 1),
            ["EXISTS"] = (1, 1),
            ["COALESCE"] = (1, -1),
            ["NULLIF"] = (2, 2),
            ["CHAR_LENGTH"] = (1, 1),
            ["CHARACTER_LENGTH"] = (1, 1),
            ["LOWER"] = (1, 1),
            ["UPPER"] = (1, 1),
            ["TO_STRING"] = (2, 2),
            ["TO_TIMESTAMP"] = (1, 2),
            ["UTCNOW"] = (0, 0),
            ["TXID"] = (0, 0),
        }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    internal static string DescribeArity((int Min, int Max) arity) => arity switch
    {
        (var min, var max) when min == max => min.ToString(System.Globalization.CultureInfo.InvariantCulture),
        (var min, -1) => $"at least {min}",
        (var min, var max) => $"{min} to {max}",
    };
}
