using Ledger.Ion;

namespace Ledger.PartiQL.Evaluation;

/// <summary>
/// The variables in scope while evaluating an expression: FROM/AT/BY aliases of the current query, then those of
/// enclosing queries, plus the statement's parameters. Immutable; <see cref="With(string, Datum)"/> adds one binding.
/// </summary>
public sealed class Bindings
{
    private readonly Bindings? parent;
    private readonly string? name;
    private readonly Datum value;
    private readonly IReadOnlyList<Bindings>? group;
    private readonly bool isDocumentId;

    private Bindings(Bindings? parent, string? name, Datum value, IReadOnlyList<IonValue> parameters, IReadOnlyList<Bindings>? group = null, EvaluationContext? context = null, bool isDocumentId = false)
    {
        Context = context ?? parent?.Context;
        this.parent = parent;
        this.name = name;
        this.value = value;
        this.group = group;
        this.isDocumentId = isDocumentId;
        Parameters = parameters;
    }

    /// <summary>The enclosing scope (null for the outermost).</summary>
    internal Bindings? Parent => parent;

    /// <summary>The variable this scope binds (null for a scope that only carries a group).</summary>
    internal string? Name => name;

    internal Datum Value => value;

    /// <summary>True when the variable is a BY alias (a document id).</summary>
    internal bool IsDocumentId => isDocumentId;

    /// <summary>The rows an aggregate in this scope ranges over (the whole filtered FROM input when a query
    /// without GROUP BY aggregates, spec §10), or null outside an aggregating projection.</summary>
    public IReadOnlyList<Bindings>? Group
    {
        get
        {
            for (var scope = this; scope is not null; scope = scope.parent)
            {
                if (scope.group is not null)
                {
                    return scope.group;
                }
            }

            return null;
        }
    }

    /// <summary>A scope in which aggregates range over <paramref name="rows"/>.</summary>
    public Bindings WithGroup(IReadOnlyList<Bindings> rows) => new(this, null, Datum.Missing, Parameters, rows);

    /// <summary>The values bound to <c>?</c>, in statement order.</summary>
    public IReadOnlyList<IonValue> Parameters { get; }

    /// <summary>The statement's clock and transaction id, when the caller supplied them.</summary>
    public EvaluationContext? Context { get; }

    public static Bindings Empty(IReadOnlyList<IonValue> parameters, EvaluationContext? context = null) =>
        new(null, null, Datum.Missing, parameters, null, context);

    public Bindings With(string variable, Datum bound) => new(this, variable, bound, Parameters);

    /// <summary>Adds one binding, marked as a BY alias when <paramref name="documentId"/> is true.</summary>
    internal Bindings With(string variable, Datum bound, bool documentId) => new(this, variable, bound, Parameters, isDocumentId: documentId);

    /// <summary>Looks an alias up, innermost first.</summary>
    public bool TryGet(string variable, out Datum bound)
    {
        for (var scope = this; scope is not null; scope = scope.parent)
        {
            if (scope.name == variable)
            {
                bound = scope.value;
                return true;
            }
        }

        bound = Datum.Missing;
        return false;
    }

    /// <summary>An unqualified name that is no alias: the field of the first (leftmost) bound struct that has it
    /// (spec §6.2 c), else MISSING.</summary>
    public Datum ResolveAttribute(string field)
    {
        var chain = new List<Datum>();
        for (var scope = this; scope is not null; scope = scope.parent)
        {
            if (scope.name is not null)
            {
                chain.Add(scope.value);
            }
        }

        for (var i = chain.Count - 1; i >= 0; i--)
        {
            if (chain[i].Ion is IonStruct s && s.TryGetField(field, out var found))
            {
                return Datum.Of(found);
            }
        }

        return Datum.Missing;
    }
}
