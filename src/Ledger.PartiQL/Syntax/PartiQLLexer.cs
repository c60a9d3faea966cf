using System.Collections.Frozen;
using Ledger.PartiQL.Syntax.Diagnostics;

namespace Ledger.PartiQL.Syntax;

/// <summary>The tokens of a statement and the lexical errors found while reading them.</summary>
public sealed record LexResult(IReadOnlyList<Token> Tokens, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>
/// Splits PartiQL text into tokens. Never throws: malformed input yields tokens plus diagnostics, and the token
/// list always ends with one <see cref="TokenKind.EndOfText"/> token. Comments and whitespace are dropped.
/// </summary>
public static class PartiQLLexer
{
    private static readonly FrozenDictionary<string, Keyword> Keywords =
        KeywordTable.All.ToFrozenDictionary(k => k.Text, k => k.Keyword, StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, Keyword>.AlternateLookup<ReadOnlySpan<char>> KeywordLookup =
        Keywords.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenDictionary<Keyword, string> KeywordSpellings =
        KeywordTable.All.ToFrozenDictionary(k => k.Keyword, k => k.Text);

    /// <summary>The canonical upper-case spelling of a keyword, e.g. <c>CHAR_LENGTH</c>.</summary>
    public static string Spelling(Keyword keyword) =>
        KeywordSpellings.TryGetValue(keyword, out var text) ? text : keyword.ToString().ToUpperInvariant();

    /// <summary>True when <paramref name="word"/> is reserved and can only be used as a name when quoted.</summary>
    public static bool IsReserved(ReadOnlySpan<char> word) => KeywordLookup.ContainsKey(word);

    public static LexResult Lex(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<Token>(Math.Max(8, text.Length / 4));
        List<Diagnostic>? diagnostics = null;
        LexInto(text, tokens, ref diagnostics);
        return new LexResult(tokens, (IReadOnlyList<Diagnostic>?)diagnostics ?? []);
    }

    internal static void LexInto(string text, List<Token> tokens, ref List<Diagnostic>? diagnostics)
    {
        var i = 0;
        var n = text.Length;
        while (i < n)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            switch (c)
            {
                case '-' when i + 1 < n && text[i + 1] == '-':
                    while (i < n && text[i] != '\n' && text[i] != '\r')
                    {
                        i++;
                    }

                    continue;
                case '/' when i + 1 < n && text[i + 1] == '*':
                    var close = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    if (close < 0)
                    {
                        Report(ref diagnostics, DiagnosticFacts.UnterminatedComment(), text, new TextSpan(start, 2));
                        i = n;
                    }
                    else
                    {
                        i = close + 2;
                    }

                    continue;
                case '\'':
                    i = ScanQuoted(text, i, '\'');
                    if (i < 0)
                    {
                        Report(ref diagnostics, DiagnosticFacts.UnterminatedString(), text, new TextSpan(start, 1));
                        i = n;
                    }

                    Add(tokens, TokenKind.StringLiteral, start, i);
                    continue;
                case '"':
                    i = ScanQuoted(text, i, '"');
                    if (i < 0)
                    {
                        Report(ref diagnostics, DiagnosticFacts.UnterminatedQuotedIdentifier(), text, new TextSpan(start, 1));
                        i = n;
                    }

                    Add(tokens, TokenKind.QuotedIdentifier, start, i);
                    continue;
                case '`':
                    i = ScanIonLiteral(text, i);
                    if (i < 0)
                    {
                        Report(ref diagnostics, DiagnosticFacts.UnterminatedIonLiteral(), text, new TextSpan(start, 1));
                        i = n;
                    }

                    Add(tokens, TokenKind.IonLiteral, start, i);
                    continue;
            }

            if (IsIdentifierStart(c))
            {
                i++;
                while (i < n && IsIdentifierPart(text[i]))
                {
                    i++;
                }

                var keyword = KeywordLookup.TryGetValue(text.AsSpan(start, i - start), out var k) ? k : Keyword.None;
                tokens.Add(new Token(keyword == Keyword.None ? TokenKind.Identifier : TokenKind.Keyword, keyword,
                    TextSpan.FromBounds(start, i)));
                continue;
            }

            if (char.IsAsciiDigit(c))
            {
                i = ScanNumber(text, i, out var kind, out var valid);
                if (!valid)
                {
                    Report(ref diagnostics, DiagnosticFacts.InvalidNumber(text[start..i]), text, TextSpan.FromBounds(start, i));
                }

                Add(tokens, kind, start, i);
                continue;
            }

            var (punctuation, length) = ScanPunctuation(text, i);
            if (punctuation == TokenKind.BadCharacter)
            {
                while (i + length < n && IsBadCharacter(text, i + length))
                {
                    length++;
                }

                Report(ref diagnostics, DiagnosticFacts.UnexpectedCharacter(c), text, new TextSpan(start, length));
            }

            i += length;
            Add(tokens, punctuation, start, i);
        }

        tokens.Add(new Token(TokenKind.EndOfText, Keyword.None, new TextSpan(n, 0)));
    }

    private static bool IsBadCharacter(string text, int i)
    {
        var c = text[i];
        return !char.IsWhiteSpace(c) && !IsIdentifierStart(c) && !char.IsAsciiDigit(c)
            && c is not ('\'' or '"' or '`') && ScanPunctuation(text, i).Kind == TokenKind.BadCharacter;
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c is '_' or '$' || (c > 127 && char.IsLetter(c));

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c);

    private static void Add(List<Token> tokens, TokenKind kind, int start, int end) =>
        tokens.Add(new Token(kind, Keyword.None, TextSpan.FromBounds(start, end)));

    private static void Report(ref List<Diagnostic>? diagnostics, DiagnosticInfo info, string text, TextSpan span) =>
        (diagnostics ??= []).Add(info.WithLocation(text, span));

    /// <summary>Scans a '…' or "…" token where a doubled quote stands for one. Returns the end, or -1 if unclosed.</summary>
    private static int ScanQuoted(string text, int start, char quote)
    {
        var i = start + 1;
        while (true)
        {
            var close = text.IndexOf(quote, i);
            if (close < 0)
            {
                return -1;
            }

            if (close + 1 < text.Length && text[close + 1] == quote)
            {
                i = close + 2;
                continue;
            }

            return close + 1;
        }
    }

    /// <summary>
    /// Scans a backtick Ion literal. A backtick inside Ion string or quoted-symbol content does not end it, so the
    /// scan steps over "…", '…' and '''…''' with their backslash escapes. Returns the end, or -1 if unclosed.
    /// </summary>
    private static int ScanIonLiteral(string text, int start)
    {
        var i = start + 1;
        var n = text.Length;
        while (i < n)
        {
            var c = text[i];
            switch (c)
            {
                case '`':
                    return i + 1;
                case '"':
                    i = SkipIonQuoted(text, i + 1, '"');
                    break;
                case '\'' when i + 2 < n && text[i + 1] == '\'' && text[i + 2] == '\'':
                    var close = text.IndexOf("'''", i + 3, StringComparison.Ordinal);
                    i = close < 0 ? n : close + 3;
                    break;
                case '\'':
                    i = SkipIonQuoted(text, i + 1, '\'');
                    break;
                default:
                    i++;
                    break;
            }
        }

        return -1;
    }

    private static int SkipIonQuoted(string text, int i, char quote)
    {
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\')
            {
                i += 2;
                continue;
            }

            i++;
            if (c == quote)
            {
                return i;
            }
        }

        return text.Length;
    }

    /// <summary>Digits, an optional fraction, an optional exponent. Anything with '.' or an exponent is a decimal
    /// (spec §2: the lexer QLDB used reads 1e3 as a decimal).</summary>
    private static int ScanNumber(string text, int i, out TokenKind kind, out bool valid)
    {
        var n = text.Length;
        kind = TokenKind.IntegerLiteral;
        valid = true;
        while (i < n && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i < n && text[i] == '.' && (i + 1 >= n || !IsIdentifierStart(text[i + 1])))
        {
            kind = TokenKind.DecimalLiteral;
            i++;
            while (i < n && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < n && text[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < n && text[j] is '+' or '-')
            {
                j++;
            }

            if (j < n && char.IsAsciiDigit(text[j]))
            {
                kind = TokenKind.DecimalLiteral;
                i = j;
                while (i < n && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }
            }
            else if (j >= n || !IsIdentifierPart(text[j]) || text[j - 1] is '+' or '-')
            {
                // "1e" or "1e+" with no exponent digits: a malformed number, not a number followed by a name.
                kind = TokenKind.DecimalLiteral;
                valid = false;
                i = j;
            }
        }

        return i;
    }

    private static (TokenKind Kind, int Length) ScanPunctuation(string text, int i)
    {
        var c = text[i];
        var next = i + 1 < text.Length ? text[i + 1] : '\0';
        return c switch
        {
            '(' => (TokenKind.OpenParen, 1),
            ')' => (TokenKind.CloseParen, 1),
            '[' => (TokenKind.OpenBracket, 1),
            ']' => (TokenKind.CloseBracket, 1),
            '{' => (TokenKind.OpenBrace, 1),
            '}' => (TokenKind.CloseBrace, 1),
            ',' => (TokenKind.Comma, 1),
            '.' => (TokenKind.Dot, 1),
            ':' => (TokenKind.Colon, 1),
            ';' => (TokenKind.Semicolon, 1),
            '@' => (TokenKind.At, 1),
            '?' => (TokenKind.Parameter, 1),
            '*' => (TokenKind.Star, 1),
            '+' => (TokenKind.Plus, 1),
            '-' => (TokenKind.Minus, 1),
            '/' => (TokenKind.Slash, 1),
            '%' => (TokenKind.Percent, 1),
            '=' => (TokenKind.Equal, 1),
            '|' when next == '|' => (TokenKind.Concat, 2),
            '!' when next == '=' => (TokenKind.BangEqual, 2),
            '<' when next == '<' => (TokenKind.OpenBag, 2),
            '<' when next == '=' => (TokenKind.LessOrEqual, 2),
            '<' when next == '>' => (TokenKind.NotEqual, 2),
            '<' => (TokenKind.Less, 1),
            '>' when next == '>' => (TokenKind.CloseBag, 2),
            '>' when next == '=' => (TokenKind.GreaterOrEqual, 2),
            '>' => (TokenKind.Greater, 1),
            _ => (TokenKind.BadCharacter, 1),
        };
    }
}
