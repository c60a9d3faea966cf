using Ledger.PartiQL.Syntax.Ast;
using Ledger.PartiQL.Syntax.Diagnostics;

namespace Ledger.PartiQL.Syntax;

/// <summary>Tokens the parser could not use after the statement (trailing junk), kept as one node and flagged
/// once, on the first token.</summary>
public sealed record SkippedTokens(IReadOnlyList<Token> Tokens) : SyntaxNode;

/// <summary>
/// The outcome of parsing one request. <see cref="Statement"/> is always present (an <see cref="ErrorStatement"/>
/// when nothing could be read); the statement is usable only when <see cref="Diagnostics"/> is empty.
/// </summary>
public sealed record ParseResult(
    string Text,
    Statement Statement,
    SkippedTokens? Skipped,
    IReadOnlyList<Diagnostic> Diagnostics,
    int ParameterCount)
{
    public bool HasErrors => Diagnostics.Count > 0;

    /// <summary>True when the statement contains a nested query; lets the planner skip whole-tree checks.</summary>
    public bool HasSubqueries { get; init; }

    /// <summary>True when the statement contains an aggregate call.</summary>
    public bool HasAggregates { get; init; }

    /// <summary>The diagnostic a client should see: the first one found.</summary>
    public Diagnostic? FirstError => Diagnostics.Count > 0 ? Diagnostics[0] : null;
}
