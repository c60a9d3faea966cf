using Ledger.Ion;

namespace Ledger.Cli.Tests;

/// <summary>Shell parameters, table output, history and the consumed-IOs line, driven through stdin/stdout.</summary>
public sealed class ShellFeatureTests : IAsyncLifetime
{
    private LocalHandler _handler = null!;

    public async Task InitializeAsync() => _handler = await LocalHandler.StartAsync();

    public async Task DisposeAsync() => await _handler.DisposeAsync();

    [Fact]
    public async Task Bound_parameters_fill_the_placeholders_of_the_next_statement_only()
    {
        var ledger = await _handler.CreateLedgerAsync();

        var run = await Shell(ledger,
            "CREATE TABLE T\n\\bind {a: 1, b: \"x\"}\nINSERT INTO T ?\n\\bind 1 \"x\"\nSELECT VALUE b FROM T WHERE a = ? AND b = ?\n" +
            "start transaction\n\\bind {a: 2}\nINSERT INTO T ?\ncommit\nSELECT VALUE a FROM T WHERE a = 2\n");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var values = IonText.ParseAll(run.Stdout);
        Assert.Equal(IonString.Of("x"), values[2]);
        Assert.Equal(IonInt.Of(2), values[^1]);
        Assert.Contains("-- 2 parameter(s) bound to the next statement", run.Stderr, StringComparison.Ordinal);
    }

    // Second case: the second SELECT has a placeholder but nothing bound, so the service refuses it.
    [Theory]
    [InlineData("CREATE TABLE T\n\\bind 1\nSELECT * FROM T WHERE a = ?\nSELECT * FROM T WHERE a = ?\n", "Exception: ", 2)]
    [InlineData("\\bind {a:\n", "ledger: \\bind takes Ion values: ", 0)]
    public async Task Parameters_bind_to_one_statement_and_malformed_values_are_a_one_line_error(string stdin, string error, int statementsRun)
    {
        var ledger = await _handler.CreateLedgerAsync();

        var run = await Shell(ledger, stdin);

        // Piped input stops at the first failure, with one error line.
        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Stderr.Split('\n'), l => l.Contains(error, StringComparison.Ordinal));
        Assert.Equal(statementsRun, run.Stderr.Split('\n').Count(l => l.Contains(" document(s), ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Table_format_prints_one_row_per_document_and_a_column_per_field()
    {
        var ledger = await _handler.CreateLedgerAsync();

        var run = await Shell(ledger, "CREATE TABLE T\nINSERT INTO T {'a': 1, 'b': 'x'}\nINSERT INTO T {'a': 2, 'c': [1, 2]}\nSELECT * FROM T\n", "table");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.Stdout.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.TrimStart().StartsWith('|')).ToArray();
        var headerAt = Array.FindIndex(lines, l => Cells(l).Order().SequenceEqual(["a", "b", "c"]));
        Assert.True(headerAt >= 0, run.Stdout);
        var header = Cells(lines[headerAt]);
        // Rows come in the service's order; compare them as field -> cell maps.
        var rows = lines[(headerAt + 2)..].Select(l => string.Join(",", header.Zip(Cells(l)).OrderBy(p => p.First).Select(p => $"{p.First}={p.Second}"))).ToArray();
        Assert.Equal(["a=1,b=\"x\",c=", "a=2,b=,c=[1,2]"], rows.Order());
    }

    [Fact]
    public async Task The_format_command_switches_the_output_between_statements()
    {
        var ledger = await _handler.CreateLedgerAsync();

        var run = await Shell(ledger, "CREATE TABLE T\nINSERT INTO T {'a': 1}\n\\format json\nSELECT a FROM T\n\\format table\nSELECT VALUE a FROM T\n\\format csv\n");

        Assert.Equal(1, run.ExitCode);
        var stdout = run.Stdout.ReplaceLineEndings("\n");
        Assert.Contains("{\n  \"a\": 1\n}", stdout, StringComparison.Ordinal);
        Assert.Contains(stdout.Split('\n'), l => Cells(l).SequenceEqual(["1"]));
        Assert.EndsWith("ledger: \\format takes ion, json or table.", run.Stderr.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_lists_the_statements_and_bang_n_runs_one_again()
    {
        var ledger = await _handler.CreateLedgerAsync();
        var file = Path.Combine(Path.GetTempPath(), $"history-{Guid.NewGuid():N}");
        try
        {
            var run = await Shell(ledger, "CREATE TABLE T\nINSERT INTO T {\n 'a': 1 }\n!2\nSELECT COUNT(*) AS n FROM T\nhistory\n", extra: ["--history-file", file]);

            Assert.True(run.ExitCode == 0, run.Stderr);
            var stdout = run.Stdout.ReplaceLineEndings("\n");
            var listing = stdout.IndexOf("    1  ", StringComparison.Ordinal);
            Assert.Equal(
                "    1  CREATE TABLE T\n    2  INSERT INTO T {  'a': 1 }\n    3  INSERT INTO T {  'a': 1 }\n    4  SELECT COUNT(*) AS n FROM T\n",
                stdout[listing..]);
            // !2 inserted a second document.
            Assert.Equal(IonText.Parse("{n: 2}"), IonText.ParseAll(stdout[..listing])[^1]);

            // The file keeps the session's statements for the next one, which numbers on from them.
            var next = await Shell(ledger, "history\n", extra: ["--history-file", file]);
            Assert.Contains("    4  SELECT COUNT(*) AS n FROM T", next.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Timing_lines_report_the_server_time_and_consumed_ios()
    {
        var ledger = await _handler.CreateLedgerAsync();

        var run = await Shell(ledger, "CREATE TABLE T\nINSERT INTO T {'a': 1}\nSELECT * FROM T\n");

        Assert.True(run.ExitCode == 0, run.Stderr);
        // The handler reports one read IO per returned document.
        Assert.Matches(@"-- 1 document\(s\), server \d+ ms, read IOs 1, write IOs 0 \(\d+ ms\)", run.Stderr);
    }

    // The cells of a Markdown table row, trimmed.
    private static string[] Cells(string row) =>
        row.Trim() is ['|', .. var inner, '|'] ? [.. inner.Split('|').Select(c => c.Trim())] : [];

    private Task<CliRun> Shell(string ledger, string stdin, string format = "ion", string[]? extra = null) =>
        Cli.RunAsync(["shell", "--endpoint", _handler.Endpoint, "--ledger", ledger, "--format", format, .. extra ?? []], stdin);
}
