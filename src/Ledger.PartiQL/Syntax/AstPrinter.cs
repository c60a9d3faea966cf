using System.Text;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Syntax;

/// <summary>
/// Prints an AST back to PartiQL. Compound expressions are fully parenthesised so that the printed text parses
/// back to exactly the same tree, whatever the precedence rules; keywords are upper case.
/// </summary>
public static class AstPrinter
{
    public static string Print(SyntaxNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var builder = new StringBuilder();
        Write(builder, node);
        return builder.ToString();
    }

    private static void Write(StringBuilder b, SyntaxNode node)
    {
        switch (node)
        {
            case Expression e:
                WriteExpression(b, e);
                break;
            case Statement s:
                WriteStatement(b, s);
                break;
            case Identifier id:
                WriteIdentifier(b, id);
                break;
            case PathStep step:
                WriteStep(b, step);
                break;
            case FromSource from:
                WriteFrom(b, from);
                break;
            case Projection projection:
                WriteProjection(b, projection);
                break;
            case SelectItem item:
                WriteSelectItem(b, item);
                break;
            case DmlOperation operation:
                WriteOperation(b, operation);
                break;
            case DmlTarget target:
                WriteDmlTarget(b, target);
                break;
            case StructField field:
                Write(b, field.Key);
                b.Append(": ");
                Write(b, field.Value);
                break;
            case Assignment assignment:
                Write(b, assignment.Target);
                b.Append(" = ");
                Write(b, assignment.Value);
                break;
            case CaseWhen branch:
                b.Append("WHEN ");
                Write(b, branch.When);
                b.Append(" THEN ");
                Write(b, branch.Then);
                break;
            case SkippedTokens:
                b.Append("/* skipped tokens */");
                break;
            default:
                throw new ArgumentException($"Unknown node type {node.GetType().Name}.", nameof(node));
        }
    }

    private static void WriteIdentifier(StringBuilder b, Identifier id)
    {
        if (id.IsQuoted)
        {
            b.Append('"').Append(id.Name.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        else
        {
            b.Append(id.Name);
        }
    }

    private static void WriteString(StringBuilder b, string value) =>
        b.Append('\'').Append(value.Replace("'", "''", StringComparison.Ordinal)).Append('\'');

    private static void WriteList<T>(StringBuilder b, IEnumerable<T> items, string separator = ", ")
        where T : SyntaxNode
    {
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                b.Append(separator);
            }

            first = false;
            Write(b, item);
        }
    }

