using System.Diagnostics;

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
        if (!File.Exists("/usr/bin/script"))
        {
            return; // util-linux is not installed here; the in-process tests cover the same commands piped.
        }

        var (exitCode, text) = await RunOnTerminalAsync(["CREATE TABLE T", "SELEKT * FROM T", "INSERT INTO T {'a': 1}", "SELECT * FROM T", CtrlD]);

        Assert.True(exitCode == 0, text);
        Assert.Contains("ledger> ", text, StringComparison.Ordinal);
        Assert.Contains("Exception: ", text, StringComparison.Ordinal);
        // The statements after the failing one still ran.
        Assert.Contains("a: 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_c_cancels_the_running_statement_the_shell_answers_the_next_and_two_idle_ctrl_c_exit()
    {
        if (!File.Exists("/usr/bin/script"))
        {
            return;
        }

        var (exitCode, text) = await RunOnTerminalAsync(
            ["CREATE TABLE T", $"SELECT * FROM T WHERE a = '{LocalHandler.SlowMarker}'", CtrlC, "INSERT INTO T {'a': 7}", "SELECT VALUE a + 1 FROM T", "history", CtrlC, CtrlC]);

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

    private const string CtrlC = "\u0003";
    private const string CtrlD = "\u0004";

    // Runs the built CLI's shell on a pseudo-terminal; each input is sent once the previous answer could have arrived.
    private async Task<(int ExitCode, string Output)> RunOnTerminalAsync(string[] inputs)
    {
        var ledger = "tty" + Guid.NewGuid().ToString("N")[..10];
        Assert.Equal(0, (await Cli.RunAsync(["create-ledger", ledger, "--endpoint", _handler.Endpoint])).ExitCode);
        var cli = Path.Combine(AppContext.BaseDirectory, "ledger.dll");
        var history = Path.Combine(Path.GetTempPath(), $"tty-history-{Guid.NewGuid():N}");
        // exec: the shell under script must be the terminal's foreground process, so Ctrl-C's SIGINT reaches it alone.
        var command = $"exec dotnet {cli} shell --endpoint {_handler.Endpoint} --ledger {ledger} --history-file {history}";
        var start = new ProcessStartInfo("/usr/bin/script", ["-qfec", command, "/dev/null"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            await Task.Delay(1000); // the runtime's start-up
            foreach (var input in inputs)
            {
                // Control characters go alone (the terminal turns them into signals or end of input), lines with Enter.
                await process.StandardInput.WriteAsync(input.Length == 1 && char.IsControl(input[0]) ? input : input + "\n");
                await process.StandardInput.FlushAsync();
                await Task.Delay(input.Contains(LocalHandler.SlowMarker, StringComparison.Ordinal) ? 1500 : 700);
            }

            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await output);
        }
        finally
        {
            File.Delete(history);
        }
    }
}
