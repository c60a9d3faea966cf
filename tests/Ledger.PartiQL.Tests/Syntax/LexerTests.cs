using Ledger.PartiQL.Syntax;
using Ledger.PartiQL.Syntax.Diagnostics;

namespace Ledger.PartiQL.Tests.Syntax;

public class LexerTests
{
    private static List<(TokenKind Kind, string Text)> Lex(string text)
    {
        var result = PartiQLLexer.Lex(text);
        Assert.Empty(result.Diagnostics);
        return result.Tokens.Select(t => (t.Kind, text.Substring(t.Span.Start, t.Span.Length))).ToList();
    }

    [Fact]
    public void Keywords_are_case_insensitive_and_identifiers_keep_their_text()
    {
        var result = PartiQLLexer.Lex("select SeLeCt Person _x $y");
        Assert.Equal(
            [TokenKind.Keyword, TokenKind.Keyword, TokenKind.Identifier, TokenKind.Identifier, TokenKind.Identifier, TokenKind.EndOfText],
            result.Tokens.Select(t => t.Kind));
        Assert.All(result.Tokens.Take(2), t => Assert.Equal(Keyword.Select, t.Keyword));
        Assert.Equal(new TextSpan(14, 6), result.Tokens[2].Span);
    }

    [Fact]
    public void Non_reserved_words_used_by_the_dialect_are_identifiers()
    {
        var tokens = Lex("history purge aws_tags redact_revision information_schema user_tables Year");
        Assert.All(tokens.SkipLast(1), t => Assert.Equal(TokenKind.Identifier, t.Kind));
    }

    [Fact]
    public void Strings_and_quoted_identifiers_include_doubled_quotes()
    {
        var tokens = Lex("'it''s' \"a\"\"b\"");
        Assert.Equal((TokenKind.StringLiteral, "'it''s'"), tokens[0]);
        Assert.Equal((TokenKind.QuotedIdentifier, "\"a\"\"b\""), tokens[1]);
    }

    [Theory]
    [InlineData("42", TokenKind.IntegerLiteral)]
    [InlineData("442.30", TokenKind.DecimalLiteral)]
    [InlineData("1.", TokenKind.DecimalLiteral)]
    [InlineData("1e3", TokenKind.DecimalLiteral)]
    [InlineData("2.5E-7", TokenKind.DecimalLiteral)]
    public void Numbers(string text, TokenKind kind) => Assert.Equal((kind, text), Lex(text)[0]);

    [Fact]
    public void Ion_literal_may_contain_backticks_inside_ion_strings_and_symbols()
    {
        var text = "`{a: \"x`y\", 'b`c': '''d`e''', f: {{aGVsbG8=}}}` ?";
        var tokens = Lex(text);
        Assert.Equal(TokenKind.IonLiteral, tokens[0].Kind);
        Assert.Equal(text[..^2], tokens[0].Text);
        Assert.Equal(TokenKind.Parameter, tokens[1].Kind);
    }

    [Fact]
    public void Operators_and_punctuation()
    {
        var tokens = Lex("<< >> <= >= <> != < > = || + - * / % ( ) [ ] { } , . : ; @ ?");
        Assert.Equal(
            [
                TokenKind.OpenBag, TokenKind.CloseBag, TokenKind.LessOrEqual, TokenKind.GreaterOrEqual, TokenKind.NotEqual,
                TokenKind.BangEqual, TokenKind.Less, TokenKind.Greater, TokenKind.Equal, TokenKind.Concat, TokenKind.Plus,
                TokenKind.Minus, TokenKind.Star, TokenKind.Slash, TokenKind.Percent, TokenKind.OpenParen, TokenKind.CloseParen,
                TokenKind.OpenBracket, TokenKind.CloseBracket, TokenKind.OpenBrace, TokenKind.CloseBrace, TokenKind.Comma,
                TokenKind.Dot, TokenKind.Colon, TokenKind.Semicolon, TokenKind.At, TokenKind.Parameter, TokenKind.EndOfText,
            ],
            tokens.Select(t => t.Kind));
    }

    [Fact]
    public void Comments_are_skipped()
    {
        var tokens = Lex("SELECT -- to the end\n* /* block\n comment */ FROM T");
        Assert.Equal(["SELECT", "*", "FROM", "T", ""], tokens.Select(t => t.Text));
    }

    [Fact]
    public void Tokens_need_no_separating_whitespace()
    {
        // The Java DMV sample sends "...v.VIN = ?INSERT INTO ..." (spec §2).
        var tokens = Lex("v.VIN=?INSERT");
        Assert.Equal(["v", ".", "VIN", "=", "?", "INSERT", ""], tokens.Select(t => t.Text));
    }

    [Theory]
    [InlineData("SELECT 'abc", DiagnosticFacts.UnterminatedStringCode, 1, 8)]
    [InlineData("SELECT *\nFROM T\nWHERE a = \"x", DiagnosticFacts.UnterminatedQuotedIdentifierCode, 3, 11)]
    [InlineData("SELECT `{a: 1}", DiagnosticFacts.UnterminatedIonLiteralCode, 1, 8)]
    [InlineData("SELECT *\r\n  /* never closed", DiagnosticFacts.UnterminatedCommentCode, 2, 3)]
    [InlineData("SELECT a\n  # b", DiagnosticFacts.UnexpectedCharacterCode, 2, 3)]
    [InlineData("SELECT 1e+ FROM x", DiagnosticFacts.InvalidNumberCode, 1, 8)]
    public void Lexical_errors_report_exact_line_and_column(string text, string code, int line, int column)
    {
        var diagnostic = Assert.Single(PartiQLLexer.Lex(text).Diagnostics);
        Assert.Equal(code, diagnostic.Code);
        Assert.Equal(new LinePosition(line, column), diagnostic.Position);
        Assert.StartsWith($"Syntax Error: at line {line}, column {column}: ", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_of_bad_characters_is_one_token_and_one_diagnostic()
    {
        var result = PartiQLLexer.Lex("a #^~ b");
        Assert.Single(result.Diagnostics);
        Assert.Equal([TokenKind.Identifier, TokenKind.BadCharacter, TokenKind.Identifier, TokenKind.EndOfText],
            result.Tokens.Select(t => t.Kind));
        Assert.Equal(new TextSpan(2, 3), result.Tokens[1].Span);
    }

    [Theory]
    [InlineData("a\nb", 2, 2, 1)]
    [InlineData("a\r\nb", 3, 2, 1)]
    [InlineData("a\rb", 2, 2, 1)]
    [InlineData("abc", 2, 1, 3)]
    public void Line_positions_treat_cr_lf_and_crlf_as_one_line_end(string text, int offset, int line, int column) =>
        Assert.Equal(new LinePosition(line, column), LinePosition.FromOffset(text, offset));
}
