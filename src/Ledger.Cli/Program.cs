using Ledger.Client;
using Ledger.Client.Session;
using Ledger.Client.SigV4;

namespace Ledger.Cli;

/// <summary>Entry point of the <c>ledger</c> command-line tool.</summary>
public static class Program
{
    private const string Usage = """
        usage: ledger [global options] <command> [options]

        commands:
          create-ledger NAME [--permissions-mode STANDARD|ALLOW_ALL]
          shell --ledger NAME [--format ion|json|table]  statements from stdin
          digest --ledger NAME
          verify revision --ledger NAME --block-address ADDR --document-id ID [--digest-file FILE]
          verify block --ledger NAME --block-address ADDR [--digest-file FILE]
          proof revision --ledger NAME --block-address ADDR --document-id ID --out FILE
          proof block --ledger NAME --block-address ADDR --out FILE
          proof verify FILE                              offline
          export --ledger NAME --bucket CONTAINER [--prefix P] [--start-time T] [--end-time T]
                 [--format ION_TEXT|ION_BINARY|JSON] [--role-arn ARN]
          verify-export (--folder DIR | --connection-string CS --bucket CONTAINER) [--prefix P]
                 [--export-id ID] [--digest-file FILE]     offline
          import NAME --bucket CONTAINER [--prefix P] [--export-id ID] [--permissions-mode M]

        global options:
          --endpoint URL (http://127.0.0.1:7071)  --ledger NAME  --region REGION (us-east-1)
          --access-key-id ID  --secret-access-key KEY (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)

        exit codes: 0 ok, 1 statement or verification failure, 2 usage, 3 connection or auth
        """;

    public static Task<int> Main(string[] args) =>
        RunAsync(args, Console.In, Console.Out, Console.Error, interactive: !Console.IsInputRedirected, CancellationToken.None);

    // Progress bars only where a person watches: the real stderr, on a terminal.
    private static bool IsTerminal(TextWriter stderr) => ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;

    /// <summary>The whole CLI with its streams passed in, so tests run it in-process.</summary>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr, bool interactive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            var options = CliOptions.Parse(args);
            if (options.Help || options.Words.Count == 0)
            {
                await stdout.WriteLineAsync(Usage);
                return options.Help ? ExitCodes.Ok : ExitCodes.Usage;
            }

