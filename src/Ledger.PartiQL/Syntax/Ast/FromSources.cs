namespace Ledger.PartiQL.Syntax.Ast;

/// <summary>Base of the FROM clause tree: a single item or a join of two sources.</summary>
public abstract record FromSource : SyntaxNode;

/// <summary>
/// One FROM item: <c>source [AS alias] [AT alias] [BY alias]</c>. The source is an expression: a
/// <see cref="VariableReference"/> names a table, a committed view (<c>_ql_committed_T</c>) or an outer alias
/// (resolution is the planner's job); <see cref="HistoryExpression"/> and <see cref="UserTablesExpression"/> are
/// the system sources; anything else (paths, literals, subqueries) is evaluated and iterated.
/// </summary>
public sealed record FromItem(Expression Source, Identifier? Alias, Identifier? AtAlias, Identifier? ByAlias) : FromSource;

public enum JoinKind
{
    /// <summary><c>a, b</c>: cartesian product; the right side may reference the left (unnesting).</summary>
    Comma,
    /// <summary><c>a CROSS JOIN b</c>.</summary>
    Cross,
    /// <summary><c>a [INNER] JOIN b ON cond</c>.</summary>
    Inner,
}

public sealed record JoinSource(JoinKind Kind, FromSource Left, FromSource Right, Expression? Condition) : FromSource;

/// <summary><c>history(T [, start [, end]])</c>; the table is a name or, when <see cref="TableId"/> is set, an id
/// given as a string literal.</summary>
public sealed record HistoryExpression(Identifier? Table, string? TableId, Expression? Start, Expression? End) : Expression;

/// <summary>The catalog view <c>information_schema.user_tables</c>.</summary>
public sealed record UserTablesExpression : Expression;
