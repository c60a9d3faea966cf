namespace Ledger.Cli.Tests;

/// <summary>The built CLI on a pseudo-terminal (util-linux <c>script</c>), where the shell is interactive.</summary>
public sealed class TerminalTests : IAsyncLifetime
{
    private LocalHandler _handler = null!;

    public async Task InitializeAsync() => _handler = await LocalHandler.StartAsync();

    public async Task DisposeAsync() => await _handler.DisposeAsync();

    [Fact]
    public async Task On_a_terminal_the_shell_prompts_reports_errors_and_carries_on()
    {
        if (!Terminal.Available)
        {
            return; // util-linux is not installed here; the in-process tests cover the same commands piped.
        }

        var (exitCode, text) = await RunOnTerminalAsync(["CREATE TABLE T", "SELEKT * FROM T", "INSERT INTO T {'a': 1}", "SELECT * FROM T", Terminal.CtrlD]);

        Assert.True(exitCode == 0, text);
        Assert.Contains("ledger> ", text, StringComparison.Ordinal);
        Assert.Contains("Exception: ", text, StringComparison.Ordinal);
        // The statements after the failing one still ran.
        Assert.Contains("a: 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_c_cancels_the_running_statement_the_shell_answers_the_next_and_two_idle_ctrl_c_exit()
    {
        if (!Terminal.Available)
        {
            return;
        }

        var (exitCode, text) = await RunOnTerminalAsync(
            ["CREATE TABLE T", $"SELECT * FROM T WHERE a = '{LocalHandler.SlowMarker}'", Terminal.CtrlC, "INSERT INTO T {'a': 7}", "SELECT VALUE a + 1 FROM T", "history", Terminal.CtrlC, Terminal.CtrlC]);

        Assert.Contains("-- statement cancelled", text, StringComparison.Ordinal);
        // The handler saw the cancelled statement's request go away: it was cancelled, not merely hidden.
        Assert.Equal(1, _handler.SlowRequestsAborted);
        // After the cancel the shell ran the next statements in a new session.
        Assert.Matches(@"(?m)^8\r?$", text);
        Assert.Contains($"    2  SELECT * FROM T WHERE a = '{LocalHandler.SlowMarker}'", text, StringComparison.Ordinal);
        Assert.Contains("    4  SELECT VALUE a + 1 FROM T", text, StringComparison.Ordinal);
        // The first idle Ctrl-C only warns; the second ends the shell as SIGINT does.
        Assert.Contains("Ctrl-C again (or Ctrl-D) to leave the shell", text, StringComparison.Ordinal);
        Assert.NotEqual(0, exitCode);
    }

    private async Task<(int ExitCode, string Output)> RunOnTerminalAsync(string[] inputs)
    {
        var ledger = "tty" + Guid.NewGuid().ToString("N")[..10];
        Assert.Equal(0, (await Cli.RunAsync(["create-ledger", ledger, "--endpoint", _handler.Endpoint])).ExitCode);
        var history = Path.Combine(Path.GetTempPath(), $"tty-history-{Guid.NewGuid():N}");
        try
        {
            return await Terminal.RunAsync(
                $"shell --endpoint {_handler.Endpoint} --ledger {ledger} --history-file {history}", inputs,
                input => input.Contains(LocalHandler.SlowMarker, StringComparison.Ordinal) ? 1500 : 700);
        }
        finally
        {
            File.Delete(history);
        }
    }
}
