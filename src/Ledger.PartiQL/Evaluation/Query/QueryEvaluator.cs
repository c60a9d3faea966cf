using System.Runtime.CompilerServices;
using Ledger.Ion;
using Ledger.PartiQL.Planning;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Evaluation.Query;

/// <summary>
/// Executes a planned SELECT (spec §6): FROM items in order (scans/lookups through <see cref="IDocumentSource"/>,
/// expression items unnested per tuple, ON conditions as filters), WHERE, projection, DISTINCT. The engine calls
/// <see cref="ExecuteAsync"/> with a plan without errors.
/// </summary>
public static class QueryEvaluator
{
    public static async IAsyncEnumerable<IonValue> ExecuteAsync(
        StatementPlan plan,
        IDocumentSource documents,
        IReadOnlyList<IonValue> parameters,
        EvaluationContext? context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(parameters);
        if (plan.HasErrors)
        {
            throw new InvalidOperationException("the statement plan has errors");
        }

        if (plan.Statement is not SelectStatement select)
        {
            throw new NotSupportedException($"{plan.Statement.GetType().Name} is not a query");
        }

        var rows = BuildFrom(select.From, new StartOperator(Bindings.Empty(parameters, context)), plan, documents);
        if (select.Where is not null)
        {
            rows = new FilterOperator(rows, select.Where);
        }

        if (HasAggregate(select.Projection))
        {
            // Without GROUP BY the whole filtered input is one group: exactly one row, even when it is empty.
            var group = new List<Bindings>();
            await foreach (var row in rows.RunAsync(cancellationToken).ConfigureAwait(false))
            {
                group.Add(row.Bindings);
            }

            var scope = QueryRow.Start(Bindings.Empty(parameters, context).WithGroup(group));
            if (ProjectionBuilder.Project(select.Projection, scope) is { } aggregated)
            {
                yield return aggregated;
            }

            yield break;
        }

        var seen = select.Distinct ? new List<IonValue>() : null;
        await foreach (var row in rows.RunAsync(cancellationToken).ConfigureAwait(false))
        {
            if (ProjectionBuilder.Project(select.Projection, row) is not { } value)
            {
                continue;
            }

            if (seen is not null)
            {
                if (seen.Exists(v => ValueSemantics.AreEqual(v, value)))
                {
                    continue;
                }

                seen.Add(value);
            }

            yield return value;
        }
    }

    /// <summary>Chains one operator per FROM item, left to right, so that right items see left aliases (lateral
    /// unnesting); a comma or CROSS JOIN is the plain product, INNER JOIN filters by its ON condition.</summary>
    private static RowOperator BuildFrom(FromSource from, RowOperator input, StatementPlan plan, IDocumentSource documents)
    {
        switch (from)
        {
            case JoinSource join:
                var joined = BuildFrom(join.Right, BuildFrom(join.Left, input, plan, documents), plan, documents);
                return join.Condition is null ? joined : new FilterOperator(joined, join.Condition);
            case FromItem item:
                var source = plan.Sources.FirstOrDefault(s => ReferenceEquals(s.Source, item));
                if (source is not null && source.Kind != SourceKind.Value)
                {
                    return new ScanOperator(input, source, item, documents);
                }

                return new UnnestOperator(input, item, source?.Alias ?? AliasOf(item));
            default:
                throw new NotSupportedException($"FROM source {from.GetType().Name}");
        }
    }

    /// <summary>The name an expression FROM item binds: its alias, else a bare variable's name or a path's last
    /// field.</summary>
    internal static string AliasOf(FromItem item) => item.Alias?.Name ?? item.Source switch
    {
        VariableReference variable => variable.Name.Name,
        PathExpression { Steps: [.., FieldStep field] } => field.Field.Name,
        _ => "_1",
    };

    internal static bool HasAggregate(Projection projection) => projection switch
    {
        ProjectValue value => HasAggregate(value.Value),
        ProjectList list => list.Items.Any(i => i is SelectExpressionItem item && HasAggregate(item.Expression)),
        _ => false,
    };

    /// <summary>Whether an aggregate occurs in the expression outside nested queries.</summary>
    internal static bool HasAggregate(Expression? expression) => expression switch
    {
        null => false,
        AggregateCall => true,
        UnaryExpression unary => HasAggregate(unary.Operand),
        BinaryExpression binary => HasAggregate(binary.Left) || HasAggregate(binary.Right),
        FunctionCall call => call.Arguments.Any(HasAggregate),
        CastExpression cast => HasAggregate(cast.Operand),
        CaseExpression @case => HasAggregate(@case.Operand) || HasAggregate(@case.Else)
            || @case.Branches.Any(b => HasAggregate(b.When) || HasAggregate(b.Then)),
        StructExpression structure => structure.Fields.Any(f => HasAggregate(f.Key) || HasAggregate(f.Value)),
        ListExpression list => list.Items.Any(HasAggregate),
        BagExpression bag => bag.Items.Any(HasAggregate),
        PathExpression path => HasAggregate(path.Root),
        _ => false,
    };
}
