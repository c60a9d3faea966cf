using Ledger.Ion;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Evaluation.Query;

/// <summary>
/// A nested SELECT (spec §6.2): it may only range over values reachable from outer aliases (the planner rejects
/// tables), so it is evaluated synchronously inside the enclosing expression, correlated through the outer
/// <see cref="Bindings"/>. The result is a bag of the projected values.
/// </summary>
public static class SubqueryEvaluator
{
    public static Datum Evaluate(SelectStatement query, Bindings outer)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(outer);
        var rows = From(query.From, QueryRow.Start(outer));
        if (query.Where is { } where)
        {
            rows = rows.Where(r => ValueSemantics.IsTrue(ExpressionEvaluator.Evaluate(where, r.Bindings)));
        }

        if (QueryEvaluator.HasAggregate(query.Projection))
        {
            var group = rows.Select(r => r.Bindings).ToList();
            var one = ProjectionBuilder.Project(query.Projection, QueryRow.Start(outer.WithGroup(group)));
            return Datum.Bag(one is null ? [] : [Datum.Of(one)]);
        }

        var values = new List<IonValue>();
        foreach (var row in rows)
        {
            if (ProjectionBuilder.Project(query.Projection, row) is { } value
                && (!query.Distinct || !values.Exists(v => ValueSemantics.AreEqual(v, value))))
            {
                values.Add(value);
            }
        }

        return Datum.Bag([.. values.Select(Datum.Of)]);
    }

    private static IEnumerable<QueryRow> From(FromSource from, QueryRow row) => from switch
    {
        JoinSource join => From(join.Left, row)
            .SelectMany(left => From(join.Right, left))
            .Where(r => join.Condition is null || ValueSemantics.IsTrue(ExpressionEvaluator.Evaluate(join.Condition, r.Bindings))),
        FromItem item => UnnestOperator.Expand(row, item, QueryEvaluator.AliasOf(item)),
        _ => throw new NotSupportedException($"FROM source {from.GetType().Name}"),
    };
}
