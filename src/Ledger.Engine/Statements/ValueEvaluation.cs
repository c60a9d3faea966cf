using Ledger.Engine.Errors;
using Ledger.Ion;
using Ledger.PartiQL.Evaluation;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.Engine.Statements;

/// <summary>
/// Evaluates the document-free expressions of INSERT and EXEC with the PartiQL expression evaluator, mapping
/// evaluation failures to QLDB's <c>Evaluation Error</c> bad requests.
/// </summary>
internal static class ValueEvaluation
{
    /// <summary>The values an INSERT source denotes: a bag's or list's elements (unless VALUE), else the one value.</summary>
    public static IReadOnlyList<IonValue> InsertValues(Expression expression, IReadOnlyList<IonValue> parameters, bool isValueForm, EvaluationContext context)
    {
        var datum = Evaluate(expression, parameters, context);
        if (datum.Kind == DatumKind.Bag)
        {
            return isValueForm
                ? throw new BadRequestException("Evaluation Error: INSERT INTO ... VALUE takes one struct, not a bag", StatementErrorKind.Evaluation)
                : [.. datum.Items.Select(ToIon)];
        }

        var value = ToIon(datum);
        return value is IonList list && !isValueForm ? list.Elements : [value];
    }

    /// <summary>One Ion value (MISSING is refused: it can never be stored).</summary>
    public static IonValue Value(Expression expression, IReadOnlyList<IonValue> parameters) => ToIon(Evaluate(expression, parameters, null));

    // The context gives UTCNOW() and TXID() their values (an INSERT may store them).
    private static Datum Evaluate(Expression expression, IReadOnlyList<IonValue> parameters, EvaluationContext? context)
    {
        try
        {
            return ExpressionEvaluator.Evaluate(expression, Bindings.Empty(parameters, context));
        }
        catch (EvaluationException error)
        {
            throw new BadRequestException($"Evaluation Error: {error.Message}", StatementErrorKind.Evaluation);
        }
    }

    private static IonValue ToIon(Datum datum) => datum.Kind switch
    {
        DatumKind.Ion => datum.Ion!,

        // A bag serialized to Ion becomes a list (partiql-qldb 1.1).
        DatumKind.Bag => IonList.Of(datum.Items.Select(ToIon)),
        _ => throw new BadRequestException("Evaluation Error: MISSING cannot be stored", StatementErrorKind.Evaluation),
    };
}