    private static void WriteExpression(StringBuilder b, Expression expression)
    {
        switch (expression)
        {
            case MissingExpression:
                b.Append("/* missing */");
                break;
            case LiteralExpression literal:
                WriteLiteral(b, literal);
                break;
            case IonLiteralExpression ion:
                b.Append('`').Append(ion.RawText).Append('`');
                break;
            case ParameterExpression:
                b.Append('?');
                break;
            case VariableReference variable:
                if (variable.IsLocal)
                {
                    b.Append('@');
                }

                WriteIdentifier(b, variable.Name);
                break;
            case UnaryExpression unary:
                b.Append('(').Append(unary.Operator switch
                {
                    UnaryOperator.Plus => "+",
                    UnaryOperator.Minus => "-",
                    _ => "NOT ",
                });
                Write(b, unary.Operand);
                b.Append(')');
                break;
            case BinaryExpression binary:
                b.Append('(');
                Write(b, binary.Left);
                b.Append(' ').Append(OperatorText(binary.Operator)).Append(' ');
                Write(b, binary.Right);
                b.Append(')');
                break;
            case IsExpression isExpression:
                b.Append('(');
                Write(b, isExpression.Operand);
                b.Append(isExpression.Negated ? " IS NOT " : " IS ").Append(TypeText(isExpression.Type)).Append(')');
                break;
            case InListExpression inList:
                b.Append('(');
                Write(b, inList.Operand);
                b.Append(inList.Negated ? " NOT IN (" : " IN (");
                WriteList(b, inList.Items);
                b.Append("))");
                break;
            case InCollectionExpression inCollection:
                b.Append('(');
                Write(b, inCollection.Operand);
                b.Append(inCollection.Negated ? " NOT IN " : " IN ");
                Write(b, inCollection.Collection);
                b.Append(')');
                break;
            case LikeExpression like:
                b.Append('(');
                Write(b, like.Value);
                b.Append(like.Negated ? " NOT LIKE " : " LIKE ");
                Write(b, like.Pattern);
                if (like.Escape is not null)
                {
                    b.Append(" ESCAPE ");
                    Write(b, like.Escape);
                }

                b.Append(')');
                break;
            case BetweenExpression between:
                b.Append('(');
                Write(b, between.Value);
                b.Append(between.Negated ? " NOT BETWEEN " : " BETWEEN ");
                Write(b, between.Low);
                b.Append(" AND ");
                Write(b, between.High);
                b.Append(')');
                break;
            case StructExpression structExpression:
                b.Append('{');
                WriteList(b, structExpression.Fields);
                b.Append('}');
                break;
            case ListExpression list:
                b.Append('[');
                WriteList(b, list.Items);
                b.Append(']');
                break;
            case BagExpression bag:
                b.Append("<< ");
                WriteList(b, bag.Items);
                b.Append(" >>");
                break;
            case FunctionCall call:
                b.Append(call.Name).Append('(');
                WriteList(b, call.Arguments);
                b.Append(')');
                break;
            case AggregateCall aggregate:
                b.Append(aggregate.Function.ToString().ToUpperInvariant()).Append('(');
                if (aggregate.Argument is null)
                {
                    b.Append('*');
                }
                else
                {
                    b.Append(aggregate.Distinct ? "DISTINCT " : string.Empty);
                    Write(b, aggregate.Argument);
                }

                b.Append(')');
                break;
            case CastExpression cast:
                b.Append("CAST(");
                Write(b, cast.Operand);
                b.Append(" AS ").Append(TypeText(cast.Type)).Append(')');
                break;
            case TrimExpression trim:
                b.Append("TRIM(");
                if (trim.IsSpecificationWritten)
                {
                    b.Append(trim.Specification.ToString().ToUpperInvariant()).Append(' ');
                }

                if (trim.Characters is not null)
                {
                    Write(b, trim.Characters);
                    b.Append(' ');
                }

                if (trim.IsSpecificationWritten || trim.Characters is not null)
                {
                    b.Append("FROM ");
                }

                Write(b, trim.Source);
                b.Append(')');
                break;
            case ExtractExpression extract:
                b.Append("EXTRACT(").Append(PartText(extract.Part)).Append(" FROM ");
                Write(b, extract.Source);
                b.Append(')');
                break;
            case DateArithmeticExpression date:
                b.Append(date.Name).Append('(').Append(PartText(date.Part)).Append(", ");
                Write(b, date.First);
                b.Append(", ");
                Write(b, date.Second);
                b.Append(')');
                break;
            case CaseExpression caseExpression:
                b.Append("CASE ");
                if (caseExpression.Operand is not null)
                {
                    Write(b, caseExpression.Operand);
                    b.Append(' ');
                }

                WriteList(b, caseExpression.Branches, " ");
                if (caseExpression.Else is not null)
                {
                    b.Append(" ELSE ");
                    Write(b, caseExpression.Else);
                }

                b.Append(" END");
                break;
            case SubqueryExpression subquery:
                b.Append('(');
                Write(b, subquery.Query);
                b.Append(')');
                break;
            case PathExpression path:
                Write(b, path.Root);
                if (path.Root is LiteralExpression { Kind: LiteralKind.Integer or LiteralKind.Decimal })
                {
                    // "0.*" would lex as the decimal "0." followed by "*"; a space keeps the step separate.
                    b.Append(' ');
                }

                foreach (var step in path.Steps)
                {
                    Write(b, step);
                }

                break;
            case HistoryExpression history:
                b.Append("history(");
                if (history.TableId is not null)
                {
                    WriteString(b, history.TableId);
                }
                else if (history.Table is not null)
                {
                    Write(b, history.Table);
                }

                if (history.Start is not null)
                {
                    b.Append(", ");
                    Write(b, history.Start);
                }

                if (history.End is not null)
                {
                    b.Append(", ");
                    Write(b, history.End);
                }

                b.Append(')');
                break;
            case UserTablesExpression:
                b.Append("information_schema.user_tables");
                break;
            default:
                throw new ArgumentException($"Unknown expression type {expression.GetType().Name}.", nameof(expression));
        }
    }

