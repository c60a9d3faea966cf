using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Ledger.Ion;
using Ledger.PartiQL.Planning;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Evaluation.Query;

/// <summary>One document a DELETE or UPDATE changes: its id and its new user data (null when deleted).</summary>
public sealed record DmlChange(string DocumentId, IonStruct? NewValue);

/// <summary>
/// Evaluates the FROM/WHERE of DELETE and UPDATE/FROM-DML (spec §5) and returns each affected document with its new
/// value, for the engine to turn into revisions. Targets are paths of field and position steps rooted at the target
/// alias, at a nested FROM alias, or (a bare name) at a top-level field; SET alias / REMOVE alias replace / delete the
/// document. A path that does not resolve is a <see cref="DocumentPathException"/>. Several matching bindings of one
/// document (FROM-DML with nested items) apply in turn to the same document.
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

            // Each binding knows where in the stored document every alias points, so that SET/REMOVE/INSERT through
            // a nested alias (FROM T AS r, @r.Owners.SecondaryOwners AS o … SET o.PersonId = …) changes that element.
            var origin = ImmutableDictionary<string, DocumentPath?>.Empty.WithComparers(StringComparer.Ordinal).Add(alias, DocumentPath.Root);
            IEnumerable<BoundRow> rows = [new BoundRow(row, origin)];
            foreach (var item in nested)
            {
                rows = rows.SelectMany(r => Expand(r, item, (IonStruct)stored.Value)).ToList();
            }

            var matches = rows.Where(match => where is null || ValueSemantics.IsTrue(ExpressionEvaluator.Evaluate(where, match.Row.Bindings))).ToList();

            // Removing list elements one after the other would shift the positions of those still to remove, so
            // removals run from the last binding (the highest position) to the first.
            if (operation is RemoveOperation)
            {
                matches.Reverse();
            }

            foreach (var match in matches)
            {
                if (!current.TryGetValue(id, out var document))
                {
                    document = (IonStruct)stored.Value;
                    order.Add(id);
                }

                current[id] = operation is null || document is null ? null : Apply(operation, document, match);
            }
        }

        return [.. order.Select(id => new DmlChange(id, current[id]))];
    }

    private sealed record BoundRow(QueryRow Row, ImmutableDictionary<string, DocumentPath?> Origins);

    /// <summary>The bindings a nested FROM item yields: for a path rooted at an alias whose place in the document is
    /// known, each element (with its position) of the list it reaches, or the value itself; other expressions are
    /// iterated as in queries, their aliases having no place in the document.</summary>
    private static IEnumerable<BoundRow> Expand(BoundRow input, FromItem item, IonStruct document)
    {
        var name = QueryEvaluator.AliasOf(item);
        var origin = TryResolve(item.Source, input, out var path) ? path : null;
        if (origin is null)
        {
            foreach (var row in UnnestOperator.Expand(input.Row, item, name))
            {
                yield return new BoundRow(row, input.Origins.SetItem(name, null));
            }

            yield break;
        }

        var value = origin.Get(document);
        if (value is IonSequence { IsNull: false } sequence)
        {
            for (var i = 0; i < sequence.Count; i++)
            {
                var row = input.Row.Bind(name, Datum.Of(sequence[i]));
                if (item.AtAlias is { } at)
                {
                    row = row.Bind(at.Name, Datum.Of(IonInt.Of(i)));
                }

                yield return new BoundRow(row, input.Origins.SetItem(name, origin.Append(DocumentPathStep.At(i))));
            }
        }
        else if (value is not null)
        {
            var row = input.Row.Bind(name, Datum.Of(value));
            if (item.AtAlias is { } at)
            {
                row = row.Bind(at.Name, Datum.Missing);
            }

            yield return new BoundRow(row, input.Origins.SetItem(name, origin));
        }
    }

    private static IonStruct? Apply(DmlOperation operation, IonStruct document, BoundRow match)
    {
        var scope = match.Row.Bindings;
        switch (operation)
        {
            case SetOperation set:
                foreach (var assignment in set.Assignments)
                {
                    var value = ExpressionEvaluator.Evaluate(assignment.Value, scope);
                    var path = Target(assignment.Target, match);
                    if (path.IsRoot)
                    {
                        document = ProjectionBuilder.ToIon(value) is IonStruct { IsNull: false } replacement
                            ? replacement
                            : throw new EvaluationException($"SET of the whole document needs a struct, got {ValueSemantics.Describe(value)}");
                    }
                    else
                    {
                        // SET x = MISSING removes the field if there is one (nothing can store MISSING).
                        document = ProjectionBuilder.ToIon(value) is { } ion
                            ? (IonStruct)path.Set(document, ion)
                            : path.Get(document) is null ? document : (IonStruct)path.Remove(document)!;
                    }
                }

                return document;
            case RemoveOperation remove:
                var removed = Target(remove.Target, match);

                // REMOVE of the whole document is a DELETE (spec §5).
                return removed.IsRoot ? null : (IonStruct)removed.Remove(document)!;
            case InsertIntoOperation insert:
                var into = Target(insert.Target, match);
                var inserted = ProjectionBuilder.ToIon(ExpressionEvaluator.Evaluate(insert.Value, scope))
                    ?? throw new EvaluationException("INSERT INTO cannot insert MISSING");
                var position = insert.Position is { } at ? ProjectionBuilder.ToIon(ExpressionEvaluator.Evaluate(at, scope)) : null;
                return (IonStruct)into.Insert(document, inserted, position);
            default:
                throw new NotSupportedException($"{operation.GetType().Name} is not evaluated yet");
        }
    }

    /// <summary>Where a DML target points: rooted at an alias (the target's or a nested one's) or, for a bare
    /// name that is no alias, at a top-level field.</summary>
    private static DocumentPath Target(Expression target, BoundRow match) =>
        TryResolve(target, match, out var path) ? path : throw new NotSupportedException("a DML target must be a path from the table's alias or a nested FROM alias");

    private static bool TryResolve(Expression expression, BoundRow match, [NotNullWhen(true)] out DocumentPath? path)
    {
        path = null;
        var (root, steps) = expression switch
        {
            VariableReference variable => (variable, (IReadOnlyList<PathStep>)[]),
            PathExpression { Root: VariableReference variable } nestedPath => (variable, nestedPath.Steps),
            _ => (null, []),
        };
        if (root is null)
        {
            return false;
        }

        if (match.Origins.TryGetValue(root.Name.Name, out var origin))
        {
            if (origin is null)
            {
                return false;
            }

            path = origin;
        }
        else if (root.IsLocal)
        {
            return false;
        }
        else
        {
            path = DocumentPath.Root.Append(DocumentPathStep.Field(root.Name.Name));
        }

        foreach (var step in steps)
        {
            switch (step)
            {
                case FieldStep field:
                    path = path.Append(DocumentPathStep.Field(field.Field.Name));
                    break;
                case IndexStep index:
                    var key = ProjectionBuilder.ToIon(ExpressionEvaluator.Evaluate(index.Index, match.Row.Bindings));
                    path = path.Append(key switch
                    {
                        IonString { IsNull: false } text => DocumentPathStep.Field(text.Value),
                        IonSymbol { IsNull: false, Text: { } text } => DocumentPathStep.Field(text),
                        IonInt { IsNull: false } number when number.TryGetInt64(out var at) && at is >= 0 and <= int.MaxValue => DocumentPathStep.At((int)at),
                        _ => throw DocumentPathException.RemainingPath([.. path.Steps.Select(s => s.ToString()), $"[{key}]"]),
                    });
                    break;
                default:
                    return false;
            }
        }

        return true;
    }
}
