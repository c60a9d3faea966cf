using Ledger.PartiQL.Syntax;
using Ledger.PartiQL.Syntax.Ast;
using Ledger.PartiQL.Syntax.Diagnostics;

namespace Ledger.PartiQL.Planning;

/// <summary>
/// Resolves FROM sources against the catalog, applies the semantic rules the parser cannot (unknown tables, DML
/// on read-only views, nested queries reading tables, aggregates without GROUP BY, parameter count) and picks
/// an access path per table source: an index lookup for <c>field = key</c> or <c>field IN (keys…)</c> on an
/// indexed top-level field, a document-id lookup for a BY alias or <c>metadata.id</c>, else a full scan (spec §6.7).
/// </summary>
public sealed class PartiQLPlanner
{
    private const string CommittedPrefix = "_ql_committed_";

    private readonly string text;
    private readonly ICatalog catalog;
    private readonly List<Diagnostic> diagnostics = [];
    private readonly List<SourcePlan> sources = [];

    private readonly bool hasSubqueries;
    private readonly bool hasAggregates;

    private PartiQLPlanner(ParseResult parsed, ICatalog catalog)
    {
        text = parsed.Text;
        hasSubqueries = parsed.HasSubqueries;
        hasAggregates = parsed.HasAggregates;
        this.catalog = catalog;
    }

    /// <summary>Plans a parsed statement. A statement with parse errors is returned unplanned with those errors.</summary>
    /// <param name="parsed">The parser's result for the statement.</param>
    /// <param name="catalog">The active tables and their indexed fields, as of the transaction's snapshot.</param>
    /// <param name="suppliedParameters">The number of parameter values sent with the statement, when known.</param>
    public static StatementPlan Plan(ParseResult parsed, ICatalog catalog, int? suppliedParameters = null)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(catalog);
        if (parsed.HasErrors)
        {
            return new StatementPlan(parsed.Statement, [], parsed.Diagnostics);
        }

        var planner = new PartiQLPlanner(parsed, catalog);
        planner.PlanStatement(parsed.Statement);
        if (suppliedParameters is { } supplied && supplied != parsed.ParameterCount && planner.diagnostics.Count == 0)
        {
            planner.Report(DiagnosticFacts.ParameterCount(parsed.ParameterCount, supplied), parsed.Statement.Span);
        }

