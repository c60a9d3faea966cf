using System.Collections.Concurrent;
using Ledger.PartiQL.Syntax;

namespace Ledger.Engine.Statements;

/// <summary>
/// Parses a statement text once for everyone who needs it: the HTTP handler's permission check and the engine's
/// execution read the same <see cref="ParseResult"/> (an immutable tree), and drivers that repeat parameterized
/// statements skip the parser altogether. Bounded: texts longer than <see cref="MaxCachedLength"/> are not kept,
/// and the cache starts over when it holds <see cref="Capacity"/> texts, so statements with inline literals cannot
/// grow it without limit.
/// </summary>
public static class ParsedStatements
{
    public const int Capacity = 1024;

    public const int MaxCachedLength = 4096;

    private static readonly ConcurrentDictionary<string, ParseResult> Cache = new(StringComparer.Ordinal);

    /// <summary>The parse of <paramref name="text"/>, from the cache when it was parsed before.</summary>
    public static ParseResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxCachedLength)
        {
            return PartiQLParser.Parse(text);
        }

        if (Cache.TryGetValue(text, out var parsed))
        {
            return parsed;
        }

        parsed = PartiQLParser.Parse(text);
        if (Cache.Count >= Capacity)
        {
            Cache.Clear();
        }

        Cache.TryAdd(text, parsed);
        return parsed;
    }
}
