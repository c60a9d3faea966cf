namespace Ledger.PartiQL.Evaluation;

/// <summary>SQL LIKE: <c>%</c> any sequence, <c>_</c> one character, case-sensitive, optional escape character.
/// Iterative with backtracking to the last <c>%</c>, so no pattern can blow up the stack or take exponential time.</summary>
internal static class LikeMatcher
{
    public static bool Matches(string text, string pattern, char? escape)
    {
        var tokens = Compile(pattern, escape);
        int t = 0, p = 0, starToken = -1, starText = 0;
        while (t < text.Length)
        {
            if (p < tokens.Count && tokens[p] is { Kind: Kind.One } or { Kind: Kind.Literal } && (tokens[p].Kind == Kind.One || tokens[p].Char == text[t]))
            {
                t++;
                p++;
            }
            else if (p < tokens.Count && tokens[p].Kind == Kind.Any)
            {
                starToken = p++;
                starText = t;
            }
            else if (starToken >= 0)
            {
                p = starToken + 1;
                t = ++starText;
            }
            else
            {
                return false;
            }
        }

        while (p < tokens.Count && tokens[p].Kind == Kind.Any)
        {
            p++;
        }

        return p == tokens.Count;
    }

    private enum Kind
    {
        Literal,
        One,
        Any,
    }

    private readonly record struct PatternToken(Kind Kind, char Char);

    private static List<PatternToken> Compile(string pattern, char? escape)
    {
        var tokens = new List<PatternToken>(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (escape == c)
            {
                if (++i >= pattern.Length)
                {
                    throw new EvaluationException("LIKE pattern ends with the escape character");
                }

                tokens.Add(new PatternToken(Kind.Literal, pattern[i]));
            }
            else
            {
                tokens.Add(c switch
                {
                    '%' => new PatternToken(Kind.Any, c),
                    '_' => new PatternToken(Kind.One, c),
                    _ => new PatternToken(Kind.Literal, c),
                });
            }
        }

        return tokens;
    }
}
