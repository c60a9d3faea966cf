using Xunit.Abstractions;

namespace Ledger.Engine.Tests.Conformance;

/// <summary>
/// Every case of shared/testdata/partiql/cases, run through <see cref="LedgerEngine"/> on a fresh in-memory ledger
/// (docs/partiql-conformance.md). A case listed in <see cref="PendingCases.Reasons"/> is expected to fail: its row
/// passes while it fails and fails once it passes, so the list stays true.
/// </summary>
public sealed class ConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string> CaseNames() => TheoryRows(ConformanceSuite.Cases.Keys);

    /// <summary>One theory row per case name, in name order (stable test names across runs).</summary>
    internal static TheoryData<string> TheoryRows(IEnumerable<string> caseNames)
    {
        var rows = new TheoryData<string>();
        foreach (var name in caseNames.Order(StringComparer.Ordinal))
        {
            rows.Add(name);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Case(string name)
    {
        var testCase = ConformanceSuite.Cases[name];
        var failure = await TryRunAsync(testCase);
        if (PendingCases.Reasons.TryGetValue(name, out var reason))
        {
            Assert.True(failure is not null, $"{name} is listed as pending ({reason}) but now passes: remove it from PendingCases.");
            output.WriteLine($"pending ({reason}): {failure}");
            return;
        }

        Assert.True(failure is null, $"{name}{(testCase.Inferred ? " (inferred)" : string.Empty)}: {failure}");
    }

    [Fact]
    public void Every_pending_case_exists()
    {
        var unknown = PendingCases.Reasons.Keys.Where(n => !ConformanceSuite.Cases.ContainsKey(n)).ToList();
        Assert.True(unknown.Count == 0, "pending cases that are not in the suite: " + string.Join(", ", unknown));
    }

    [Fact]
    public void The_suite_is_complete()
    {
        // README §8's table: 553 cases, 155 inferred. A mismatch means the case files or the loader changed.
        Assert.Equal(553, ConformanceSuite.Cases.Count);
        Assert.Equal(155, ConformanceSuite.Cases.Values.Count(c => c.Inferred));
    }

    /// <summary>The suite's own report (README §8): passed and failed counts, non-inferred and inferred apart, and
    /// the failing cases by name; the failing set must be exactly the pending list.</summary>
    [Fact]
    public async Task Summary()
    {
        var failing = new List<ConformanceCase>();
        foreach (var testCase in ConformanceSuite.Cases.Values)
        {
            if (await TryRunAsync(testCase) is not null)
            {
                failing.Add(testCase);
            }
        }

        foreach (var (label, inferred) in new[] { ("non-inferred", false), ("inferred", true) })
        {
            var total = ConformanceSuite.Cases.Values.Count(c => c.Inferred == inferred);
            var failed = failing.Where(c => c.Inferred == inferred).Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
            output.WriteLine($"{label}: {total - failed.Count} passed, {failed.Count} failed{(failed.Count > 0 ? ": " + string.Join(", ", failed) : string.Empty)}");
        }

        output.WriteLine($"{ConformanceSuite.Cases.Count - failing.Count} passed, {failing.Count} failed");
        Assert.Equal(PendingCases.Reasons.Keys.Order(StringComparer.Ordinal), failing.Select(c => c.Name).Order(StringComparer.Ordinal));
    }

    internal static async Task<string?> TryRunAsync(ConformanceCase testCase)
    {
        try
        {
            await ConformanceRunner.RunAsync(testCase);
            return null;
        }
        catch (ConformanceFailure failure)
        {
            return failure.Message;
        }
        catch (Exception crash) when (crash is not OutOfMemoryException)
        {
            // A non-LedgerException escaping the engine is a bug in the engine (or the runner), reported as such.
            return $"crashed: {crash}";
        }
    }
}
