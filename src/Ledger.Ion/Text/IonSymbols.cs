namespace Ledger.Ion.Text;

/// <summary>Lexical rules for symbol text shared by the text reader and writer.</summary>
internal static class IonSymbols
{
    /// <summary>
    /// True when <paramref name="text"/> can be written without quotes anywhere: an identifier that is not a
    /// keyword, not a SID literal (<c>$12</c>) and not a version-marker spelling (<c>$ion_1_0</c>).
    /// </summary>
    public static bool IsPlainIdentifier(string text)
    {
        if (text.Length == 0 || !IsIdentifierStart(text[0]))
        {
            return false;
        }

        for (var i = 1; i < text.Length; i++)
        {
            if (!IsIdentifierPart(text[i]))
            {
                return false;
            }
        }

        return !IsKeyword(text) && !IsSidLiteral(text) && !IsVersionMarkerSpelling(text);
    }

    public static bool IsIdentifierStart(int c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a' || c == '_' || c == '$';

    public static bool IsIdentifierPart(int c) => IsIdentifierStart(c) || (uint)(c - '0') <= 9;

    public static bool IsOperatorChar(int c) => c switch
    {
        '!' or '#' or '%' or '&' or '*' or '+' or '-' or '.' or '/' or ';' or '<' or '=' or '>' or '?' or '@' or '^' or '`' or '|' or '~' => true,
        _ => false,
    };

    public static bool IsKeyword(ReadOnlySpan<char> text) =>
        text is "null" or "true" or "false" or "nan";

    public static bool IsSidLiteral(ReadOnlySpan<char> text)
    {
        if (text.Length < 2 || text[0] != '$')
        {
            return false;
        }

        foreach (var c in text[1..])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for <c>$ion_&lt;digits&gt;_&lt;digits&gt;</c>.</summary>
    public static bool IsVersionMarkerSpelling(ReadOnlySpan<char> text)
    {
        if (!text.StartsWith("$ion_", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = text[5..];
        var underscore = rest.IndexOf('_');
        if (underscore <= 0 || underscore == rest.Length - 1)
        {
            return false;
        }

        foreach (var c in rest[..underscore])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        foreach (var c in rest[(underscore + 1)..])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