        return new StatementPlan(parsed.Statement, planner.sources, planner.diagnostics);
    }

    private void Report(DiagnosticInfo info, TextSpan span) => diagnostics.Add(info.WithLocation(text, span));

    private void PlanStatement(Statement statement)
    {
        switch (statement)
        {
            case SelectStatement select:
                PlanSelect(select, [], nested: false);
                break;
            case InsertStatement insert:
                ResolveDmlTable(insert.Table);
                CheckNestedQueries(insert.Value, []);
                if (insert.Value is SubqueryExpression { Query: var query })
                {
                    PlanSelect(query, [], nested: true);
                }

                break;
            case UpdateStatement update:
                PlanDml(update.Target, update.NestedSources, update.Where, update.Operation);
                break;
            case DeleteStatement delete:
                PlanDml(delete.Target, [], delete.Where, null);
                break;
        }
    }

    // ------------------------------------------------------------------ DML

    private string? ResolveDmlTable(Expression table)
    {
        switch (table)
        {
            case UserTablesExpression:
                Report(DiagnosticFacts.ReadOnlyView("information_schema.user_tables"), table.Span);
                return null;
            case VariableReference { Name.Name: var name } when name.StartsWith(CommittedPrefix, StringComparison.Ordinal):
                Report(DiagnosticFacts.ReadOnlyView($"the committed view {name}"), table.Span);
                return null;
            case VariableReference { Name.Name: var name }:
                if (catalog.FindTable(name) is null)
                {
                    Report(DiagnosticFacts.NoSuchVariable(name), table.Span);
                    return null;
                }

                return name;
            default:
                return null;
        }
    }

    private void PlanDml(DmlTarget target, IReadOnlyList<FromItem> nested, Expression? where, DmlOperation? operation)
    {
        var table = ResolveDmlTable(target.Table);
        if (table is null)
        {
            return;
        }

        var alias = target.Alias?.Name ?? table;
        var scope = new List<string> { alias };
        if (target.ByAlias is not null)
        {
            scope.Add(target.ByAlias.Name);
        }

        var items = new List<ResolvedItem>
        {
            new(target, SourceKind.UserView, table, null, alias, target.ByAlias?.Name, Condition: null, [.. scope]),
        };
        foreach (var item in nested)
        {
            var resolved = ResolveItem(item, null, scope, nested: false);

            // The other FROM items of a DML statement range over the target's own values (@r.Owners…); a second
            // table, view, history or catalog would make it read or modify more than one table (spec §5, §13).
            if (resolved.Kind != SourceKind.Value)
            {
                Report(DiagnosticFacts.DmlReadsAnotherSource(item.Source.ToString()), item.Source.Span);
            }

            items.Add(resolved);
        }

        ChooseAccessPaths(items, where);
        foreach (var node in new SyntaxNode?[] { where, operation })
        {
            if (node is not null)
            {
                CheckNestedQueries(node, scope);
            }
        }
    }

    // ------------------------------------------------------------------ SELECT

    /// <summary>One FROM item after name resolution. <paramref name="VisibleAliases"/> are the aliases its keys may
    /// reference: outer queries' and earlier items'.</summary>
    private sealed record ResolvedItem(
        SyntaxNode Node,
        SourceKind Kind,
        string? Table,
        string? TableId,
        string? Alias,
        string? ByAlias,
        Expression? Condition,
        IReadOnlyList<string> VisibleAliases);

    private void PlanSelect(SelectStatement select, IReadOnlyList<string> outerAliases, bool nested)
    {
        var scope = new List<string>(outerAliases);
        var items = new List<ResolvedItem>();
        foreach (var (item, condition) in Flatten(select.From))
        {
            items.Add(ResolveItem(item, condition, scope, nested));
        }

        if (!nested)
        {
            ChooseAccessPaths(items, select.Where);
        }

        foreach (var item in items)
        {
            if (item.Condition is not null)
            {
                CheckNestedQueries(item.Condition, scope);
            }
        }

        CheckNestedQueries(select.Projection, scope);
        if (select.Where is not null)
        {
            CheckNestedQueries(select.Where, scope);
        }

        CheckAggregates(select);
    }

    /// <summary>Left-deep joins to FROM order, each item with the ON condition that joins it to the items before.</summary>
    private static List<(FromItem Item, Expression? Condition)> Flatten(FromSource from)
    {
        var items = new List<(FromItem, Expression?)>();
        var pending = new Stack<(FromSource Source, Expression? Condition)>();
        pending.Push((from, null));
        while (pending.Count > 0)
        {
            var (source, condition) = pending.Pop();
            switch (source)
            {
                case FromItem item:
                    items.Add((item, condition));
                    break;
                case JoinSource join:
                    pending.Push((join.Right, join.Condition));
                    pending.Push((join.Left, condition));
                    break;
            }
        }

        return items;
    }

    private ResolvedItem ResolveItem(FromItem item, Expression? condition, List<string> scope, bool nested)
    {
        var visible = scope.ToArray();
        var (kind, table, tableId) = ResolveSource(item.Source, scope, nested);
        var alias = item.Alias?.Name ?? table ?? (item.Source is VariableReference v ? v.Name.Name : null);
        foreach (var name in new[] { alias, item.AtAlias?.Name, item.ByAlias?.Name })
        {
            if (name is not null)
            {
                scope.Add(name);
            }
        }

        return new ResolvedItem(item, kind, table, tableId, alias, item.ByAlias?.Name, condition, visible);
    }

    private (SourceKind Kind, string? Table, string? TableId) ResolveSource(Expression source, List<string> scope, bool nested)
    {
        switch (source)
        {
            case VariableReference { IsLocal: true } local:
                if (!scope.Contains(local.Name.Name))
                {
                    Report(DiagnosticFacts.NoSuchVariable("@" + local.Name.Name), local.Span);
                }

                return (SourceKind.Value, null, null);
            case VariableReference variable when scope.Contains(variable.Name.Name):
                return (SourceKind.Value, null, null);
            case VariableReference variable when nested:
                Report(DiagnosticFacts.SubqueryReadsTable(variable.Name.Name), variable.Span);
                return (SourceKind.Value, null, null);
            case VariableReference { Name.Name: var name } variable when name.StartsWith(CommittedPrefix, StringComparison.Ordinal):
                var committed = name[CommittedPrefix.Length..];
                if (catalog.FindTable(committed) is null)
                {
                    Report(DiagnosticFacts.NoSuchVariable(name), variable.Span);
                }

                return (SourceKind.CommittedView, committed, null);
            case VariableReference { Name.Name: var name } variable:
                if (catalog.FindTable(name) is null)
                {
                    Report(DiagnosticFacts.NoSuchVariable(name), variable.Span);
                }

                return (SourceKind.UserView, name, null);
            case HistoryExpression history:
                if (nested)
                {
                    Report(DiagnosticFacts.SubqueryReadsTable("history"), history.Span);
                }
                else if (history.Table is { } historyTable && catalog.FindTable(historyTable.Name) is null)
                {
                    Report(DiagnosticFacts.NoSuchVariable(historyTable.Name), historyTable.Span);
                }

                return (SourceKind.History, history.Table?.Name, history.TableId);
            case UserTablesExpression catalogView:
                if (nested)
                {
                    Report(DiagnosticFacts.SubqueryReadsTable("information_schema.user_tables"), catalogView.Span);
                }

                return (SourceKind.UserTables, null, null);
            case PathExpression { Root: VariableReference root }:
                if (!scope.Contains(root.Name.Name))
                {
                    Report(nested && !root.IsLocal
                        ? DiagnosticFacts.SubqueryReadsTable(root.Name.Name)
                        : DiagnosticFacts.NoSuchVariable((root.IsLocal ? "@" : string.Empty) + root.Name.Name), root.Span);
                }

                return (SourceKind.Value, null, null);
            case SubqueryExpression subquery:
                PlanSelect(subquery.Query, scope, nested: true);
                return (SourceKind.Value, null, null);
            default:
                CheckNestedQueries(source, scope);
                return (SourceKind.Value, null, null);
        }
    }

    // ------------------------------------------------------------------ access paths

    private void ChooseAccessPaths(List<ResolvedItem> items, Expression? where)
    {
        var whereConjuncts = Conjuncts(where);
        var singleSource = items.Count == 1;
        foreach (var item in items)
        {
            AccessPath access;
            if (item.Kind == SourceKind.Value)
            {
                access = new Evaluate();
            }
            else
            {
                var conjuncts = item.Condition is null ? whereConjuncts : [.. Conjuncts(item.Condition), .. whereConjuncts];
                access = ChooseAccess(item, conjuncts, singleSource);
            }

            sources.Add(new SourcePlan(item.Node, item.Kind, item.Table, item.TableId, item.Alias, access));
        }
    }

    private static List<Expression> Conjuncts(Expression? condition)
    {
        var result = new List<Expression>();
        var pending = new Stack<Expression>();
        if (condition is not null)
        {
            pending.Push(condition);
        }

        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (current is BinaryExpression { Operator: BinaryOperator.And } and)
            {
                pending.Push(and.Right);
                pending.Push(and.Left);
            }
            else
            {
                result.Add(current);
            }
        }

        return result;
    }

    private AccessPath ChooseAccess(ResolvedItem item, List<Expression> conjuncts, bool singleSource)
    {
        var schema = item.Kind == SourceKind.UserView && item.Table is not null ? catalog.FindTable(item.Table) : null;
        foreach (var conjunct in conjuncts)
        {
            if (!TryMatchLookup(conjunct, item, singleSource, out var target, out var keys))
            {
                continue;
            }

            if (target is null)
            {
                return new DocumentIdLookup(keys);
            }

            if (schema is not null && schema.IndexedFields.Contains(target))
            {
                return new IndexLookup(target, keys);
            }
        }

        return new FullScan(item.Kind switch
        {
            SourceKind.UserTables => "the catalog is always scanned",
            SourceKind.History => "no metadata.id predicate",
            SourceKind.CommittedView => "no BY alias or metadata.id predicate",
            _ => "no equality or IN (…) predicate on an indexed top-level field",
        });
    }

    /// <summary>Matches <c>target = key</c>, <c>key = target</c> or <c>target IN (keys…)</c>. On success
    /// <paramref name="field"/> is the top-level field name, or null for a document-id target.</summary>
    private static bool TryMatchLookup(Expression conjunct, ResolvedItem item, bool singleSource, out string? field, out IReadOnlyList<Expression> keys)
    {
        field = null;
        keys = [];
        switch (conjunct)
        {
            case BinaryExpression { Operator: BinaryOperator.Equal } equal:
                if (TryGetTarget(equal.Left, item, singleSource, out field) && IsKey(equal.Right, item))
                {
                    keys = [equal.Right];
                    return true;
                }

                if (TryGetTarget(equal.Right, item, singleSource, out field) && IsKey(equal.Left, item))
                {
                    keys = [equal.Left];
                    return true;
                }

                return false;
            case InListExpression { Negated: false } inList when inList.Items.All(i => IsKey(i, item)):
                keys = inList.Items;
                return TryGetTarget(inList.Operand, item, singleSource, out field);
            default:
                return false;
        }
    }

    /// <summary>Recognises a reference to the item's document id (null field) or to one of its top-level fields.</summary>
    private static bool TryGetTarget(Expression expression, ResolvedItem item, bool singleSource, out string? field)
    {
        field = null;
        if (expression is VariableReference { IsLocal: false } variable)
        {
            if (item.ByAlias is not null && variable.Name.Name == item.ByAlias)
            {
                return true; // document id
            }

            // An unqualified name resolves to an attribute of the only FROM item (spec §6.2 c).
            if (singleSource && item.Kind == SourceKind.UserView && variable.Name.Name != item.Alias
                && !item.VisibleAliases.Contains(variable.Name.Name))
            {
                field = variable.Name.Name;
                return true;
            }

            return false;
        }

        if (expression is not PathExpression path)
        {
            return false;
        }

        var steps = path.Steps;
        var qualified = path.Root is VariableReference root && root.Name.Name == item.Alias;
        var names = new List<string>();
        foreach (var step in steps)
        {
            switch (step)
            {
                case FieldStep fieldStep:
                    names.Add(fieldStep.Field.Name);
                    break;
                case IndexStep { Index: LiteralExpression { Kind: LiteralKind.String } key }:
                    names.Add(key.Text);
                    break;
                default:
                    return false;
            }
        }

        if (!qualified)
        {
            // metadata.id with an unqualified root on a single committed-view or history source.
            if (!singleSource || path.Root is not VariableReference { IsLocal: false } bare || item.VisibleAliases.Contains(bare.Name.Name))
            {
                return false;
            }

            names.Insert(0, bare.Name.Name);
        }

        if (item.Kind is SourceKind.CommittedView or SourceKind.History)
        {
            return names is ["metadata", "id"];
        }

        if (item.Kind == SourceKind.UserView && names.Count == 1)
        {
            field = names[0];
            return true;
        }

        return false;
    }

    /// <summary>A lookup key: a literal, an Ion literal, a parameter, or a path of an earlier FROM item or an
    /// outer query (a correlated key for an index nested-loop join).</summary>
    private static bool IsKey(Expression expression, ResolvedItem item) => expression switch
    {
        LiteralExpression { Kind: not LiteralKind.Missing } or IonLiteralExpression or ParameterExpression => true,
        UnaryExpression { Operator: UnaryOperator.Minus or UnaryOperator.Plus, Operand: LiteralExpression } => true,
        VariableReference variable => item.VisibleAliases.Contains(variable.Name.Name),
        PathExpression { Root: VariableReference root } path =>
            item.VisibleAliases.Contains(root.Name.Name) && path.Steps.All(s => s is FieldStep or IndexStep { Index: LiteralExpression }),
        _ => false,
    };

    // ------------------------------------------------------------------ semantic rules

    /// <summary>Plans the nested queries inside <paramref name="node"/> (not their own nested ones, which
    /// <see cref="PlanSelect"/> handles) so that a nested query reading a table is reported.</summary>
    private void CheckNestedQueries(SyntaxNode node, IReadOnlyList<string> scope)
    {
        if (!hasSubqueries)
        {
            return;
        }

        foreach (var descendant in SyntaxTree.DescendantsAndSelf(node, intoSubqueries: false))
        {
            if (descendant is SubqueryExpression subquery)
            {
                PlanSelect(subquery.Query, scope, nested: true);
            }
        }
    }

    /// <summary>Without GROUP BY an aggregate collapses all rows into one, so every select item must be an
    /// aggregate or a constant (spec §10).</summary>
    private void CheckAggregates(SelectStatement select)
    {
        if (!hasAggregates || select.Projection is not ProjectList list)
        {
            return;
        }

        var hasAggregate = false;
        SyntaxNode? plain = null;
        foreach (var item in list.Items)
        {
            var nodes = SyntaxTree.DescendantsAndSelf(item, intoSubqueries: false).ToList();
            if (nodes.Any(n => n is AggregateCall))
            {
                hasAggregate = true;
            }
            else if (plain is null && nodes.Any(n => n is VariableReference or SelectAllFieldsItem))
            {
                plain = item;
            }
        }

        if (hasAggregate && plain is not null)
        {
            Report(DiagnosticFacts.AggregateWithoutGroup(), plain.Span);
        }
    }
}
