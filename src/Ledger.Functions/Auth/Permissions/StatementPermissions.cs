using Ledger.Ion;
using Ledger.PartiQL.Syntax;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.Functions.Auth.Permissions;

/// <summary>What a PartiQL action applies to, before table names are resolved to table ids.</summary>
public enum AccessTargetKind
{
    /// <summary>A table named in the statement; its ARN needs the table id the transaction resolves.</summary>
    TableName,

    /// <summary>A table addressed by id (<c>UNDROP TABLE</c>, <c>history('id')</c>, <c>redact_revision</c>).</summary>
    TableId,

    /// <summary>Every table of the ledger (<c>CREATE TABLE</c>, or a table id known only at run time).</summary>
    AllTables,

    /// <summary><c>information_schema.user_tables</c>.</summary>
    UserTables,
}

/// <summary>One permission a statement needs in a STANDARD ledger: a PartiQL action on a target.</summary>
/// <param name="Action">A <see cref="QldbActions"/> name.</param>
/// <param name="Kind">What the action applies to.</param>
/// <param name="Table">The table name or id for <see cref="AccessTargetKind.TableName"/> and <see cref="AccessTargetKind.TableId"/>.</param>
public sealed record StatementAccess(string Action, AccessTargetKind Kind, string? Table = null);

/// <summary>
/// The PartiQL actions a parsed statement performs and the tables it performs them on, as QLDB's STANDARD
/// permissions mode checks them: the statement's own action on its target table, plus PartiQLSelect
/// (PartiQLHistoryFunction for <c>history()</c>) on every table or view any FROM clause reads.
/// </summary>
public static class StatementPermissions
{
    private const string CommittedPrefix = "_ql_committed_";

    /// <summary>
    /// The accesses <paramref name="parsed"/> needs; empty for a statement with syntax errors, which runs nothing.
    /// A FROM item that names something is taken to be a table even where it might be an alias: when no such table
    /// exists the name resolves to nothing and needs no permission, so the guess can only ask for more, never less.
    /// </summary>
    public static IReadOnlyList<StatementAccess> Required(ParseResult parsed, IReadOnlyList<IonValue> parameters)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parsed.HasErrors)
        {
            return [];
        }

        var accesses = new List<StatementAccess>();
        switch (parsed.Statement)
        {
            case CreateTableStatement create:
                accesses.Add(new(QldbActions.PartiQLCreateTable, AccessTargetKind.AllTables));
                if (create.Tags is not null)
                {
                    accesses.Add(new(QldbActions.TagResource, AccessTargetKind.AllTables));
                }

                break;
            case DropTableStatement drop:
                accesses.Add(Named(QldbActions.PartiQLDropTable, drop.Table.Name));
                break;
            case UndropTableStatement undrop:
                accesses.Add(new(QldbActions.PartiQLUndropTable, AccessTargetKind.TableId, undrop.TableId.Name));
                break;
            case CreateIndexStatement index:
                accesses.Add(Named(QldbActions.PartiQLCreateIndex, index.Table.Name));
                break;
            case DropIndexStatement index:
                accesses.Add(Named(QldbActions.PartiQLDropIndex, index.Table.Name));
                break;
            case InsertStatement { Table: VariableReference table }:
                accesses.Add(Named(QldbActions.PartiQLInsert, table.Name.Name));
                break;
            case UpdateStatement { Target.Table: VariableReference table }:
                accesses.Add(Named(QldbActions.PartiQLUpdate, table.Name.Name));
                break;
            case DeleteStatement { Target.Table: VariableReference table }:
                accesses.Add(Named(QldbActions.PartiQLDelete, table.Name.Name));
                break;
            case ExecStatement exec when exec.Procedure == "redact_revision":
                accesses.Add(RedactTarget(exec, parameters));
                break;
            default:
                break;
        }

        foreach (var node in SyntaxTree.DescendantsAndSelf(parsed.Statement))
        {
            if (node is FromItem item && ReadAccess(item.Source) is { } read)
            {
                accesses.Add(read);
            }
        }

        return accesses.Distinct().ToList();
    }

    private static StatementAccess Named(string action, string table) => new(action, AccessTargetKind.TableName, table);

    private static StatementAccess? ReadAccess(Expression source) => source switch
    {
        VariableReference { IsLocal: false, Name.Name: var name } when name.StartsWith(CommittedPrefix, StringComparison.Ordinal)
            => Named(QldbActions.PartiQLSelect, name[CommittedPrefix.Length..]),
        VariableReference { IsLocal: false, Name.Name: var name } => Named(QldbActions.PartiQLSelect, name),
        HistoryExpression { TableId: { } tableId } => new(QldbActions.PartiQLHistoryFunction, AccessTargetKind.TableId, tableId),
        HistoryExpression { Table: { } table } => Named(QldbActions.PartiQLHistoryFunction, table.Name),
        UserTablesExpression => new(QldbActions.PartiQLSelect, AccessTargetKind.UserTables),
        _ => null,
    };

    // EXEC redact_revision 'blockAddress', 'tableId', 'documentId': the table id is the second argument, a literal
    // or a parameter. Any other form is only known when it runs, so it needs the permission on every table.
    private static StatementAccess RedactTarget(ExecStatement exec, IReadOnlyList<IonValue> parameters)
    {
        var tableId = exec.Arguments.Count > 1
            ? exec.Arguments[1] switch
            {
                LiteralExpression { Kind: LiteralKind.String, Text: var text } => text,
                ParameterExpression { Index: var index } when index < parameters.Count && parameters[index] is IonString value
                    => value.Value,
                _ => null,
            }
            : null;
        return tableId is null
            ? new(QldbActions.PartiQLRedact, AccessTargetKind.AllTables)
            : new(QldbActions.PartiQLRedact, AccessTargetKind.TableId, tableId);
    }
}
