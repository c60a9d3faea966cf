using System.Diagnostics;
using System.Globalization;
using Ledger.Client;
using Ledger.Client.Session;
using Ledger.Ion;
using Ledger.Journal.Model;

namespace Ledger.Cli;

/// <summary>
/// Reads PartiQL statements (see <see cref="StatementReader"/>) and runs each in a transaction of its
/// own, unless between <c>start transaction</c> and <c>commit</c>/<c>abort</c>. Results go to stdout, timing and
/// errors to stderr, so piped output is just the values.
/// </summary>
internal sealed class Shell(QldbSessionClient session, TextWriter stdout, TextWriter stderr, string format, bool interactive)
{
    private string? _transactionId;
    private CommitDigest? _digest;
    private readonly StatementReader _reader = new();

    public async Task<int> RunAsync(TextReader stdin, CancellationToken cancellationToken)
    {
        await session.StartSessionAsync(cancellationToken);
        while (true)
        {
            if (interactive)
            {
                await stderr.WriteAsync(_transactionId is null ? "ledger> " : "ledger(tx)> ");
            }

            var line = await stdin.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                break;
            }

            foreach (var statement in _reader.Feed(line))
            {
                try
                {
                    await RunStatementAsync(statement, cancellationToken);
                }
                catch (LedgerServiceException error) when (!error.IsAuthFailure)
                {
                    await stderr.WriteLineAsync($"{error.ErrorType}: {OneLine(error.Message)}");
                    if (!interactive)
                    {
                        return ExitCodes.Failure;
                    }
                }
            }
        }

        if (_reader.Pending is { } incomplete)
        {
            await stderr.WriteLineAsync($"BadRequestException: the input ends inside a statement: {OneLine(incomplete)}");
            if (!interactive)
            {
                return ExitCodes.Failure;
            }
        }

        if (_transactionId is not null)
        {
            // An unterminated transaction is abandoned rather than committed: the user never said commit.
            await session.AbortTransactionAsync(cancellationToken);
            await stderr.WriteLineAsync("The open transaction was aborted at end of input.");
            return interactive ? ExitCodes.Ok : ExitCodes.Failure;
        }

        return ExitCodes.Ok;
    }

    /// <summary>Splits one line when it holds only whole statements; see <see cref="StatementReader"/>.</summary>
    internal static IEnumerable<string> Split(string line) => new StatementReader().Feed(line);

    private async Task RunStatementAsync(string statement, CancellationToken cancellationToken)
    {
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
                result = await session.ExecuteStatementAsync(_transactionId, statement, null, cancellationToken);
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

            _digest!.AddStatement(statement, []);
        }
        else
        {
            result = (await session.ExecuteAsync([statement], cancellationToken))[0];
        }

        foreach (var value in result.Values)
        {
            await stdout.WriteLineAsync(format == "json" ? IonJson.ToJson(value, indented: true) : IonText.Write(value, pretty: true));
        }

        await Timing(string.Create(CultureInfo.InvariantCulture, $"{result.Values.Count} document(s), server {result.ProcessingTimeMilliseconds} ms"), clock);
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

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
