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

        var ledger = "tty" + Guid.NewGuid().ToString("N")[..10];
        Assert.Equal(0, (await Cli.RunAsync(["create-ledger", ledger, "--endpoint", _handler.Endpoint])).ExitCode);
        var cli = Path.Combine(AppContext.BaseDirectory, "ledger.dll");
        var command = $"dotnet {cli} shell --endpoint {_handler.Endpoint} --ledger {ledger}";
        var start = new ProcessStartInfo("/usr/bin/script", ["-qfec", command, "/dev/null"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        // script forwards stdin to the terminal; each line is sent once the previous result could have arrived.
        foreach (var line in new[] { "CREATE TABLE T", "SELEKT * FROM T", "INSERT INTO T {'a': 1}", "SELECT * FROM T" })
        {
            await process.StandardInput.WriteLineAsync(line);
            await process.StandardInput.FlushAsync();
            await Task.Delay(500);
        }

        // Ctrl-D on the terminal ends the shell's input.
        await process.StandardInput.WriteAsync('\u0004');
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var text = await output;

        Assert.True(process.ExitCode == 0, text);
        Assert.Contains("ledger> ", text, StringComparison.Ordinal);
        Assert.Contains("Exception: ", text, StringComparison.Ordinal);
        // The statements after the failing one still ran.
        Assert.Contains("a: 1", text, StringComparison.Ordinal);
    }
}
