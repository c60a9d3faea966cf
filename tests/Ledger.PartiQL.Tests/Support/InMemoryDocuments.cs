using System.Runtime.CompilerServices;
using Ledger.Ion;
using Ledger.PartiQL.Evaluation;
using Ledger.PartiQL.Planning;

namespace Ledger.PartiQL.Tests.Support;

/// <summary>An in-memory storage port and catalog for evaluator tests: tables of (document id, user data), with
/// optional indexed fields. Records every read so tests can check the access path used.</summary>
public sealed class InMemoryDocuments : IDocumentSource, ICatalog
{
    private readonly Dictionary<string, List<(string Id, IonStruct Data)>> tables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> indexes = new(StringComparer.Ordinal);

    public List<string> Reads { get; } = [];

    public InMemoryDocuments Table(string name, params string[] indexedFields)
    {
        tables.TryAdd(name, []);
        indexes[name] = [.. indexedFields];
        return this;
    }

    public InMemoryDocuments Index(string table, string field)
    {
        indexes[table].Add(field);
        return this;
    }

    public InMemoryDocuments Insert(string table, string id, IonStruct data)
    {
        tables[table].Add((id, data));
        return this;
    }

    public TableSchema? FindTable(string name) =>
        tables.ContainsKey(name) ? new TableSchema(name, indexes[name]) : null;

    public async IAsyncEnumerable<SourceRow> ReadAsync(
        SourcePlan source,
        IReadOnlyList<IonValue> keys,
        (IonValue? Start, IonValue? End) historyBounds,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (source.Kind != SourceKind.UserView || source.Table is null)
        {
            throw new NotSupportedException($"the in-memory source only serves user views, not {source.Kind}");
        }

        Reads.Add(source.ToString());
        foreach (var (id, data) in tables[source.Table])
        {
            var matches = source.Access switch
            {
                IndexLookup index => data.TryGetField(index.Field, out var value) && keys.Any(k => ValueSemantics.AreEqual(k, value)),
                DocumentIdLookup => keys.Any(k => k is IonString s && s.Value == id),
                _ => true,
            };
            if (matches)
            {
                yield return new SourceRow(data, id);
            }
        }
    }
}
