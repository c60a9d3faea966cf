using Ledger.Engine.Errors;
using Ledger.Ion;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.Engine.Statements;

/// <summary>
/// Evaluates the document-free expressions INSERT and EXEC need (literals, Ion literals, parameters, struct, list
/// and bag constructors). Query expressions over documents belong to the PartiQL evaluator.
/// </summary>
internal static class ConstantEvaluator
{
    /// <summary>A bag evaluates to its elements; every other value to itself.</summary>
    public sealed record Bag(IReadOnlyList<IonValue> Items);

    public static object Evaluate(Expression expression, IReadOnlyList<IonValue> parameters) => expression switch
    {
        BagExpression bag => new Bag(bag.Items.Select(i => EvaluateValue(i, parameters)).ToList()),
        _ => EvaluateValue(expression, parameters),
    };

    public static IonValue EvaluateValue(Expression expression, IReadOnlyList<IonValue> parameters)
    {
        switch (expression)
        {
            case LiteralExpression literal:
                return literal.Kind switch
                {
                    LiteralKind.Null => IonValue.Null,
                    LiteralKind.True => IonBool.Of(true),
                    LiteralKind.False => IonBool.Of(false),
                    LiteralKind.String => IonString.Of(literal.Text),
                    LiteralKind.Integer => IonText.Parse(literal.Text),
                    LiteralKind.Decimal => IonText.Parse(DecimalIonText(literal.Text)),
                    _ => throw new BadRequestException("Evaluation Error: MISSING cannot be stored"),
                };
            case IonLiteralExpression ion when ion.Value is not null:
                return ion.Value;
            case ParameterExpression parameter:
                if (parameter.Index >= parameters.Count)
                {
                    throw new BadRequestException($"Evaluation Error: no value was given for parameter {parameter.Index + 1}");
                }

                return parameters[parameter.Index];
            case StructExpression structure:
                var builder = IonStruct.CreateBuilder();
                foreach (var field in structure.Fields)
                {
                    var key = EvaluateValue(field.Key, parameters) switch
                    {
                        IonString s => s.Value,
                        IonSymbol { Text: { } text } => text,
                        _ => throw new BadRequestException("Evaluation Error: struct field names must be strings"),
                    };
                    builder.Add(key, EvaluateValue(field.Value, parameters));
                }

                return builder.ToStruct();
            case ListExpression list:
                return IonList.Of(list.Items.Select(i => EvaluateValue(i, parameters)));
            case BagExpression bag:
                // A bag serialized to Ion becomes a list (partiql-qldb 1.1).
                return IonList.Of(bag.Items.Select(i => EvaluateValue(i, parameters)));
            case UnaryExpression { Operator: UnaryOperator.Minus, Operand: LiteralExpression { Kind: LiteralKind.Integer or LiteralKind.Decimal } number }:
                return EvaluateValue(number with { Text = "-" + number.Text }, parameters);
            default:
                throw new BadRequestException($"Unsupported PartiQL feature: evaluating {expression.GetType().Name} is not available yet");
        }
    }

    // PartiQL decimal literals may use an exponent; Ion text writes a decimal exponent with 'd'.
    private static string DecimalIonText(string text) => text.Replace('e', 'd').Replace('E', 'd');
}
