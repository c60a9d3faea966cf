using BenchmarkDotNet.Running;

namespace Ledger.Benchmarks;

/// <summary>
/// Runs the benchmarks chosen on the command line, e.g. <c>--filter '*IonHash*'</c>, or a load tool:
/// <c>export-load</c> (see <see cref="ExportLoad"/>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "export-load")
        {
            return await ExportLoad.RunAsync(args);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
