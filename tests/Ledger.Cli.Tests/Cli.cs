namespace Ledger.Cli.Tests;

internal sealed record CliRun(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs the CLI's entry point in-process with the given stdin, as a pipe (non-interactive).</summary>
internal static class Cli
{
    public static async Task<CliRun> RunAsync(IReadOnlyList<string> args, string stdin = "")
    {
        using var input = new StringReader(stdin);
        await using var output = new StringWriter();
        await using var error = new StringWriter();
        var exit = await Program.RunAsync(args, input, output, error, interactive: false, CancellationToken.None);
        return new CliRun(exit, output.ToString(), error.ToString());
    }
}
