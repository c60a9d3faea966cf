namespace Ledger.PartiQL.Evaluation.Query;

/// <summary>One relational step of a query: produces binding tuples, usually from an input operator.</summary>
public abstract class RowOperator
{
    public abstract IAsyncEnumerable<QueryRow> RunAsync(CancellationToken cancellationToken);
}

/// <summary>The single empty tuple a FROM clause starts from (carries the outer scope and parameters).</summary>
public sealed class StartOperator(Bindings outer) : RowOperator
{
    public override async IAsyncEnumerable<QueryRow> RunAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return QueryRow.Start(outer);
    }
}
