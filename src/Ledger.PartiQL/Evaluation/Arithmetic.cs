using System.Numerics;
using Ledger.Ion;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Evaluation;

/// <summary>
/// <c>+ - * / %</c> (spec §6.6): int∘int → int (division truncates toward zero), int∘decimal → decimal keeping
/// scale, anything∘float → float. MISSING, then NULL, propagate; division by zero and non-numbers are errors.
/// </summary>
internal static class Arithmetic
{
    public static Datum Apply(BinaryOperator op, Datum left, Datum right)
    {
        if (left.IsMissing || right.IsMissing)
        {
            return Datum.Missing;
        }

        if (left.IsNull || right.IsNull)
        {
            return Datum.Null;
        }

        var a = left.Ion!;
        var b = right.Ion!;
        if (!ValueSemantics.IsNumber(a) || !ValueSemantics.IsNumber(b))
        {
            throw new EvaluationException(
                $"arithmetic expects numbers, got {ValueSemantics.Describe(left)} and {ValueSemantics.Describe(right)}");
        }

        if (a is IonFloat || b is IonFloat)
        {
            var x = ValueSemantics.ToDouble(a);
            var y = ValueSemantics.ToDouble(b);
            if (op is BinaryOperator.Divide or BinaryOperator.Modulo && y == 0)
            {
                throw new EvaluationException("division by zero");
            }

            return Datum.Of(IonFloat.Of(op switch
            {
                BinaryOperator.Add => x + y,
                BinaryOperator.Subtract => x - y,
                BinaryOperator.Multiply => x * y,
                BinaryOperator.Divide => x / y,
                _ => x % y,
            }));
        }

        if (a is IonInt ia && b is IonInt ib)
        {
            if (op is BinaryOperator.Divide or BinaryOperator.Modulo && ib.Value.IsZero)
            {
                throw new EvaluationException("division by zero");
            }

            return Datum.Of(IonInt.Of(op switch
            {
                BinaryOperator.Add => ia.Value + ib.Value,
                BinaryOperator.Subtract => ia.Value - ib.Value,
                BinaryOperator.Multiply => ia.Value * ib.Value,
                BinaryOperator.Divide => BigInteger.Divide(ia.Value, ib.Value),
                _ => BigInteger.Remainder(ia.Value, ib.Value),
            }));
        }

        return Datum.Of(IonDecimalValue.Of(Decimal(op, ValueSemantics.ToDecimal(a), ValueSemantics.ToDecimal(b))));
    }

    private static IonDecimal Decimal(BinaryOperator op, IonDecimal x, IonDecimal y)
    {
        switch (op)
        {
            case BinaryOperator.Add or BinaryOperator.Subtract:
                var exponent = Math.Min(x.Exponent, y.Exponent);
                var cx = x.Coefficient * BigInteger.Pow(10, x.Exponent - exponent);
                var cy = y.Coefficient * BigInteger.Pow(10, y.Exponent - exponent);
                return new IonDecimal(op == BinaryOperator.Add ? cx + cy : cx - cy, exponent);
            case BinaryOperator.Multiply:
                return new IonDecimal(x.Coefficient * y.Coefficient, x.Exponent + y.Exponent);
        }

        if (y.IsZero)
        {
            throw new EvaluationException("division by zero");
        }

        // Division and modulo go through System.Decimal (28 significant digits), ample for ledger amounts.
        if (!x.TryToDecimal(out var dx) || !y.TryToDecimal(out var dy))
        {
            throw new EvaluationException("decimal operand out of range for division");
        }

        return IonDecimal.FromDecimal(op == BinaryOperator.Divide ? dx / dy : dx % dy);
    }
}
