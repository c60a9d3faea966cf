namespace Ledger.PartiQL.Syntax.Ast;

/// <summary>
/// Base of every AST node. Nodes are immutable records; <see cref="Span"/> locates the node in the statement
/// text for diagnostics raised by later phases. <see cref="ToString"/> prints the node back as PartiQL.
/// </summary>
public abstract record SyntaxNode
{
    public TextSpan Span { get; init; }

    public sealed override string ToString() => AstPrinter.Print(this);
}

/// <summary>A name as written: table, alias or field. QLDB names are case-sensitive whether quoted or not;
/// <see cref="IsQuoted"/> only records how it was written.</summary>
public sealed record Identifier(string Name, bool IsQuoted) : SyntaxNode;
