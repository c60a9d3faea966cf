namespace Ledger.PartiQL.Evaluation.Query;

/// <summary>One FROM-clause binding a query row carries, in FROM order: the alias and its value, and whether it
/// is a BY alias (a document id, shown by <c>SELECT *</c> as a field named after the alias).</summary>
public readonly record struct BoundVariable(string Name, Datum Value, bool IsDocumentId);

/// <summary>One binding tuple flowing between operators: the scope expressions are evaluated in and the FROM
/// variables in FROM order (for <c>SELECT *</c>). The variables are read back from the scope chain rather than kept
/// in a list of their own: a scan makes one row per document, and only <c>SELECT *</c> asks for them.</summary>
public sealed class QueryRow
{
    private readonly Bindings start;

    private QueryRow(Bindings bindings, Bindings start)
    {
        Bindings = bindings;
        this.start = start;
    }

    public Bindings Bindings { get; }

    /// <summary>The variables bound since <see cref="Start"/>, in binding (FROM) order.</summary>
    public IReadOnlyList<BoundVariable> Variables
    {
        get
        {
            var variables = new List<BoundVariable>();
            for (var scope = Bindings; scope is not null && !ReferenceEquals(scope, start); scope = scope.Parent)
            {
                if (scope.Name is { } name)
                {
                    variables.Add(new BoundVariable(name, scope.Value, scope.IsDocumentId));
                }
            }

            variables.Reverse();
            return variables;
        }
    }

    public static QueryRow Start(Bindings outer) => new(outer, outer);

    public QueryRow Bind(string name, Datum value, bool isDocumentId = false) => new(Bindings.With(name, value, isDocumentId), start);
}
