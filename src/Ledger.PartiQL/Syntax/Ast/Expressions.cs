using Ledger.Ion;

namespace Ledger.PartiQL.Syntax.Ast;

/// <summary>Base of all expressions.</summary>
public abstract record Expression : SyntaxNode;

/// <summary>Stands in for an expression the parser expected but did not find (zero-width; a diagnostic was
/// reported). Never present in a result without errors.</summary>
public sealed record MissingExpression : Expression;

public enum LiteralKind
{
    Null,
    Missing,
    True,
    False,
    String,
    Integer,
    Decimal,
}

/// <summary>A PartiQL literal. <see cref="Text"/> is the unescaped string content for strings and the digits as
/// written for numbers (so <c>1.50</c> keeps its scale); empty for keyword literals.</summary>
public sealed record LiteralExpression(LiteralKind Kind, string Text) : Expression;

/// <summary>An Ion value written between backticks. <see cref="RawText"/> is the text between the backticks (kept
/// for printing and for the journal's statement text); <see cref="Value"/> is the parsed value, null only when the
/// literal is invalid (a diagnostic was reported).</summary>
public sealed record IonLiteralExpression(string RawText, IonValue? Value) : Expression;

/// <summary>A positional <c>?</c> parameter; <see cref="Index"/> is 0-based in statement text order.</summary>
public sealed record ParameterExpression(int Index) : Expression;

/// <summary>A name reference. <see cref="IsLocal"/> is true for <c>@name</c>, which may only resolve to a FROM alias.</summary>
public sealed record VariableReference(Identifier Name, bool IsLocal) : Expression;

public enum UnaryOperator
{
    Plus,
    Minus,
    Not,
}

public sealed record UnaryExpression(UnaryOperator Operator, Expression Operand) : Expression;

public enum BinaryOperator
{
    Or,
    And,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Add,
    Subtract,
    Concat,
    Multiply,
    Divide,
    Modulo,
}

public sealed record BinaryExpression(BinaryOperator Operator, Expression Left, Expression Right) : Expression;

/// <summary>The types usable in <c>IS</c> and <c>CAST</c>.</summary>
public enum TypeName
{
    Null,
    Missing,
    Bool,
    Int,
    Float,
    Decimal,
    Timestamp,
    String,
    Symbol,
    Blob,
    Clob,
    Struct,
    List,
    Sexp,
    Bag,
}

/// <summary><c>x IS [NOT] NULL | MISSING | type</c>.</summary>
public sealed record IsExpression(Expression Operand, TypeName Type, bool Negated) : Expression;

/// <summary><c>x [NOT] IN (a, b, …)</c> with a parenthesised list — the form an index can serve.</summary>
public sealed record InListExpression(Expression Operand, IReadOnlyList<Expression> Items, bool Negated) : Expression;

/// <summary><c>x [NOT] IN collection</c> where the right side is one expression (a parameter, list, subquery…).</summary>
public sealed record InCollectionExpression(Expression Operand, Expression Collection, bool Negated) : Expression;

public sealed record LikeExpression(Expression Value, Expression Pattern, Expression? Escape, bool Negated) : Expression;

public sealed record BetweenExpression(Expression Value, Expression Low, Expression High, bool Negated) : Expression;

public sealed record StructField(Expression Key, Expression Value) : SyntaxNode;

public sealed record StructExpression(IReadOnlyList<StructField> Fields) : Expression;

public sealed record ListExpression(IReadOnlyList<Expression> Items) : Expression;

public sealed record BagExpression(IReadOnlyList<Expression> Items) : Expression;

/// <summary>A call of a scalar function from the QLDB list (spec §9). <see cref="Name"/> is upper case.
/// SUBSTRING's FROM/FOR form is normalised to positional arguments.</summary>
public sealed record FunctionCall(string Name, IReadOnlyList<Expression> Arguments) : Expression;

public enum AggregateFunction
{
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

/// <summary>An aggregate; <see cref="Argument"/> is null for <c>COUNT(*)</c>.</summary>
public sealed record AggregateCall(AggregateFunction Function, bool Distinct, Expression? Argument) : Expression;

public sealed record CastExpression(Expression Operand, TypeName Type) : Expression;

public enum TrimSpecification
{
    Both,
    Leading,
    Trailing,
}

/// <summary><c>TRIM([LEADING|TRAILING|BOTH] [chars] FROM s)</c> or <c>TRIM(s)</c>.
/// <see cref="IsSpecificationWritten"/> records whether LEADING/TRAILING/BOTH was written.</summary>
public sealed record TrimExpression(TrimSpecification Specification, bool IsSpecificationWritten, Expression? Characters, Expression Source)
    : Expression;

public enum DateTimePart
{
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    TimezoneHour,
    TimezoneMinute,
}

/// <summary><c>EXTRACT(part FROM ts)</c>.</summary>
public sealed record ExtractExpression(DateTimePart Part, Expression Source) : Expression;

/// <summary><c>DATE_ADD(part, n, ts)</c> or <c>DATE_DIFF(part, ts1, ts2)</c>; <see cref="Name"/> is upper case.</summary>
public sealed record DateArithmeticExpression(string Name, DateTimePart Part, Expression First, Expression Second) : Expression;

public sealed record CaseWhen(Expression When, Expression Then) : SyntaxNode;

/// <summary><c>CASE [operand] WHEN … THEN … [ELSE …] END</c>; a null <see cref="Operand"/> is the searched form.</summary>
public sealed record CaseExpression(Expression? Operand, IReadOnlyList<CaseWhen> Branches, Expression? Else) : Expression;

/// <summary>A nested query used as a value (written in parentheses).</summary>
public sealed record SubqueryExpression(SelectStatement Query) : Expression;
