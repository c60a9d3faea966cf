using System.Runtime.CompilerServices;
using Ledger.PartiQL.Syntax.Ast;
using Ledger.PartiQL.Syntax.Diagnostics;

namespace Ledger.PartiQL.Syntax;

/// <summary>
/// Hand-written recursive-descent parser for QLDB's PartiQL dialect (spec §3). Never throws on bad input: a
/// missing token is reported and parsing goes on as if it were there (zero width), an unparseable expression
/// becomes a <see cref="MissingExpression"/>, and whatever follows the statement becomes one
/// <see cref="SkippedTokens"/> node flagged on its first token. Every loop consumes a token per iteration, so the
/// parser always terminates; nesting is bounded by <see cref="MaxNestingDepth"/> and by the stack actually left.
/// </summary>
public sealed partial class PartiQLParser
{
    /// <summary>How deeply expressions may nest (parentheses, containers, subqueries, prefix operators).</summary>
    public const int MaxNestingDepth = 100;

    /// <summary>Bad input can produce many follow-on errors; clients only see the first, so keep a few.</summary>
    private const int MaxDiagnostics = 20;

    private readonly string text;
    private readonly List<Token> tokens;
    private List<Diagnostic>? diagnostics;
    private int position;
    private int previousEnd;
    private int depth;
    private bool nestingReported;
    private int lastErrorOffset = -1;
    private int parameterCount;
    private bool sawSubquery;
    private bool sawAggregate;

    private PartiQLParser(string text)
    {
        this.text = text;
        tokens = new List<Token>(Math.Max(8, text.Length / 4));
        PartiQLLexer.LexInto(text, tokens, ref diagnostics);
    }

