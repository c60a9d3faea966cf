using Ledger.Ion;
using Ledger.PartiQL.Planning;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Evaluation.Query;

/// <summary>One document a DELETE or UPDATE changes: its id and its new user data (null when deleted).</summary>
public sealed record DmlChange(string DocumentId, IonStruct? NewValue);

/// <summary>
/// Evaluates the FROM/WHERE of DELETE and UPDATE/FROM-DML (spec §5) and returns each affected document with its new
/// value, for the engine to turn into revisions. SET and REMOVE apply to field paths rooted at the target alias
/// (or a bare top-level field); INSERT INTO appends to a list at such a path (an AT position is not supported yet).
/// Several matching bindings of one document (FROM-DML with nested items) apply in turn to the same document.
/// </summary>
public static class DmlEvaluator
{
    public static async Task<IReadOnlyList<DmlChange>> EvaluateAsync(
        StatementPlan plan,
        IDocumentSource documents,
        IReadOnlyList<IonValue> parameters,
        EvaluationContext? context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(parameters);
        var (target, nested, where, operation) = plan.Statement switch
        {
            DeleteStatement delete => (delete.Target, (IReadOnlyList<FromItem>)[], delete.Where, (DmlOperation?)null),
            UpdateStatement update => (update.Target, update.NestedSources, update.Where, update.Operation),
            _ => throw new NotSupportedException($"{plan.Statement.GetType().Name} is not DELETE or UPDATE"),
        };
        var source = plan.Sources.First(s => ReferenceEquals(s.Source, target));
        var alias = source.Alias ?? source.Table!;
        var scope = Bindings.Empty(parameters, context);
        var keys = ScanOperator.EvaluateKeys(source, scope);
        var order = new List<string>();
        var current = new Dictionary<string, IonStruct?>(StringComparer.Ordinal);
        if (keys is null)
        {
            return [];
        }

        await foreach (var stored in documents.ReadAsync(source, keys, (null, null), cancellationToken).ConfigureAwait(false))
        {
            var id = stored.DocumentId ?? throw new InvalidOperationException("a DML target row has no document id");
            var row = QueryRow.Start(scope).Bind(alias, Datum.Of(stored.Value));
            if (target.ByAlias is { } by)
            {
                row = row.Bind(by.Name, Datum.Of(IonString.Of(id)), isDocumentId: true);
            }

            IEnumerable<QueryRow> rows = [row];
            foreach (var item in nested)
            {
                rows = rows.SelectMany(r => UnnestOperator.Expand(r, item, QueryEvaluator.AliasOf(item))).ToList();
            }

            foreach (var match in rows)
            {
                if (where is not null && !ValueSemantics.IsTrue(ExpressionEvaluator.Evaluate(where, match.Bindings)))
                {
                    continue;
                }

                if (!current.TryGetValue(id, out var document))
                {
                    document = (IonStruct)stored.Value;
                    order.Add(id);
                }

                current[id] = operation is null || document is null ? null : Apply(operation, document, alias, match.Bindings);
            }
        }

        return [.. order.Select(id => new DmlChange(id, current[id]))];
    }

    private static IonStruct Apply(DmlOperation operation, IonStruct document, string alias, Bindings scope)
    {
        switch (operation)
        {
            case SetOperation set:
                foreach (var assignment in set.Assignments)
                {
                    var value = ExpressionEvaluator.Evaluate(assignment.Value, scope);
                    var path = FieldPath(assignment.Target, alias);
                    document = value.IsMissing ? Remove(document, path, 0) : SetPath(document, path, 0, ProjectionBuilder.ToIon(value)!);
                }

                return document;
            case RemoveOperation remove:
                return Remove(document, FieldPath(remove.Target, alias), 0);
            case InsertIntoOperation insert when insert.Position is null:
                var listPath = FieldPath(insert.Target, alias);
                var inserted = ProjectionBuilder.ToIon(ExpressionEvaluator.Evaluate(insert.Value, scope))
                    ?? throw new EvaluationException("INSERT INTO cannot insert MISSING");
                var list = Get(document, listPath) is IonList { IsNull: false } existing
                    ? existing
                    : throw new EvaluationException($"INSERT INTO {string.Join('.', listPath)}: the target is not a list");
                return SetPath(document, listPath, 0, IonList.Of(list.Elements.Add(inserted)).WithAnnotations(list.Annotations));
            default:
                throw new NotSupportedException($"{operation.GetType().Name} is not evaluated yet");
        }
    }

    /// <summary>The field names of a target path rooted at the alias (or a bare top-level field).</summary>
    private static List<string> FieldPath(Expression target, string alias)
    {
        switch (target)
        {
            case VariableReference variable when variable.Name.Name != alias:
                return [variable.Name.Name];
            case PathExpression { Root: VariableReference root } path when root.Name.Name == alias:
                var names = new List<string>();
                foreach (var step in path.Steps)
                {
                    names.Add(step switch
                    {
                        FieldStep field => field.Field.Name,
                        IndexStep { Index: LiteralExpression { Kind: LiteralKind.String } literal } => literal.Text,
                        _ => throw new NotSupportedException("only field steps are supported in DML target paths yet"),
                    });
                }

                return names;
            default:
                throw new NotSupportedException("the DML target path must start at the target alias");
        }
    }

    private static IonValue? Get(IonStruct document, List<string> path)
    {
        IonValue? current = document;
        foreach (var name in path)
        {
            current = current is IonStruct { IsNull: false } s && s.TryGetField(name, out var next) ? next : null;
        }

        return current;
    }

    private static IonStruct SetPath(IonStruct document, List<string> path, int at, IonValue value)
    {
        var name = SymbolToken.Of(path[at]);
        if (at == path.Count - 1)
        {
            return document.With(name, value);
        }

        var child = document.TryGetField(path[at], out var existing) && existing is IonStruct { IsNull: false } s
            ? s
            : throw new EvaluationException($"cannot set {string.Join('.', path)}: '{path[at]}' is not a struct");
        return document.With(name, SetPath(child, path, at + 1, value));
    }

    private static IonStruct Remove(IonStruct document, List<string> path, int at)
    {
        if (at == path.Count - 1)
        {
            return document.Without(SymbolToken.Of(path[at]));
        }

        return document.TryGetField(path[at], out var existing) && existing is IonStruct { IsNull: false } child
            ? document.With(SymbolToken.Of(path[at]), Remove(child, path, at + 1))
            : document;
    }
}
