using System.Globalization;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Ledger.Engine.Model;
using Ledger.Ion;
using Ledger.PartiQL.Evaluation;
using Ledger.PartiQL.Evaluation.Query;
using Ledger.PartiQL.Planning;
using Ledger.PartiQL.Syntax;

namespace Ledger.Benchmarks;

/// <summary>
/// Whole-statement cost of the planner's two access paths, parse + plan + evaluate: an indexed equality lookup
/// among 1,000,000 in-memory documents (budget 10 µs) and a full scan with a WHERE over 100,000 small documents
/// (budget 100 ms). The documents sit in a hash-indexed in-memory source keyed like the engine's indexes
/// (<see cref="IndexKey"/>), so the figures are the front end and evaluator, not storage.
/// </summary>
[MemoryDiagnoser]
public class PartiQLQueryBenchmarks
{
    private const string IndexedLookup = "SELECT * FROM Vehicle AS v WHERE v.VIN = ?";
    private const string ScanWithWhere = "SELECT VALUE s.id FROM Small AS s WHERE s.Year > 2015 AND s.Color = 'Red'";

    private readonly IonValue[] _vinParameter = [IonString.Of(Vin(654_321))];
    private IndexedDocuments _vehicles = null!;
    private IndexedDocuments _small = null!;
    private StatementPlan _lookupPlan = null!;

    [GlobalSetup]
    public void Setup()
    {
        _vehicles = new IndexedDocuments("Vehicle", "VIN");
        for (var i = 0; i < 1_000_000; i++)
        {
            _vehicles.Add(IonStruct.Of(
                new IonField("VIN", IonString.Of(Vin(i))),
                new IonField("Make", IonString.Of(i % 2 == 0 ? "Audi" : "Tesla")),
                new IonField("Year", IonInt.Of(2000 + (i % 25)))));
        }

        _small = new IndexedDocuments("Small", null);
        for (var i = 0; i < 100_000; i++)
        {
            _small.Add(IonStruct.Of(
                new IonField("id", IonInt.Of(i)),
                new IonField("Year", IonInt.Of(2000 + (i % 25))),
                new IonField("Color", IonString.Of((i % 7) == 0 ? "Red" : "Blue"))));
        }

        _lookupPlan = PartiQLPlanner.Plan(PartiQLParser.Parse(IndexedLookup), _vehicles, 1);
        if (_lookupPlan.Sources[0].Access is not IndexLookup)
        {
            throw new InvalidOperationException("the lookup is expected to use the VIN index: " + _lookupPlan.Explain());
        }
    }

    /// <summary>Budget: 10 µs per statement.</summary>
    [Benchmark]
    public Task<int> IndexedEqualityLookupAmongOneMillion() => RunAsync(_vehicles, IndexedLookup, _vinParameter);

    /// <summary>The same lookup with the plan reused (evaluation only).</summary>
    [Benchmark]
    public Task<int> IndexedEqualityLookupPlanned() => CountAsync(_lookupPlan, _vehicles, _vinParameter);

    /// <summary>Budget: 100 ms per statement.</summary>
    [Benchmark]
    public Task<int> FullScanWithWhereOverHundredThousand() => RunAsync(_small, ScanWithWhere, []);

    private static Task<int> RunAsync(IndexedDocuments documents, string statement, IonValue[] parameters) =>
        CountAsync(PartiQLPlanner.Plan(PartiQLParser.Parse(statement), documents, parameters.Length), documents, parameters);

    private static async Task<int> CountAsync(StatementPlan plan, IndexedDocuments documents, IonValue[] parameters)
    {
        var rows = 0;
        await foreach (var _ in QueryEvaluator.ExecuteAsync(plan, documents, parameters, null, CancellationToken.None))
        {
            rows++;
        }

        return rows;
    }

    private static string Vin(int i) => "VIN" + i.ToString("D10", CultureInfo.InvariantCulture);

    /// <summary>One table in memory with at most one hash index; index candidates are returned as they are (the
    /// evaluator re-checks the WHERE).</summary>
    private sealed class IndexedDocuments(string table, string? indexedField) : IDocumentSource, ICatalog
    {
        private readonly List<SourceRow> _rows = [];
        private readonly Dictionary<IndexKey, List<int>> _index = [];

        public void Add(IonStruct document)
        {
            if (indexedField is not null && document.TryGetField(indexedField, out var value))
            {
                var key = IndexKey.From(value);
                if (!_index.TryGetValue(key, out var positions))
                {
                    _index[key] = positions = [];
                }

                positions.Add(_rows.Count);
            }

            _rows.Add(new SourceRow(document, "doc" + _rows.Count.ToString(CultureInfo.InvariantCulture)));
        }

        public TableSchema? FindTable(string name) => name == table
            ? new TableSchema(table, indexedField is null ? new HashSet<string>() : new HashSet<string> { indexedField })
            : null;

        public async IAsyncEnumerable<SourceRow> ReadAsync(
            SourcePlan source,
            IReadOnlyList<IonValue> keys,
            (IonValue? Start, IonValue? End) historyBounds,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            if (source.Access is IndexLookup)
            {
                foreach (var key in keys)
                {
                    foreach (var position in _index.GetValueOrDefault(IndexKey.From(key)) ?? [])
                    {
                        yield return _rows[position];
                    }
                }

                yield break;
            }

            foreach (var row in _rows)
            {
                yield return row;
            }
        }
    }
}
