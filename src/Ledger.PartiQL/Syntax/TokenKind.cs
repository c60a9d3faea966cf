namespace Ledger.PartiQL.Syntax;

/// <summary>The lexical classes of PartiQL tokens.</summary>
public enum TokenKind
{
    EndOfText,
    /// <summary>A character that starts no token; the lexer reports it and the parser treats it as junk.</summary>
    BadCharacter,
    Identifier,
    QuotedIdentifier,
    Keyword,
    StringLiteral,
    IntegerLiteral,
    DecimalLiteral,
    IonLiteral,
    Parameter,
    OpenParen,
    CloseParen,
    OpenBracket,
    CloseBracket,
    OpenBrace,
    CloseBrace,
    OpenBag,
    CloseBag,
    Comma,
    Dot,
    Colon,
    Semicolon,
    At,
    Star,
    Plus,
    Minus,
    Slash,
    Percent,
    Concat,
    Equal,
    NotEqual,
    BangEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary>One token: its class, its keyword (for <see cref="TokenKind.Keyword"/>) and where it is.</summary>
public readonly record struct Token(TokenKind Kind, Keyword Keyword, TextSpan Span)
{
    public bool IsKeyword(Keyword keyword) => Kind == TokenKind.Keyword && Keyword == keyword;
}
