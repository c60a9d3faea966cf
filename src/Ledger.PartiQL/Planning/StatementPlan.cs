using System.Text;
using Ledger.PartiQL.Syntax.Ast;
using Ledger.PartiQL.Syntax.Diagnostics;

namespace Ledger.PartiQL.Planning;

/// <summary>Which of the three views of a table (spec §1.3), the catalog, or a plain value a FROM item reads.</summary>
public enum SourceKind
{
    /// <summary>The user view: latest non-deleted revision, user data only.</summary>
    UserView,
    /// <summary><c>_ql_committed_T</c>: latest non-deleted revision as a system record.</summary>
    CommittedView,
    /// <summary><c>history(T …)</c>: every revision.</summary>
    History,
    /// <summary><c>information_schema.user_tables</c>.</summary>
    UserTables,
    /// <summary>Anything evaluated rather than read from storage: alias paths (unnesting), literals, subqueries.</summary>
    Value,
}

/// <summary>How a source's rows are obtained. The engine records the matching read for OCC: index keys and
/// document ids conflict only with writes to those keys and documents, a full scan with any write to the table.</summary>
public abstract record AccessPath;

/// <summary>Every row of the source is read.</summary>
public sealed record FullScan(string Reason) : AccessPath;

/// <summary>Rows whose top-level <see cref="Field"/> equals one of <see cref="Keys"/>, read through its index.
/// Keys are literals, parameters or paths of earlier FROM items (evaluated per outer row).</summary>
public sealed record IndexLookup(string Field, IReadOnlyList<Expression> Keys) : AccessPath;

/// <summary>Rows whose document id is one of <see cref="Keys"/> (a BY alias or <c>metadata.id</c> predicate).</summary>
public sealed record DocumentIdLookup(IReadOnlyList<Expression> Keys) : AccessPath;

/// <summary>The source is an expression to evaluate and iterate; nothing is read from storage.</summary>
public sealed record Evaluate : AccessPath;

/// <summary>The plan for one FROM item (or a DML target).</summary>
/// <param name="Source">The FROM item or DML target node.</param>
/// <param name="Kind">What the source reads.</param>
/// <param name="TableId">The table id of <c>history('id')</c>.</param>
/// <param name="Access">How its rows are obtained.</param>
/// <param name="Table">The table name for table-backed sources (null for values and the catalog, or when
/// history is addressed by table id — then <see cref="TableId"/> is set).</param>
/// <param name="Alias">The name rows are bound to: the alias, else the table name.</param>
public sealed record SourcePlan(
    SyntaxNode Source,
    SourceKind Kind,
    string? Table,
    string? TableId,
    string? Alias,
    AccessPath Access)
{
    /// <summary>True when the source reads every row of a stored table or view.</summary>
    public bool IsTableScan => Access is FullScan && Kind is not SourceKind.Value;

    public override string ToString()
    {
        var name = Kind switch
        {
            SourceKind.CommittedView => $"_ql_committed_{Table}",
            SourceKind.History => $"history({Table ?? $"'{TableId}'"})",
            SourceKind.UserTables => "information_schema.user_tables",
            SourceKind.Value => Source.ToString(),
            _ => Table,
        };
        var access = Access switch
        {
            FullScan scan => $"full scan ({scan.Reason})",
            IndexLookup index => $"index lookup {index.Field} IN ({string.Join(", ", index.Keys)})",
            DocumentIdLookup ids => $"document id lookup IN ({string.Join(", ", ids.Keys)})",
            _ => "evaluate",
        };
        return Alias is null || Alias == Table ? $"{name}: {access}" : $"{name} AS {Alias}: {access}";
    }
}

/// <summary>
/// The outcome of planning one statement: how each source of the outermost query (and the DML target) is read,
/// in FROM order, plus semantic diagnostics. Nested queries only read values of the outer query, so they have no
/// sources of their own here.
/// </summary>
public sealed record StatementPlan(Statement Statement, IReadOnlyList<SourcePlan> Sources, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Count > 0;

    /// <summary>True when some table or view is read in full (QLDB's "full scan" warning; OCC-sensitive).</summary>
    public bool HasTableScan => Sources.Any(s => s.IsTableScan);

    /// <summary>A human-readable plan, one source per line.</summary>
    public string Explain()
    {
        var builder = new StringBuilder();
        foreach (var source in Sources)
        {
            builder.Append(source).Append('\n');
        }

        return builder.ToString();
    }
}
