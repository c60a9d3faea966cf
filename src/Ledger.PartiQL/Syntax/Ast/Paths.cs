namespace Ledger.PartiQL.Syntax.Ast;

/// <summary>One step of a path: <c>.name</c>, <c>[expr]</c>, <c>.*</c> or <c>[*]</c>.</summary>
public abstract record PathStep : SyntaxNode;

/// <summary><c>.name</c> or <c>."name"</c>: field access (case-sensitive).</summary>
public sealed record FieldStep(Identifier Field) : PathStep;

/// <summary><c>[expr]</c>: list element by int, or field by string (<c>a['b']</c>).</summary>
public sealed record IndexStep(Expression Index) : PathStep;

/// <summary><c>.*</c>: every field value of a struct.</summary>
public sealed record AllFieldsStep : PathStep;

/// <summary><c>[*]</c>: every element of a list.</summary>
public sealed record AllElementsStep : PathStep;

/// <summary>A root expression followed by one or more steps.</summary>
public sealed record PathExpression(Expression Root, IReadOnlyList<PathStep> Steps) : Expression;
