using System.Runtime.CompilerServices;
using Ledger.Ion;

namespace Ledger.Engine.Tests.Conformance;

/// <summary>One case of the PartiQL conformance suite (shared/testdata/partiql, format in its README).</summary>
/// <param name="Name">The unique case name, <c>suite.what</c>.</param>
/// <param name="Inferred">Whether the expectation rests on a [P] or [I] rule.</param>
/// <param name="Definition">The case struct as written.</param>
internal sealed record ConformanceCase(string Name, bool Inferred, IonStruct Definition)
{
    public override string ToString() => Name;
}

/// <summary>Reads the conformance cases and fixtures from the read-only shared folder.</summary>
internal static class ConformanceSuite
{
    private static readonly Lazy<string> Root = new(FindSharedRoot);
    private static readonly Lazy<IReadOnlyDictionary<string, ConformanceCase>> LoadedCases = new(LoadCases);
    private static readonly Lazy<IReadOnlyDictionary<string, IonStruct>> LoadedFixtures = new(LoadFixtures);

    /// <summary>Every case of every file in <c>testdata/partiql/cases</c>, by name.</summary>
    public static IReadOnlyDictionary<string, ConformanceCase> Cases => LoadedCases.Value;

    /// <summary>The named fixtures of <c>fixtures.ion</c>.</summary>
    public static IReadOnlyDictionary<string, IonStruct> Fixtures => LoadedFixtures.Value;

    private static string SuiteDirectory => Path.Combine(Root.Value, "testdata", "partiql");

    /// <summary>The steps of a fixture, after those of the fixture it extends.</summary>
    public static IEnumerable<IonStruct> FixtureSteps(string name)
    {
        var chain = new List<IonStruct>();
        for (string? current = name; current is not null;)
        {
            var fixture = Fixtures.TryGetValue(current, out var found) ? found : throw new InvalidDataException($"unknown fixture '{current}'");
            chain.Insert(0, fixture);
            current = fixture["extends"] is IonSymbol { Text: { } parent } ? parent : null;
        }

        return chain.SelectMany(f => ((IonList)f["steps"]!).Elements.Cast<IonStruct>());
    }

    // CI runs on a fresh clone with a copy of shared/ beside it (../shared); a developer's worktree may sit deeper.
    // LEDGER_SHARED_DIR wins; otherwise the first `shared` folder with a `testdata` child found walking up from
    // the test assembly, the working directory and this source file.
    private static string FindSharedRoot()
    {
        var configured = Environment.GetEnvironmentVariable("LEDGER_SHARED_DIR");
        if (!string.IsNullOrEmpty(configured) && Directory.Exists(Path.Combine(configured, "testdata")))
        {
            return configured;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), ThisSourceDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "shared");
                if (Directory.Exists(Path.Combine(candidate, "testdata", "partiql")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("Could not find shared/testdata/partiql; set LEDGER_SHARED_DIR to the shared folder.");
    }

    private static string ThisSourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path) ?? "/";

    private static Dictionary<string, ConformanceCase> LoadCases()
    {
        var cases = new Dictionary<string, ConformanceCase>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(SuiteDirectory, "cases"), "*.ion").Order(StringComparer.Ordinal))
        {
            var root = (IonStruct)IonText.ParseAll(File.ReadAllText(file)).Single();
            foreach (var definition in ((IonList)root["cases"]!).Elements.Cast<IonStruct>())
            {
                var name = ((IonString)definition["name"]!).Value;
                var inferred = definition["inferred"] is IonBool { IsNull: false, Value: true };
                if (!cases.TryAdd(name, new ConformanceCase(name, inferred, definition)))
                {
                    throw new InvalidDataException($"duplicate case name '{name}' in {file}");
                }
            }
        }

        return cases;
    }

    private static Dictionary<string, IonStruct> LoadFixtures()
    {
        var root = (IonStruct)IonText.ParseAll(File.ReadAllText(Path.Combine(SuiteDirectory, "fixtures.ion"))).Single();
        return ((IonList)root["fixtures"]!).Elements.Cast<IonStruct>()
            .ToDictionary(f => ((IonSymbol)f["name"]!).Text!, StringComparer.Ordinal);
    }
}
