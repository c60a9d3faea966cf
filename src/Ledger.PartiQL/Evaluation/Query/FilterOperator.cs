using System.Runtime.CompilerServices;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Evaluation.Query;

/// <summary>WHERE and JOIN … ON: keeps tuples whose condition is exactly true (not false, NULL or MISSING).</summary>
public sealed class FilterOperator(RowOperator input, Expression condition) : RowOperator
{
    public override async IAsyncEnumerable<QueryRow> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in input.RunAsync(cancellationToken).ConfigureAwait(false))
        {
            if (ValueSemantics.IsTrue(ExpressionEvaluator.Evaluate(condition, row.Bindings)))
            {
                yield return row;
            }
        }
    }
}
