namespace Ledger.Cli.Tests;

public class ProgramTests
{
    [Fact]
    public async Task Help_exits_zero_and_names_the_tool()
    {
        var run = await Cli.RunAsync(["--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("ledger", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_command_exits_two_with_a_one_line_error()
    {
        var run = await Cli.RunAsync(["frobnicate"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("ledger: unknown command 'frobnicate'. Run 'ledger --help'.", run.Stderr.TrimEnd());
    }

    [Fact]
    public async Task Unreachable_endpoint_exits_three()
    {
        // Port 9 (discard) on loopback is closed on test machines, so the connection is refused at once.
        var run = await Cli.RunAsync(["digest", "--endpoint", "http://127.0.0.1:9", "--ledger", "x"]);

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("ledger: cannot reach the endpoint", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("select 1; select 'a;b'", new[] { "select 1", "select 'a;b'" })]
    [InlineData("  CREATE TABLE T  ", new[] { "CREATE TABLE T" })]
    [InlineData(";;", new string[0])]
    public void Shell_splits_lines_at_semicolons_outside_quotes(string line, string[] statements) =>
        Assert.Equal(statements, Shell.Split(line));

    [Fact]
    public void A_statement_continues_while_brackets_or_quotes_are_open()
    {
        var reader = new StatementReader();

        Assert.Empty(reader.Feed("INSERT INTO T {"));
        Assert.Empty(reader.Feed("  'a': 'x;"));
        Assert.Empty(reader.Feed("y'"));
        Assert.NotNull(reader.Pending);
        Assert.Equal(["INSERT INTO T {\n  'a': 'x;\ny'\n}", "SELECT * FROM T"], reader.Feed("}; SELECT * FROM T"));
        Assert.Null(reader.Pending);
    }
}