    private static void WriteLiteral(StringBuilder b, LiteralExpression literal)
    {
        switch (literal.Kind)
        {
            case LiteralKind.Null:
                b.Append("NULL");
                break;
            case LiteralKind.Missing:
                b.Append("MISSING");
                break;
            case LiteralKind.True:
                b.Append("TRUE");
                break;
            case LiteralKind.False:
                b.Append("FALSE");
                break;
            case LiteralKind.String:
                WriteString(b, literal.Text);
                break;
            default:
                b.Append(literal.Text);
                break;
        }
    }

    private static void WriteStep(StringBuilder b, PathStep step)
    {
        switch (step)
        {
            case FieldStep field:
                b.Append('.');
                WriteIdentifier(b, field.Field);
                break;
            case IndexStep index:
                b.Append('[');
                Write(b, index.Index);
                b.Append(']');
                break;
            case AllFieldsStep:
                b.Append(".*");
                break;
            case AllElementsStep:
                b.Append("[*]");
                break;
        }
    }

    private static void WriteStatement(StringBuilder b, Statement statement)
    {
        switch (statement)
        {
            case SelectStatement select:
                b.Append(select.Distinct ? "SELECT DISTINCT " : "SELECT ");
                Write(b, select.Projection);
                b.Append(" FROM ");
                Write(b, select.From);
                if (select.Where is not null)
                {
                    b.Append(" WHERE ");
                    Write(b, select.Where);
                }

                break;
            case InsertStatement insert:
                b.Append("INSERT INTO ");
                Write(b, insert.Table);
                b.Append(insert.IsValueForm ? " VALUE " : " ");
                if (!insert.IsValueForm && insert.Value is SubqueryExpression { Query: var query })
                {
                    Write(b, query);
                }
                else
                {
                    Write(b, insert.Value);
                }

                break;
            case UpdateStatement update when update.Form == DmlForm.Update:
                b.Append("UPDATE ");
                Write(b, update.Target);
                b.Append(' ');
                Write(b, update.Operation);
                WriteWhere(b, update.Where);
                break;
            case UpdateStatement from:
                b.Append("FROM ");
                Write(b, from.Target);
                foreach (var nested in from.NestedSources)
                {
                    b.Append(", ");
                    Write(b, nested);
                }

                WriteWhere(b, from.Where);
                b.Append(' ');
                Write(b, from.Operation);
                break;
            case DeleteStatement delete:
                b.Append("DELETE FROM ");
                Write(b, delete.Target);
                WriteWhere(b, delete.Where);
                break;
            case CreateTableStatement create:
                b.Append("CREATE TABLE ");
                Write(b, create.Table);
                if (create.Tags is not null)
                {
                    b.Append(" WITH (aws_tags = ");
                    Write(b, create.Tags);
                    b.Append(')');
                }

                break;
            case DropTableStatement drop:
                b.Append("DROP TABLE ");
                Write(b, drop.Table);
                break;
            case UndropTableStatement undrop:
                b.Append("UNDROP TABLE ");
                Write(b, undrop.TableId);
                break;
            case CreateIndexStatement index:
                b.Append("CREATE INDEX ON ");
                Write(b, index.Table);
                b.Append(" (");
                WriteList(b, index.Fields);
                b.Append(')');
                break;
            case DropIndexStatement dropIndex:
                b.Append("DROP INDEX ");
                Write(b, dropIndex.IndexId);
                b.Append(" ON ");
                Write(b, dropIndex.Table);
                b.Append(" WITH (purge = true)");
                break;
            case ExecStatement exec:
                b.Append("EXEC ").Append(exec.Procedure);
                if (exec.Arguments.Count > 0)
                {
                    b.Append(' ');
                    WriteList(b, exec.Arguments);
                }

                break;
            case ExpressionStatement expressionStatement:
                Write(b, expressionStatement.Expression);
                break;
            case ErrorStatement:
                b.Append("/* error */");
                break;
        }
    }

    private static void WriteWhere(StringBuilder b, Expression? where)
    {
        if (where is not null)
        {
            b.Append(" WHERE ");
            Write(b, where);
        }
    }

