using BenchmarkDotNet.Attributes;
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

    [Benchmark(Baseline = true)]
    public ParseResult ParseDmvJoin() => PartiQLParser.Parse(JoinWithParameter);

    [Benchmark]
    public ParseResult ParseDmvUpdate() => PartiQLParser.Parse(UpdateWithThreeParameters);

    [Benchmark]
    public ParseResult ParseHistoryWithIonLiterals() => PartiQLParser.Parse(HistoryWithIonLiterals);
}