            return await DispatchAsync(options, stdin, stdout, stderr, interactive, cancellationToken);
        }
        catch (UsageException error)
        {
            await stderr.WriteLineAsync($"ledger: {error.Message} Run 'ledger --help'.");
            return ExitCodes.Usage;
        }
        catch (LedgerServiceException error)
        {
            await stderr.WriteLineAsync($"{error.ErrorType}: {Shell.OneLine(error.Message)}");
            return error.IsAuthFailure ? ExitCodes.Connection : ExitCodes.Failure;
        }
        catch (HttpRequestException error)
        {
            await stderr.WriteLineAsync($"ledger: cannot reach the endpoint: {Shell.OneLine(error.Message)}");
            return ExitCodes.Connection;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("ledger: the request timed out.");
            return ExitCodes.Connection;
        }
    }

    private static async Task<int> DispatchAsync(
        CliOptions options, TextReader stdin, TextWriter stdout, TextWriter stderr, bool interactive, CancellationToken cancellationToken)
    {
        var words = options.Words;
        if (words is ["proof", "verify", var file])
        {
            // Offline: no endpoint, no credentials.
            return await VerifyAsync(file, stdout, stderr, cancellationToken);
        }

        var progress = new ProgressDisplay(stderr, IsTerminal(stderr));
        if (words is ["verify-export"])
        {
            return await JournalCommands.VerifyExportAsync(options, stdout, stderr, progress, cancellationToken);
        }

        // An import is one request that verifies and loads the whole export: give it longer than a statement.
        using var http = new HttpClient { Timeout = words is ["import", ..] ? TimeSpan.FromMinutes(30) : TimeSpan.FromSeconds(60) };
        var clientOptions = new LedgerClientOptions(options.Endpoint, new SigV4Credentials(options.AccessKeyId, options.SecretAccessKey), options.Region);
        var control = new QldbControlPlaneClient(http, clientOptions);
        switch (words)
        {
            case ["create-ledger", var name]:
                await control.CreateLedgerAsync(name, options.Get("permissions-mode") ?? "STANDARD", deletionProtection: false, cancellationToken);
                await stdout.WriteLineAsync($"Created ledger {name}.");
                return ExitCodes.Ok;
            case ["shell"]:
                {
                    await using var session = new QldbSessionClient(http, clientOptions, options.Require("ledger"));
                    var realTerminal = interactive && ReferenceEquals(stdin, Console.In);
                    // Interactively the history persists in ~/.ledger_history; piped input keeps it only when asked.
                    var historyFile = options.Get("history-file") ?? (realTerminal ? ShellHistory.DefaultFile() : null);
                    var history = await ShellHistory.OpenAsync(historyFile, cancellationToken);
                    using var interrupts = new StatementInterrupts(stderr, listen: realTerminal);
                    var settings = new ShellSettings(options.Format, interactive, realTerminal && !Console.IsOutputRedirected, history, interrupts);
                    return await new Shell(session, stdout, stderr, settings).RunAsync(stdin, cancellationToken);
                }

            case ["digest"]:
                await stdout.WriteLineAsync(DigestFile.Write(await control.GetDigestAsync(options.Require("ledger"), cancellationToken)));
                return ExitCodes.Ok;
            case ["verify", "revision" or "block"]:
                return await VerifyCommand.RunAsync(words[1], options, control, stdout, stderr, cancellationToken);
            case ["export"]:
                return await JournalCommands.ExportAsync(options, control, stdout, progress, TimeProvider.System, cancellationToken);
            case ["import", var imported]:
                return await JournalCommands.ImportAsync(imported, options, control, stdout, stderr, progress, cancellationToken);

            case ["proof", "revision"]:
                {
                    var ledger = options.Require("ledger");
                    var (address, documentId, output) = (options.Require("block-address"), options.Require("document-id"), options.Require("out"));
                    var digest = await control.GetDigestAsync(ledger, cancellationToken);
                    var result = await control.GetRevisionAsync(ledger, address, documentId, digest.Tip.ToIonText(), cancellationToken);
                    return await SaveAsync(ProofBundle.Revision, ledger, digest, result, output, stdout, cancellationToken);
                }

            case ["proof", "block"]:
                {
                    var ledger = options.Require("ledger");
                    var (address, output) = (options.Require("block-address"), options.Require("out"));
                    var digest = await control.GetDigestAsync(ledger, cancellationToken);
                    var result = await control.GetBlockAsync(ledger, address, digest.Tip.ToIonText(), cancellationToken);
                    return await SaveAsync(ProofBundle.Block, ledger, digest, result, output, stdout, cancellationToken);
                }

            default:
                throw new UsageException($"unknown command '{string.Join(' ', words)}'.");
        }
    }

    private static async Task<int> SaveAsync(
        string kind, string ledger, Journal.Model.LedgerDigest digest, ProofResult result, string output, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (result.ProofIonText is null)
        {
            throw new LedgerServiceException("MissingProof", "The service returned no proof for the digest tip.", 0);
        }

        await File.WriteAllTextAsync(output, ProofBundle.Write(kind, ledger, digest, result.IonText, result.ProofIonText), cancellationToken);
        await stdout.WriteLineAsync($"Saved {kind} proof against digest tip {digest.Tip.ToIonText()} to {output}.");
        return ExitCodes.Ok;
    }

    private static async Task<int> VerifyAsync(string file, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(file, cancellationToken);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read {file}: {error.Message}");
        }

        var result = ProofBundle.Verify(text);
        if (result.IsValid)
        {
            await stdout.WriteLineAsync($"Verified: {file} is consistent with its digest.");
            return ExitCodes.Ok;
        }

        await stderr.WriteLineAsync($"Verification failed: {Shell.OneLine(result.ToString())}");
        return ExitCodes.Failure;
    }
}
