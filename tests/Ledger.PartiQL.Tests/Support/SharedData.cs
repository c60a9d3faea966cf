using System.Runtime.CompilerServices;
using System.Text;

namespace Ledger.PartiQL.Tests.Support;

/// <summary>A statement taken from the conformance suite with what the suite expects of it.</summary>
/// <param name="CaseName">The case it belongs to (for test names).</param>
/// <param name="Text">The statement with <c>${var}</c> placeholders replaced by stand-in values.</param>
/// <param name="ErrorCategory">The expected error category, or null when the statement must succeed.</param>
/// <param name="Inferred">Whether the case is flagged <c>inferred: true</c>.</param>
public sealed record SuiteStatement(string CaseName, string Text, string? ErrorCategory, bool Inferred)
{
    public override string ToString() => $"{CaseName}: {Text}";
}

/// <summary>Finds the read-only shared folder and reads the statements out of the PartiQL conformance cases.</summary>
public static class SharedData
{
    private static readonly Lazy<string> Root = new(FindSharedRoot);
    private static readonly Lazy<IReadOnlyList<SuiteStatement>> Statements = new(LoadStatements);

    /// <summary>The folder holding <c>testdata/</c> and <c>spec/</c>: LEDGER_SHARED_DIR if set, else the first
    /// <c>shared</c> folder with a <c>testdata</c> child found walking up from the test assembly, from the
    /// working directory and from this source file (assemblies may be built far from the repository).</summary>
    public static string SharedRoot => Root.Value;

    public static IReadOnlyList<SuiteStatement> AllStatements => Statements.Value;

    private static string FindSharedRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("LEDGER_SHARED_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment) && Directory.Exists(Path.Combine(fromEnvironment, "testdata")))
        {
            return fromEnvironment;
        }

        // The source directory is the last resort: with a private artifacts path the assembly and the working
        // directory can both be outside the checkout.
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), SourceDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "shared");
                if (Directory.Exists(Path.Combine(candidate, "testdata")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException(
            "Could not find the shared folder (shared/testdata); set LEDGER_SHARED_DIR to its path.");
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path) ?? "/";

    private static List<SuiteStatement> LoadStatements()
    {
        var directory = Path.Combine(SharedRoot, "testdata", "partiql");
        var files = Directory.GetFiles(Path.Combine(directory, "cases"), "*.ion").Order(StringComparer.Ordinal)
            .Append(Path.Combine(directory, "fixtures.ion"));
        var result = new List<SuiteStatement>();
        foreach (var file in files)
        {
            var root = MiniIon.Parse(File.ReadAllText(file));
            var caseList = root.Field("cases") ?? root.Field("fixtures");
            foreach (var testCase in caseList?.Items ?? [])
            {
                var name = testCase.Field("name")?.Text ?? Path.GetFileNameWithoutExtension(file);
                var inferred = testCase.Field("inferred")?.Text == "true";
                Collect(testCase, name, inferred, result);
                foreach (var stepsField in new[] { "setup", "then", "steps" })
                {
                    foreach (var step in testCase.Field(stepsField)?.Items ?? [])
                    {
                        Collect(step, name, inferred, result);
                    }
                }
            }
        }

        return result;
    }

    private static void Collect(MiniIon.Node step, string caseName, bool inferred, List<SuiteStatement> result)
    {
        string? statement = step.Field("statement")?.Text;
        if (statement is null && step.Field("statement_repeat") is { } repeat)
        {
            var count = int.Parse(repeat.Field("count")!.Text, System.Globalization.CultureInfo.InvariantCulture);
            var builder = new StringBuilder(repeat.Field("prefix")!.Text);
            builder.Insert(builder.Length, repeat.Field("text")!.Text, count);
            builder.Append(repeat.Field("suffix")!.Text);
            statement = builder.ToString();
        }

        if (statement is null)
        {
            return;
        }

        var category = step.Field("expect_error")?.Field("category")?.Text;
        result.Add(new SuiteStatement(caseName, SubstituteVariables(statement), category, inferred));
    }

    /// <summary>Replaces <c>${v}</c> with a value of the shape the surrounding text needs: a 22-character id
    /// inside quotes, an Ion timestamp inside backticks.</summary>
    public static string SubstituteVariables(string statement)
    {
        var builder = new StringBuilder();
        var i = 0;
        while (i < statement.Length)
        {
            var open = statement.IndexOf("${", i, StringComparison.Ordinal);
            if (open < 0)
            {
                break;
            }

            var close = statement.IndexOf('}', open);
            builder.Append(statement, i, open - i);
            var before = open > 0 ? statement[open - 1] : ' ';
            builder.Append(before == '`' ? "2020-01-01T00:00:00Z" : "AAAAAAAAAAAAAAAAAAAAAA");
            i = close + 1;
        }

        builder.Append(statement, i, statement.Length - i);
        return builder.ToString();
    }
}
