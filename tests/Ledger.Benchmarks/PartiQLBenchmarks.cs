using BenchmarkDotNet.Attributes;
using Ledger.PartiQL.Planning;
using Ledger.PartiQL.Syntax;

namespace Ledger.Benchmarks;

/// <summary>Front-end cost of typical DMV statements; the budget is 20 µs to parse and plan one.</summary>
[MemoryDiagnoser]
public class PartiQLBenchmarks
{
    private const string JoinWithParameter =
        "SELECT r.VIN, o.SecondaryOwners FROM VehicleRegistration AS r, @r.Owners.PrimaryOwner AS o WHERE r.VIN = ?";

    private const string UpdateWithThreeParameters =
        "UPDATE DriversLicense AS d SET d.ValidFromDate = ?, d.ValidToDate = ? WHERE d.LicenseNumber = ?";

    private const string HistoryWithIonLiterals =
        "SELECT data.Owners.PrimaryOwner, metadata.version FROM history(VehicleRegistration, `2019-06-05T00:00:00Z`, `2019-06-06T00:00:00Z`) AS h WHERE h.metadata.id = ?";

    private static readonly ICatalog DmvCatalog = new FixedCatalog();

    [Benchmark(Baseline = true)]
    public ParseResult ParseDmvJoin() => PartiQLParser.Parse(JoinWithParameter);

    [Benchmark]
    public ParseResult ParseDmvUpdate() => PartiQLParser.Parse(UpdateWithThreeParameters);

    [Benchmark]
    public ParseResult ParseHistoryWithIonLiterals() => PartiQLParser.Parse(HistoryWithIonLiterals);

    /// <summary>The budget: parse and plan a typical DMV statement in at most 20 µs.</summary>
    [Benchmark]
    public StatementPlan ParseAndPlanDmvJoin() => PartiQLPlanner.Plan(PartiQLParser.Parse(JoinWithParameter), DmvCatalog, 1);

    [Benchmark]
    public StatementPlan ParseAndPlanDmvIndexedJoin() => PartiQLPlanner.Plan(
        PartiQLParser.Parse("SELECT v FROM Vehicle AS v INNER JOIN VehicleRegistration AS r ON v.VIN = r.VIN WHERE r.Owners.PrimaryOwner.PersonId = ?"),
        DmvCatalog,
        1);

    private sealed class FixedCatalog : ICatalog
    {
        private readonly Dictionary<string, TableSchema> tables = new()
        {
            ["Vehicle"] = new("Vehicle", new HashSet<string> { "VIN" }),
            ["VehicleRegistration"] = new("VehicleRegistration", new HashSet<string> { "LicensePlateNumber", "VIN" }),
        };

        public TableSchema? FindTable(string name) => tables.GetValueOrDefault(name);
    }
}