    private static void WriteDmlTarget(StringBuilder b, DmlTarget target)
    {
        Write(b, target.Table);
        WriteAliases(b, target.Alias, null, target.ByAlias);
    }

    private static void WriteAliases(StringBuilder b, Identifier? alias, Identifier? atAlias, Identifier? byAlias)
    {
        if (alias is not null)
        {
            b.Append(" AS ");
            Write(b, alias);
        }

        if (atAlias is not null)
        {
            b.Append(" AT ");
            Write(b, atAlias);
        }

        if (byAlias is not null)
        {
            b.Append(" BY ");
            Write(b, byAlias);
        }
    }

    private static void WriteOperation(StringBuilder b, DmlOperation operation)
    {
        switch (operation)
        {
            case SetOperation set:
                b.Append("SET ");
                WriteList(b, set.Assignments);
                break;
            case InsertIntoOperation insert:
                b.Append("INSERT INTO ");
                Write(b, insert.Target);
                b.Append(" VALUE ");
                Write(b, insert.Value);
                if (insert.Position is not null)
                {
                    b.Append(" AT ");
                    Write(b, insert.Position);
                }

                break;
            case RemoveOperation remove:
                b.Append("REMOVE ");
                Write(b, remove.Target);
                break;
        }
    }

    private static void WriteFrom(StringBuilder b, FromSource from)
    {
        switch (from)
        {
            case FromItem item:
                Write(b, item.Source);
                WriteAliases(b, item.Alias, item.AtAlias, item.ByAlias);
                break;
            case JoinSource join:
                Write(b, join.Left);
                b.Append(join.Kind switch
                {
                    JoinKind.Comma => ", ",
                    JoinKind.Cross => " CROSS JOIN ",
                    _ => " INNER JOIN ",
                });
                // Joins are left-deep; a join on the right came from the text only through parentheses we do not
                // support, so the right side is always an item.
                Write(b, join.Right);
                if (join.Condition is not null)
                {
                    b.Append(" ON ");
                    Write(b, join.Condition);
                }

                break;
        }
    }

    private static void WriteProjection(StringBuilder b, Projection projection)
    {
        switch (projection)
        {
            case ProjectStar:
                b.Append('*');
                break;
            case ProjectValue value:
                b.Append("VALUE ");
                Write(b, value.Value);
                break;
            case ProjectList list:
                WriteList(b, list.Items);
                break;
        }
    }

    private static void WriteSelectItem(StringBuilder b, SelectItem item)
    {
        switch (item)
        {
            case SelectExpressionItem expressionItem:
                Write(b, expressionItem.Expression);
                if (expressionItem.Alias is not null)
                {
                    b.Append(" AS ");
                    Write(b, expressionItem.Alias);
                }

                break;
            case SelectAllFieldsItem all:
                Write(b, all.Source);
                b.Append(".*");
                break;
        }
    }

    private static string OperatorText(BinaryOperator op) => op switch
    {
        BinaryOperator.Or => "OR",
        BinaryOperator.And => "AND",
        BinaryOperator.Equal => "=",
        BinaryOperator.NotEqual => "<>",
        BinaryOperator.Less => "<",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.Greater => ">",
        BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Concat => "||",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        _ => "%",
    };

    private static string TypeText(TypeName type) => type switch
    {
        TypeName.Null => "NULL",
        TypeName.Missing => "MISSING",
        TypeName.Bool => "BOOL",
        TypeName.Int => "INT",
        TypeName.Float => "FLOAT",
        TypeName.Decimal => "DECIMAL",
        TypeName.Timestamp => "TIMESTAMP",
        TypeName.String => "STRING",
        TypeName.Symbol => "SYMBOL",
        TypeName.Blob => "BLOB",
        TypeName.Clob => "CLOB",
        TypeName.Struct => "STRUCT",
        TypeName.List => "LIST",
        TypeName.Sexp => "SEXP",
        _ => "BAG",
    };

    private static string PartText(DateTimePart part) => part switch
    {
        DateTimePart.Year => "year",
        DateTimePart.Month => "month",
        DateTimePart.Day => "day",
        DateTimePart.Hour => "hour",
        DateTimePart.Minute => "minute",
        DateTimePart.Second => "second",
        DateTimePart.TimezoneHour => "timezone_hour",
        _ => "timezone_minute",
    };
}
