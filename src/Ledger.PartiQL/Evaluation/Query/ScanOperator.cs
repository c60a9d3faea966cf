using System.Runtime.CompilerServices;
using Ledger.Ion;
using Ledger.PartiQL.Planning;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Evaluation.Query;

/// <summary>Reads a table-backed source (user view, committed view, history, catalog) through
/// <see cref="IDocumentSource"/> for every input tuple, with the plan's access path: index or document-id keys
/// are evaluated in the input tuple's scope (they may reference earlier FROM items).</summary>
public sealed class ScanOperator(RowOperator input, SourcePlan source, FromItem item, IDocumentSource documents) : RowOperator
{
    public override async IAsyncEnumerable<QueryRow> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var alias = source.Alias ?? source.Table ?? "_";
        await foreach (var row in input.RunAsync(cancellationToken).ConfigureAwait(false))
        {
            var keys = EvaluateKeys(source, row.Bindings);
            if (keys is null)
            {
                continue;
            }

            var bounds = Bounds(row.Bindings);
            await foreach (var stored in documents.ReadAsync(source, keys, bounds, cancellationToken).ConfigureAwait(false))
            {
                var bound = row.Bind(alias, Datum.Of(stored.Value));
                if (item.ByAlias is { } by && stored.DocumentId is { } id)
                {
                    bound = bound.Bind(by.Name, Datum.Of(IonString.Of(id)), isDocumentId: true);
                }

                yield return bound;
            }
        }
    }

    /// <summary>The evaluated lookup keys (bags flattened, NULL/MISSING dropped); null when a lookup has no
    /// usable key and so matches nothing.</summary>
    public static List<IonValue>? EvaluateKeys(SourcePlan source, Bindings scope)
    {
        ArgumentNullException.ThrowIfNull(source);
        var expressions = source.Access switch
        {
            IndexLookup index => index.Keys,
            DocumentIdLookup ids => ids.Keys,
            _ => null,
        };
        if (expressions is null)
        {
            return [];
        }

        var keys = new List<IonValue>();
        foreach (var expression in expressions)
        {
            var key = ExpressionEvaluator.Evaluate(expression, scope);
            if (key.Kind == DatumKind.Bag)
            {
                keys.AddRange(key.Items.Where(k => !k.IsAbsent).Select(k => k.Ion!));
            }
            else if (!key.IsAbsent)
            {
                keys.Add(key.Ion!);
            }
        }

        return keys.Count == 0 ? null : keys;
    }

    private (IonValue? Start, IonValue? End) Bounds(Bindings scope)
    {
        if (item.Source is not HistoryExpression history)
        {
            return (null, null);
        }

        return (Bound(history.Start, scope), Bound(history.End, scope));
    }

    private static IonValue? Bound(Expression? expression, Bindings scope) =>
        expression is null ? null : ExpressionEvaluator.Evaluate(expression, scope) is { Kind: DatumKind.Ion } value ? value.Ion : null;
}
