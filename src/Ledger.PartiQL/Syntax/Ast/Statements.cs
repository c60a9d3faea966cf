namespace Ledger.PartiQL.Syntax.Ast;

/// <summary>Base of every statement.</summary>
public abstract record Statement : SyntaxNode;

/// <summary>Stands in for a statement that could not be parsed at all (a diagnostic was reported).</summary>
public sealed record ErrorStatement : Statement;

/// <summary>A statement that is only an expression. QLDB rejects these; the node exists so the parser can report
/// "Unsupported PartiQL Statement" while keeping what it read.</summary>
public sealed record ExpressionStatement(Expression Expression) : Statement;

// ---------- SELECT ----------

/// <summary>Base of the projection of a SELECT.</summary>
public abstract record Projection : SyntaxNode;

/// <summary><c>SELECT *</c>.</summary>
public sealed record ProjectStar : Projection;

/// <summary><c>SELECT VALUE expr</c>.</summary>
public sealed record ProjectValue(Expression Value) : Projection;

/// <summary><c>SELECT item, item, …</c>.</summary>
public sealed record ProjectList(IReadOnlyList<SelectItem> Items) : Projection;

public abstract record SelectItem : SyntaxNode;

/// <summary><c>expr [AS alias]</c>.</summary>
public sealed record SelectExpressionItem(Expression Expression, Identifier? Alias) : SelectItem;

/// <summary><c>expr.*</c>: all fields of the value.</summary>
public sealed record SelectAllFieldsItem(Expression Source) : SelectItem;

public sealed record SelectStatement(bool Distinct, Projection Projection, FromSource From, Expression? Where) : Statement;

// ---------- DML ----------

/// <summary><c>INSERT INTO table VALUE expr</c> (<see cref="IsValueForm"/>) or <c>INSERT INTO table expr</c>.
/// <see cref="Table"/> is a <see cref="VariableReference"/> or <see cref="UserTablesExpression"/> (the latter is
/// rejected later as DML on the catalog).</summary>
public sealed record InsertStatement(Expression Table, bool IsValueForm, Expression Value) : Statement;

/// <summary>The table a DML statement modifies, with its optional alias and BY alias.</summary>
public sealed record DmlTarget(Expression Table, Identifier? Alias, Identifier? ByAlias) : SyntaxNode;

public abstract record DmlOperation : SyntaxNode;

public sealed record Assignment(Expression Target, Expression Value) : SyntaxNode;

/// <summary><c>SET target = expr, …</c>.</summary>
public sealed record SetOperation(IReadOnlyList<Assignment> Assignments) : DmlOperation;

/// <summary><c>INSERT INTO target VALUE expr [AT position]</c> inside UPDATE / FROM.</summary>
public sealed record InsertIntoOperation(Expression Target, Expression Value, Expression? Position) : DmlOperation;

/// <summary><c>REMOVE target</c>.</summary>
public sealed record RemoveOperation(Expression Target) : DmlOperation;

public enum DmlForm
{
    /// <summary><c>UPDATE t … SET/INSERT/REMOVE … [WHERE …]</c>.</summary>
    Update,
    /// <summary><c>FROM t, nested… [WHERE …] SET/INSERT/REMOVE …</c>.</summary>
    From,
}

/// <summary>UPDATE and FROM-DML. <see cref="NestedSources"/> are the FROM form's extra items (e.g.
/// <c>@r.Owners.SecondaryOwners AS o</c>); always empty for UPDATE.</summary>
public sealed record UpdateStatement(
    DmlForm Form,
    DmlTarget Target,
    IReadOnlyList<FromItem> NestedSources,
    Expression? Where,
    DmlOperation Operation) : Statement;

public sealed record DeleteStatement(DmlTarget Target, Expression? Where) : Statement;

// ---------- DDL ----------

/// <summary><c>CREATE TABLE name [WITH (aws_tags = `{…}`)]</c>.</summary>
public sealed record CreateTableStatement(Identifier Table, IonLiteralExpression? Tags) : Statement;

public sealed record DropTableStatement(Identifier Table) : Statement;

/// <summary><c>UNDROP TABLE "tableId"</c>.</summary>
public sealed record UndropTableStatement(Identifier TableId) : Statement;

/// <summary><c>CREATE INDEX ON table (field)</c>. The grammar allows several or nested fields so that the engine
/// can reject them as constraint errors (QLDB supports one top-level field).</summary>
public sealed record CreateIndexStatement(Identifier Table, IReadOnlyList<Expression> Fields) : Statement;

/// <summary><c>DROP INDEX "indexId" ON table WITH (purge = true)</c>.</summary>
public sealed record DropIndexStatement(Identifier IndexId, Identifier Table) : Statement;

// ---------- Stored procedures ----------

/// <summary><c>EXEC procedure arg, …</c>; <see cref="Procedure"/> is lower case (only <c>redact_revision</c> exists).</summary>
public sealed record ExecStatement(string Procedure, IReadOnlyList<Expression> Arguments) : Statement;
