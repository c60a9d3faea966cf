using System.Collections.Immutable;

namespace Ledger.PartiQL.Evaluation.Query;

/// <summary>One FROM-clause binding a query row carries, in FROM order: the alias and its value, and whether it
/// is a BY alias (a document id, shown by <c>SELECT *</c> as a field named after the alias).</summary>
public readonly record struct BoundVariable(string Name, Datum Value, bool IsDocumentId);

/// <summary>One binding tuple flowing between operators: the scope expressions are evaluated in and the FROM
/// variables in FROM order (for <c>SELECT *</c>).</summary>
public sealed record QueryRow(Bindings Bindings, ImmutableList<BoundVariable> Variables)
{
    public static QueryRow Start(Bindings outer) => new(outer, []);

    public QueryRow Bind(string name, Datum value, bool isDocumentId = false) =>
        new(Bindings.With(name, value), Variables.Add(new BoundVariable(name, value, isDocumentId)));
}
