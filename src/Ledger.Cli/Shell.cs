using System.Diagnostics;
using System.Globalization;
using Ledger.Client;
using Ledger.Client.Session;
using Ledger.Ion;
using Ledger.Journal.Model;

namespace Ledger.Cli;

/// <summary>How a shell runs: output format, whether a person is at a terminal, its history and Ctrl-C handling.</summary>
internal sealed record ShellSettings(string Format, bool Interactive, bool Terminal, ShellHistory History, StatementInterrupts Interrupts);

/// <summary>
/// Reads PartiQL statements (see <see cref="StatementReader"/>) and runs each in a transaction of its
/// own, unless between <c>start transaction</c> and <c>commit</c>/<c>abort</c>. Results go to stdout, timing and
/// errors to stderr, so piped output is just the values. Lines starting with <c>\</c> are shell commands
/// (<c>\bind</c>, <c>\format</c>, <c>\history</c>); <c>history</c> and <c>!N</c> work as in a Unix shell.
/// </summary>
internal sealed class Shell(QldbSessionClient session, TextWriter stdout, TextWriter stderr, ShellSettings settings)
{
    private readonly StatementReader _reader = new();
    private readonly ResultWriter _results = new(stdout, settings.Terminal);
    private string? _transactionId;
    private CommitDigest? _digest;
    private string _format = settings.Format;
    private IReadOnlyList<IonValue> _bound = [];
    private bool _sessionAbandoned;

    private bool Interactive => settings.Interactive;

    public async Task<int> RunAsync(TextReader stdin, CancellationToken cancellationToken)
    {
        await session.StartSessionAsync(cancellationToken);
        while (true)
        {
            if (Interactive)
            {
                await stderr.WriteAsync(_reader.Pending is not null ? "     -> " : _transactionId is null ? "ledger> " : "ledger(tx)> ");
            }

            var line = await stdin.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                break;
            }

            if (_reader.Pending is null && await TryShellCommandAsync(line.Trim(), cancellationToken) is { } handled)
            {
                if (!handled && !Interactive)
                {
                    return ExitCodes.Failure;
                }

                continue;
            }

            foreach (var statement in _reader.Feed(line))
            {
                if (!await RunRecordedAsync(statement, cancellationToken) && !Interactive)
                {
                    return ExitCodes.Failure;
                }
            }
        }

        if (_reader.Pending is { } incomplete)
        {
            await stderr.WriteLineAsync($"BadRequestException: the input ends inside a statement: {OneLine(incomplete)}");
            if (!Interactive)
            {
                return ExitCodes.Failure;
            }
        }

        if (_transactionId is not null)
        {
            // An unterminated transaction is abandoned rather than committed: the user never said commit.
            await session.AbortTransactionAsync(cancellationToken);
            await stderr.WriteLineAsync("The open transaction was aborted at end of input.");
            return Interactive ? ExitCodes.Ok : ExitCodes.Failure;
        }

