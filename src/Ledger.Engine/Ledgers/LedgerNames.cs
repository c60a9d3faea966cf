using System.Text.RegularExpressions;

namespace Ledger.Engine.Ledgers;

/// <summary>QLDB's ledger name rule: 1-32 characters, letters, digits and single hyphens, not all digits.</summary>
public static partial class LedgerNames
{
    /// <summary>True when <paramref name="name"/> is a valid ledger name.</summary>
    public static bool IsValid(string? name) => name is { Length: >= 1 and <= 32 } && Pattern().IsMatch(name);

    [GeneratedRegex("(?!^.*--)(?!^[0-9]+$)(?!^-)(?!.*-$)^[A-Za-z0-9-]+$")]
    private static partial Regex Pattern();
}
