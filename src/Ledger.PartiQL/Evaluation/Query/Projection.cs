using System.Collections.Immutable;
using Ledger.Ion;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Evaluation.Query;

/// <summary>SELECT: builds one output value per tuple with QLDB's result shapes (spec §6.3). A tuple whose
/// SELECT VALUE is MISSING yields no row.</summary>
public static class ProjectionBuilder
{
    public static IonValue? Project(Projection projection, QueryRow row) => projection switch
    {
        ProjectStar => Star(row),
        ProjectValue value => ToIon(ExpressionEvaluator.Evaluate(value.Value, row.Bindings)),
        ProjectList list => List(list, row),
        _ => throw new NotSupportedException($"projection {projection.GetType().Name}"),
    };

    /// <summary>The Ion form of a value: MISSING has none, a bag becomes a list.</summary>
    public static IonValue? ToIon(Datum value) => value.Kind switch
    {
        DatumKind.Missing => null,
        DatumKind.Bag => IonList.Of(value.Items.Select(ToIon).OfType<IonValue>()),
        _ => value.Ion,
    };

    /// <summary>The field name of a select item without alias: a bare variable's name, a path's last
    /// <c>.name</c> or <c>['name']</c> step, else <c>_n</c>.</summary>
    public static string DefaultName(Expression expression, int position) => expression switch
    {
        VariableReference variable => variable.Name.Name,
        PathExpression { Steps: [.., FieldStep field] } => field.Field.Name,
        PathExpression { Steps: [.., IndexStep { Index: LiteralExpression { Kind: LiteralKind.String } literal }] } => literal.Text,
        _ => $"_{position}",
    };

    private static IonStruct Star(QueryRow row)
    {
        if (row.Variables is [{ Value.Ion: IonStruct { IsNull: false } only }])
        {
            return only;
        }

        var fields = ImmutableArray.CreateBuilder<IonField>();
        foreach (var variable in row.Variables)
        {
            if (!variable.IsDocumentId && variable.Value.Ion is IonStruct { IsNull: false } structure)
            {
                fields.AddRange(structure.Fields);
            }
            else if (ToIon(variable.Value) is { } value)
            {
                fields.Add(new IonField(SymbolToken.Of(variable.Name), value));
            }
        }

        return IonStruct.Of(fields.ToImmutable());
    }

    private static IonStruct List(ProjectList list, QueryRow row)
    {
        var fields = ImmutableArray.CreateBuilder<IonField>(list.Items.Count);
        for (var i = 0; i < list.Items.Count; i++)
        {
            switch (list.Items[i])
            {
                case SelectExpressionItem item:
                    if (ToIon(ExpressionEvaluator.Evaluate(item.Expression, row.Bindings)) is { } value)
                    {
                        fields.Add(new IonField(SymbolToken.Of(item.Alias?.Name ?? DefaultName(item.Expression, i + 1)), value));
                    }

                    break;
                case SelectAllFieldsItem all:
                    if (ExpressionEvaluator.Evaluate(all.Source, row.Bindings).Ion is IonStruct { IsNull: false } structure)
                    {
                        fields.AddRange(structure.Fields);
                    }

                    break;
            }
        }

        return IonStruct.Of(fields.ToImmutable());
    }
}
