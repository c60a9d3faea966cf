using System.Runtime.CompilerServices;
using Ledger.Ion;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Evaluation.Query;

/// <summary>A FROM item that is an expression (<c>@r.Owners.SecondaryOwners AS o</c>, a literal, a bag): evaluated
/// per input tuple and iterated — list/bag elements, else the single value (spec §6.1). AT binds a list position.
/// MISSING yields no tuple.</summary>
public sealed class UnnestOperator(RowOperator input, FromItem item, string alias) : RowOperator
{
    public override async IAsyncEnumerable<QueryRow> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in input.RunAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var bound in Expand(row, item, alias))
            {
                yield return bound;
            }
        }
    }

    /// <summary>The tuples one input tuple yields for the item.</summary>
    public static IEnumerable<QueryRow> Expand(QueryRow row, FromItem item, string alias)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(item);
        var value = ExpressionEvaluator.Evaluate(item.Source, row.Bindings);
        var position = 0;
        foreach (var element in Elements(value))
        {
            var bound = row.Bind(alias, element);
            if (item.AtAlias is { } at)
            {
                bound = bound.Bind(at.Name, value.Ion is IonList ? Datum.Of(IonInt.Of(position)) : Datum.Missing);
            }

            position++;
            yield return bound;
        }
    }

    private static IEnumerable<Datum> Elements(Datum value) => value switch
    {
        { IsMissing: true } => [],
        { Kind: DatumKind.Bag } => value.Items,
        { Ion: IonSequence { IsNull: false } sequence } => sequence.Elements.Select(Datum.Of),
        _ => [value],
    };
}
