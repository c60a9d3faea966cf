using System.Diagnostics;

namespace Ledger.Cli.Tests;

/// <summary>Runs the built CLI on a pseudo-terminal (util-linux <c>script</c>), where stdin and stderr are a terminal.</summary>
internal static class Terminal
{
    public const string CtrlC = "\u0003";
    public const string CtrlD = "\u0004";

    public static bool Available => File.Exists("/usr/bin/script");

    /// <summary>
    /// Starts <c>ledger ARGUMENTS</c> and types the inputs, each once the previous answer could have arrived:
    /// control characters alone (the terminal turns them into signals or end of input), lines with Enter.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string arguments, IReadOnlyList<string> inputs, Func<string, int>? pauseMilliseconds = null)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "ledger.dll");
        // exec: the CLI under script must be the terminal's foreground process, so Ctrl-C's SIGINT reaches it alone.
        var start = new ProcessStartInfo("/usr/bin/script", ["-qfec", $"exec dotnet {cli} {arguments}", "/dev/null"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        if (inputs.Count > 0)
        {
            await Task.Delay(1000); // the runtime's start-up
        }

        foreach (var input in inputs)
        {
            await process.StandardInput.WriteAsync(input.Length == 1 && char.IsControl(input[0]) ? input : input + "\n");
            await process.StandardInput.FlushAsync();
            await Task.Delay(pauseMilliseconds?.Invoke(input) ?? 700);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output);
    }
}