    /// <summary>Parses one statement (optionally followed by one <c>;</c>).</summary>
    public static ParseResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new PartiQLParser(text);
        var statement = parser.ParseStatement();
        var skipped = parser.FinishStatement();
        return new ParseResult(text, statement, skipped, (IReadOnlyList<Diagnostic>?)parser.diagnostics ?? [],
            parser.parameterCount)
        {
            HasSubqueries = parser.sawSubquery,
            HasAggregates = parser.sawAggregate,
        };
    }

    /// <summary>Parses a lone expression (used by tests and tools; statements must go through <see cref="Parse"/>).</summary>
    public static (Expression Expression, IReadOnlyList<Diagnostic> Diagnostics) ParseExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new PartiQLParser(text);
        var expression = parser.ParseExpression();
        parser.FinishStatement();
        return (expression, (IReadOnlyList<Diagnostic>?)parser.diagnostics ?? []);
    }

    // ------------------------------------------------------------------ token helpers

    private Token Current => tokens[position];

    private Token Peek(int offset) => tokens[Math.Min(position + offset, tokens.Count - 1)];

    private bool At(TokenKind kind) => Current.Kind == kind;

    private bool AtKeyword(Keyword keyword) => Current.IsKeyword(keyword);

    private bool IsWord(Token token, string word) =>
        token.Kind == TokenKind.Identifier && text.AsSpan(token.Span.Start, token.Span.Length).Equals(word, StringComparison.OrdinalIgnoreCase);

    private bool AtWord(string word) => IsWord(Current, word);

    private bool AtName => Current.Kind is TokenKind.Identifier or TokenKind.QuotedIdentifier;

    private string TextOf(Token token) => text.Substring(token.Span.Start, token.Span.Length);

    private Token Next()
    {
        var token = Current;
        if (token.Kind != TokenKind.EndOfText)
        {
            position++;
            previousEnd = token.Span.End;
        }

        return token;
    }

    private bool TryEat(TokenKind kind)
    {
        if (!At(kind))
        {
            return false;
        }

        Next();
        return true;
    }

    private bool TryEatKeyword(Keyword keyword)
    {
        if (!AtKeyword(keyword))
        {
            return false;
        }

        Next();
        return true;
    }

    /// <summary>Consumes the expected token, or reports it missing and carries on as if it were there.</summary>
    private void Expect(TokenKind kind, string description)
    {
        if (!TryEat(kind))
        {
            ReportExpected(description);
        }
    }

    private void ExpectKeyword(Keyword keyword)
    {
        if (!TryEatKeyword(keyword))
        {
            ReportExpected(PartiQLLexer.Spelling(keyword));
        }
    }

    private void ReportExpected(string description) =>
        Report(DiagnosticFacts.ExpectedToken(description, Describe(Current)), new TextSpan(Current.Span.Start, 0));

    private string Describe(Token token)
    {
        if (token.Kind == TokenKind.EndOfText)
        {
            return "end of statement";
        }

        var tokenText = TextOf(token);
        return tokenText.Length > 30 ? $"'{tokenText[..30]}…'" : $"'{tokenText}'";
    }

    private void Report(DiagnosticInfo info, TextSpan span)
    {
        // A second complaint at the very spot of an earlier one is nearly always a cascade of the first.
        if (span.Start == lastErrorOffset && info.Category == DiagnosticCategory.Syntax)
        {
            return;
        }

        diagnostics ??= [];
        if (diagnostics.Count >= MaxDiagnostics)
        {
            return;
        }

        lastErrorOffset = span.Start;
        diagnostics.Add(info.WithLocation(text, span));
    }

    private int ErrorCount => diagnostics?.Count ?? 0;

    private TextSpan SpanFrom(int start) => TextSpan.FromBounds(start, Math.Max(start, previousEnd));

    private T Located<T>(T node, int start)
        where T : SyntaxNode => node with { Span = SpanFrom(start) };

    private MissingExpression MissingHere() => new() { Span = new TextSpan(Current.Span.Start, 0) };

    /// <summary>Enters one nesting level; false (after one diagnostic) when the limit or the stack is exhausted.</summary>
    private bool EnterNesting()
    {
        if (depth >= MaxNestingDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            if (!nestingReported)
            {
                nestingReported = true;
                Report(DiagnosticFacts.NestingTooDeep(MaxNestingDepth), new TextSpan(Current.Span.Start, Current.Span.Length));
            }

            return false;
        }

        depth++;
        return true;
    }

    // ------------------------------------------------------------------ names

    /// <summary>Reads a regular or double-quoted identifier. A reserved word is reported but consumed, so the
    /// statement is still read in full.</summary>
    private Identifier ParseIdentifier(string description)
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Identifier:
                Next();
                return new Identifier(TextOf(token), IsQuoted: false) { Span = token.Span };
            case TokenKind.QuotedIdentifier:
                Next();
                return new Identifier(UnquoteIdentifier(token), IsQuoted: true) { Span = token.Span };
            case TokenKind.Keyword:
                Report(DiagnosticFacts.ReservedWord(TextOf(token)), token.Span);
                Next();
                return new Identifier(TextOf(token), IsQuoted: false) { Span = token.Span };
            default:
                ReportExpected(description);
                return new Identifier(string.Empty, IsQuoted: false) { Span = new TextSpan(token.Span.Start, 0) };
        }
    }

    private string UnquoteIdentifier(Token token) => Unquote(token, '"');

    private string Unquote(Token token, char quote)
    {
        var raw = text.AsSpan(token.Span.Start, token.Span.Length);
        var body = raw.Length >= 2 && raw[^1] == quote ? raw[1..^1] : raw[1..];
        return body.Contains(quote) ? body.ToString().Replace(new string(quote, 2), quote.ToString(), StringComparison.Ordinal) : body.ToString();
    }

    /// <summary>Words that start a clause QLDB rejects; never read them as an implicit alias.</summary>
    private bool AtUnsupportedClauseWord => AtWord("LET") || AtWord("OFFSET") || AtWord("RETURNING");

    /// <summary><c>[AS] alias</c>; an alias without AS must be a plain or quoted identifier.</summary>
    private Identifier? ParseOptionalAlias()
    {
        if (TryEatKeyword(Keyword.As))
        {
            return ParseIdentifier("an alias");
        }

        return AtName && !AtUnsupportedClauseWord ? ParseIdentifier("an alias") : null;
    }

    // ------------------------------------------------------------------ statement end and unsupported clauses

    private SkippedTokens? FinishStatement()
    {
        var semicolon = TryEat(TokenKind.Semicolon);
        if (At(TokenKind.EndOfText))
        {
            return null;
        }

        var first = Current;
        if (semicolon)
        {
            Report(DiagnosticFacts.MultipleStatements(), first.Span);
        }
        else if (!TryReportUnsupportedClause())
        {
            Report(DiagnosticFacts.UnexpectedToken(Describe(first)), first.Span);
        }

        var skipped = new List<Token>();
        while (!At(TokenKind.EndOfText))
        {
            skipped.Add(Next());
        }

        return new SkippedTokens(skipped) { Span = TextSpan.FromBounds(first.Span.Start, previousEnd) };
    }

    /// <summary>Reports a clause QLDB does not support (ORDER BY, LIMIT, GROUP BY, set operators, …) at the
    /// current token. Returns false when the current token starts no such clause.</summary>
    private bool TryReportUnsupportedClause()
    {
        var token = Current;
        string? feature = token.Kind switch
        {
            TokenKind.Keyword => token.Keyword switch
            {
                Keyword.Order => "ORDER BY",
                Keyword.Limit => "LIMIT",
                Keyword.Group => "GROUP BY",
                Keyword.Having => "HAVING",
                Keyword.Union or Keyword.Intersect or Keyword.Except or Keyword.Outer =>
                    $"set operator {TextOf(token).ToUpperInvariant()}",
                Keyword.On when IsWord(Peek(1), "CONFLICT") => "ON CONFLICT",
                _ => null,
            },
            TokenKind.Identifier when AtWord("LET") => "LET",
            TokenKind.Identifier when AtWord("OFFSET") => "OFFSET",
            TokenKind.Identifier when AtWord("RETURNING") => "RETURNING",
            _ => null,
        };
        if (feature is null)
        {
            return false;
        }

        Report(DiagnosticFacts.UnsupportedFeature(feature), token.Span);
        return true;
    }

    /// <summary>Skips the rest of a rejected clause, up to the end of the enclosing parentheses or statement.</summary>
    private void SkipClause()
    {
        var nesting = 0;
        while (!At(TokenKind.EndOfText) && !(nesting == 0 && At(TokenKind.Semicolon)))
        {
            switch (Current.Kind)
            {
                case TokenKind.OpenParen or TokenKind.OpenBracket or TokenKind.OpenBrace or TokenKind.OpenBag:
                    nesting++;
                    break;
                case TokenKind.CloseParen or TokenKind.CloseBracket or TokenKind.CloseBrace or TokenKind.CloseBag:
                    if (nesting == 0)
                    {
                        return;
                    }

                    nesting--;
                    break;
            }

            Next();
        }
    }
}