        return ExitCodes.Ok;
    }

    /// <summary>Splits one line when it holds only whole statements; see <see cref="StatementReader"/>.</summary>
    internal static IEnumerable<string> Split(string line) => new StatementReader().Feed(line);

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ");

    /// <summary>
    /// Runs a shell command line; null when the line is not one (a statement), true when it ran, false when it failed.
    /// </summary>
    private async Task<bool?> TryShellCommandAsync(string line, CancellationToken cancellationToken)
    {
        if (line.Equals("history", StringComparison.OrdinalIgnoreCase) || line == "\\history")
        {
            await settings.History.PrintAsync(stdout);
            return true;
        }

        if (line.StartsWith('!') && int.TryParse(line.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            if (settings.History.Get(number) is not { } entry)
            {
                return await ShellErrorAsync($"there is no history entry {number}.");
            }

            await stderr.WriteLineAsync($"-- {entry}");
            var ok = true;
            foreach (var statement in new StatementReader().Feed(entry))
            {
                ok = await RunRecordedAsync(statement, cancellationToken) && ok;
            }

            return ok;
        }

        if (!line.StartsWith('\\'))
        {
            return null;
        }

        var space = line.IndexOfAny([' ', '\t']);
        var (command, argument) = space < 0 ? (line, string.Empty) : (line[..space], line[(space + 1)..].Trim());
        switch (command)
        {
            case "\\bind":
                try
                {
                    _bound = IonText.ParseAll(argument);
                }
                catch (IonException error)
                {
                    return await ShellErrorAsync($"\\bind takes Ion values: {OneLine(error.Message)}");
                }

                await settings.History.AddAsync(line, cancellationToken);
                await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"-- {_bound.Count} parameter(s) bound to the next statement"));
                return true;
            case "\\format" when ResultWriter.IsFormat(argument):
                _format = argument;
                await stderr.WriteLineAsync($"-- output format {argument}");
                return true;
            case "\\format":
                return await ShellErrorAsync("\\format takes ion, json or table.");
            case "\\help" or "\\?":
                await stderr.WriteLineAsync(
                    "\\bind V1 V2 …  Ion values for the ? of the next statement | \\format ion|json|table | history, !N | Ctrl-C cancels a statement");
                return true;
            default:
                return await ShellErrorAsync($"unknown shell command {command} (\\help lists them).");
        }
    }

    private async Task<bool> ShellErrorAsync(string message)
    {
        await stderr.WriteLineAsync($"ledger: {message}");
        return false;
    }

    /// <summary>Adds the statement to the history and runs it; false when it failed or was cancelled.</summary>
    private async Task<bool> RunRecordedAsync(string statement, CancellationToken cancellationToken)
    {
        await settings.History.AddAsync(statement, cancellationToken);
        var parameters = _bound;
        _bound = [];
        var token = settings.Interrupts.Begin(cancellationToken);
        try
        {
            await RunStatementAsync(statement, parameters, token);
            return true;
        }
        catch (LedgerServiceException error) when (!error.IsAuthFailure)
        {
            await stderr.WriteLineAsync($"{error.ErrorType}: {OneLine(error.Message)}");
            return false;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await CancelledAsync();
            return false;
        }
        finally
        {
            settings.Interrupts.End();
        }
    }

    // The request was cut off mid-flight: the server may still run it, so the session and its transaction are left
    // behind and the next statement starts a fresh session.
    private async Task CancelledAsync()
    {
        session.AbandonSession();
        _sessionAbandoned = true;
        var hadTransaction = _transactionId is not null;
        _transactionId = null;
        _digest = null;
        await stderr.WriteLineAsync(hadTransaction
            ? "-- statement cancelled; the open transaction was abandoned (it is not committed)"
            : "-- statement cancelled");
    }

    private async Task RunStatementAsync(string statement, IReadOnlyList<IonValue> parameters, CancellationToken cancellationToken)
    {
        if (_sessionAbandoned)
        {
            await session.StartSessionAsync(cancellationToken);
            _sessionAbandoned = false;
        }

        var words = statement.ToUpperInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var clock = Stopwatch.StartNew();
        switch (string.Join(' ', words))
        {
            case "START TRANSACTION" or "BEGIN":
                if (_transactionId is not null)
                {
                    throw new LedgerServiceException("BadRequestException", "A transaction is already open; commit or abort it first.", 400);
                }

                _transactionId = await session.StartTransactionAsync(cancellationToken);
                _digest = new CommitDigest(_transactionId);
                await Timing($"transaction {_transactionId} started", clock);
                return;
            case "COMMIT":
                var (id, digest) = TakeTransaction();
                await session.CommitTransactionAsync(id, digest, cancellationToken);
                await Timing($"transaction {id} committed", clock);
                return;
            case "ABORT" or "ROLLBACK":
                TakeTransaction();
                await session.AbortTransactionAsync(cancellationToken);
                await Timing("transaction aborted", clock);
                return;
        }

        StatementResult result;
        if (_transactionId is not null)
        {
            try
            {
                result = await session.ExecuteStatementAsync(_transactionId, statement, parameters, cancellationToken);
            }
            catch (LedgerServiceException)
            {
                // Like the drivers: a failed statement aborts the transaction, so the next statement starts clean.
                _transactionId = null;
                _digest = null;
                try
                {
                    await session.AbortTransactionAsync(cancellationToken);
                }
                catch (LedgerServiceException)
                {
                    // Best effort; the statement's own error is the one to report.
                }

                throw;
            }

            _digest!.AddStatement(statement, parameters);
        }
        else
        {
            result = (await session.ExecuteAsync([new ParameterizedStatement(statement, parameters)], cancellationToken))[0];
        }

        await _results.WriteAsync(result.Values, _format);
        await Timing(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{result.Values.Count} document(s), server {result.ProcessingTimeMilliseconds} ms, read IOs {result.ReadIOs}, write IOs {result.WriteIOs}"),
            clock);
    }

    private (string Id, CommitDigest Digest) TakeTransaction()
    {
        if (_transactionId is null || _digest is null)
        {
            throw new LedgerServiceException("BadRequestException", "No transaction is open; run 'start transaction' first.", 400);
        }

        var taken = (_transactionId, _digest);
        _transactionId = null;
        _digest = null;
        return taken;
    }

    private async Task Timing(string what, Stopwatch clock) =>
        await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"-- {what} ({clock.ElapsedMilliseconds} ms)"));
}
