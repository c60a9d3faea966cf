using Ledger.Ion;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Evaluation;

/// <summary>COUNT, SUM, AVG, MIN, MAX over a group of rows (spec §10): NULL and MISSING are ignored (COUNT(*)
/// counts rows), DISTINCT keeps one of each equal value, an empty input gives 0 for COUNT and NULL otherwise.
/// SUM follows arithmetic promotion, AVG is a decimal (float when a float is summed), MIN/MAX use §6.6 order.</summary>
public static class Aggregates
{
    public static Datum Compute(AggregateCall aggregate, IReadOnlyList<Bindings> rows)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        ArgumentNullException.ThrowIfNull(rows);
        if (aggregate.Argument is null)
        {
            return Datum.Of(IonInt.Of(rows.Count));
        }

        var values = new List<Datum>(rows.Count);
        foreach (var row in rows)
        {
            var value = ExpressionEvaluator.Evaluate(aggregate.Argument, row);
            if (!value.IsAbsent && (!aggregate.Distinct || !values.Exists(v => ValueSemantics.AreEqual(v, value))))
            {
                values.Add(value);
            }
        }

        if (aggregate.Function == AggregateFunction.Count)
        {
            return Datum.Of(IonInt.Of(values.Count));
        }

        if (values.Count == 0)
        {
            return Datum.Null;
        }

        switch (aggregate.Function)
        {
            case AggregateFunction.Min:
            case AggregateFunction.Max:
                var best = values[0];
                var name = aggregate.Function == AggregateFunction.Min ? "MIN" : "MAX";
                foreach (var value in values.Skip(1))
                {
                    var order = ValueSemantics.Order(value, best, name);
                    if (aggregate.Function == AggregateFunction.Min ? order < 0 : order > 0)
                    {
                        best = value;
                    }
                }

                return best;
            default:
                var sum = values[0];
                foreach (var value in values.Skip(1))
                {
                    sum = Arithmetic.Apply(BinaryOperator.Add, sum, value);
                }

                if (aggregate.Function == AggregateFunction.Sum)
                {
                    return sum;
                }

                if (!ValueSemantics.IsNumber(sum.Ion!))
                {
                    throw new EvaluationException($"AVG expects numbers, got {ValueSemantics.Describe(sum)}");
                }

                var count = Datum.Of(IonInt.Of(values.Count));
                return sum.Ion is IonFloat
                    ? Arithmetic.Apply(BinaryOperator.Divide, sum, count)
                    : Arithmetic.Apply(BinaryOperator.Divide, Datum.Of(IonDecimalValue.Of(ToDecimal(sum.Ion!))), count);
        }
    }

    private static IonDecimal ToDecimal(IonValue value) => value switch
    {
        IonInt i => new IonDecimal(i.Value, 0),
        IonDecimalValue d => d.Value,
        _ => throw new EvaluationException("AVG expects numbers"),
    };
}
