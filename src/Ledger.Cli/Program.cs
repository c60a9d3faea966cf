namespace Ledger.Cli;

/// <summary>Entry point of the <c>ledger</c> command-line tool.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h")
        {
            Console.Out.WriteLine("ledger: Ledger.Serverless command-line tool. Commands arrive with the CLI issue.");
            return 0;
        }

        Console.Error.WriteLine($"ledger: unknown command '{args[0]}'. Run 'ledger --help'.");
        return 2;
    }
}
