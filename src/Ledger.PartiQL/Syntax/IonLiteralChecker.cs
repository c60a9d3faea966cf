namespace Ledger.PartiQL.Syntax;

/// <summary>
/// A structural check of backtick Ion literals: non-empty, strings and quoted symbols closed, containers balanced,
/// every struct field has a value. It catches truncated literals such as <c>`{a:`</c> until the full Ion text
/// reader (Ledger.Ion) is wired in, which will validate every value.
/// </summary>
internal static class IonLiteralChecker
{
    /// <summary>Returns null when the literal looks well formed, else the reason it is not.</summary>
    public static string? Check(ReadOnlySpan<char> content)
    {
        if (content.Trim().IsEmpty)
        {
            return "the literal is empty";
        }

        Span<char> stack = stackalloc char[64];
        var depth = 0;
        var expectValue = false;
        var i = 0;
        while (i < content.Length)
        {
            var c = content[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            switch (c)
            {
                case '"':
                case '\'':
                    var end = SkipQuoted(content, i);
                    if (end < 0)
                    {
                        return "unterminated string or symbol";
                    }

                    i = end;
                    expectValue = false;
                    continue;
                case '{' or '[' or '(':
                    var open = c == '{' && i + 1 < content.Length && content[i + 1] == '{' ? 'B' : c;
                    if (depth == stack.Length)
                    {
                        return "the literal is nested too deeply";
                    }

                    stack[depth++] = open;
                    i += open == 'B' ? 2 : 1;
                    expectValue = false;
                    continue;
                case '}' or ']' or ')':
                    if (expectValue)
                    {
                        return "a struct field has no value";
                    }

                    var expected = depth == 0 ? '\0' : stack[depth - 1];
                    var isBlobEnd = c == '}' && expected == 'B';
                    if (depth == 0 || (expected != Opening(c) && !isBlobEnd))
                    {
                        return $"unbalanced '{c}'";
                    }

                    if (isBlobEnd)
                    {
                        if (i + 1 >= content.Length || content[i + 1] != '}')
                        {
                            return "unterminated blob or clob";
                        }

                        i++;
                    }

                    depth--;
                    i++;
                    continue;
                case ':' when depth > 0 && stack[depth - 1] == '{':
                    if (i + 1 < content.Length && content[i + 1] == ':')
                    {
                        i += 2; // an annotation separator inside a struct value
                        continue;
                    }

                    expectValue = true;
                    i++;
                    continue;
                case ',':
                    if (expectValue)
                    {
                        return "a struct field has no value";
                    }

                    i++;
                    continue;
                default:
                    expectValue = false;
                    i++;
                    continue;
            }
        }

        if (depth > 0)
        {
            return "unclosed container";
        }

        return expectValue ? "a struct field has no value" : null;
    }

    private static char Opening(char close) => close switch
    {
        '}' => '{',
        ']' => '[',
        _ => '(',
    };

    private static int SkipQuoted(ReadOnlySpan<char> content, int start)
    {
        var quote = content[start];
        if (quote == '\'' && content[start..].StartsWith("'''"))
        {
            var close = content[(start + 3)..].IndexOf("'''");
            return close < 0 ? -1 : start + 3 + close + 3;
        }

        for (var i = start + 1; i < content.Length; i++)
        {
            if (content[i] == '\\')
            {
                i++;
            }
            else if (content[i] == quote)
            {
                return i + 1;
            }
        }

        return -1;
    }
}
