using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Ion;
using Ledger.Ion.Binary;
using Ledger.Journal.Model;

namespace Ledger.Client.Session;

/// <summary>
/// The result of one statement: every page's values, read from IonBinary, the server's processing time and the
/// ConsumedIOs it reported, summed over ExecuteStatement and FetchPage as the drivers do.
/// </summary>
public sealed record StatementResult(IReadOnlyList<IonValue> Values, long ProcessingTimeMilliseconds, long ReadIOs = 0, long WriteIOs = 0);

/// <summary>A statement with the values of its <c>?</c> placeholders, in order.</summary>
public sealed record ParameterizedStatement(string Statement, IReadOnlyList<IonValue> Parameters);

/// <summary>
/// The QLDB session protocol (<c>QLDBSession.SendCommand</c>) over one session. Not thread-safe: a session runs
/// one transaction at a time, as on QLDB.
/// </summary>
public sealed class QldbSessionClient : IAsyncDisposable
{
    private const string Target = "QLDBSession.SendCommand";
    private const string ContentType = "application/x-amz-json-1.0";

    private readonly HttpClient _http;
    private readonly LedgerClientOptions _options;
    private readonly string _ledgerName;
    private string? _sessionToken;

    public QldbSessionClient(HttpClient http, LedgerClientOptions options, string ledgerName)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(ledgerName);
        _http = http;
        _options = options;
        _ledgerName = ledgerName;
    }

    public async Task StartSessionAsync(CancellationToken cancellationToken = default)
    {
        var result = await SendAsync(new JsonObject { ["StartSession"] = new JsonObject { ["LedgerName"] = _ledgerName } }, "StartSession",
            cancellationToken).ConfigureAwait(false);
        _sessionToken = result.GetProperty("SessionToken").GetString();
    }

    public async Task<string> StartTransactionAsync(CancellationToken cancellationToken = default)
    {
        var result = await SendAsync(new JsonObject { ["StartTransaction"] = new JsonObject() }, "StartTransaction", cancellationToken)
            .ConfigureAwait(false);
        return result.GetProperty("TransactionId").GetString()!;
    }

    /// <summary>Runs a statement and fetches all its pages, so callers see the whole result.</summary>
    public async Task<StatementResult> ExecuteStatementAsync(
        string transactionId, string statement, IReadOnlyList<IonValue>? parameters = null, CancellationToken cancellationToken = default)
    {
        var holders = new JsonArray();
        foreach (var parameter in parameters ?? [])
        {
            holders.Add(new JsonObject { ["IonBinary"] = Convert.ToBase64String(IonBinary.Write(parameter)) });
        }

        var request = new JsonObject
        {
            ["ExecuteStatement"] = new JsonObject { ["TransactionId"] = transactionId, ["Statement"] = statement, ["Parameters"] = holders },
        };
        var result = await SendAsync(request, "ExecuteStatement", cancellationToken).ConfigureAwait(false);
        var values = new List<IonValue>();
        var time = ProcessingTime(result);
        var (reads, writes) = ConsumedIOs(result);
        var next = ReadPage(result.GetProperty("FirstPage"), values);
        while (next is not null)
        {
            var fetch = new JsonObject { ["FetchPage"] = new JsonObject { ["TransactionId"] = transactionId, ["NextPageToken"] = next } };
            var page = await SendAsync(fetch, "FetchPage", cancellationToken).ConfigureAwait(false);
            time += ProcessingTime(page);
            var (pageReads, pageWrites) = ConsumedIOs(page);
            (reads, writes) = (reads + pageReads, writes + pageWrites);
            next = ReadPage(page.GetProperty("Page"), values);
        }

        return new StatementResult(values, time, reads, writes);
    }

    /// <summary>Commits with the digest of the statements the transaction ran, computed as the drivers do.</summary>
    public async Task CommitTransactionAsync(string transactionId, CommitDigest digest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var request = new JsonObject
        {
            ["CommitTransaction"] = new JsonObject { ["TransactionId"] = transactionId, ["CommitDigest"] = digest.Value.ToBase64() },
        };
        await SendAsync(request, "CommitTransaction", cancellationToken).ConfigureAwait(false);
    }

    public async Task AbortTransactionAsync(CancellationToken cancellationToken = default) =>
        await SendAsync(new JsonObject { ["AbortTransaction"] = new JsonObject() }, "AbortTransaction", cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Forgets the session without ending it, so the next call starts a new one: after a request was cancelled
    /// mid-flight the server may still be running it, and its transaction's state is unknown.
    /// </summary>
    public void AbandonSession() => _sessionToken = null;

    public async Task EndSessionAsync(CancellationToken cancellationToken = default)
    {
        if (_sessionToken is null)
        {
            return;
        }

        await SendAsync(new JsonObject { ["EndSession"] = new JsonObject() }, "EndSession", cancellationToken).ConfigureAwait(false);
        _sessionToken = null;
    }

    /// <summary>
    /// Runs the statements in one transaction and commits, retrying the whole transaction on OCC conflicts and
    /// dead sessions like the drivers (spec 6.5: 4 retries, jittered exponential backoff). Returns one result per statement.
    /// </summary>
    public Task<IReadOnlyList<StatementResult>> ExecuteAsync(IReadOnlyList<string> statements, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statements);
        return ExecuteAsync([.. statements.Select(s => new ParameterizedStatement(s, []))], cancellationToken);
    }

    /// <summary>As <see cref="ExecuteAsync(IReadOnlyList{string}, CancellationToken)"/>, with parameters bound to each statement.</summary>
    public async Task<IReadOnlyList<StatementResult>> ExecuteAsync(IReadOnlyList<ParameterizedStatement> statements, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statements);
        const int maxRetries = 4;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (_sessionToken is null)
                {
                    await StartSessionAsync(cancellationToken).ConfigureAwait(false);
                }

                var transactionId = await StartTransactionAsync(cancellationToken).ConfigureAwait(false);
                var digest = new CommitDigest(transactionId);
                var results = new List<StatementResult>();
                foreach (var statement in statements)
                {
                    results.Add(await ExecuteStatementAsync(transactionId, statement.Statement, statement.Parameters, cancellationToken).ConfigureAwait(false));
                    digest.AddStatement(statement.Statement, statement.Parameters);
                }

                await CommitTransactionAsync(transactionId, digest, cancellationToken).ConfigureAwait(false);
                return results;
            }
            catch (LedgerServiceException error) when (attempt < maxRetries && IsRetryable(error))
            {
                if (error.ErrorType == "InvalidSessionException")
                {
                    _sessionToken = null;
                }
                else
                {
                    await TryAbortAsync(cancellationToken).ConfigureAwait(false);
                }

                // .NET driver backoff: rand[0.5, 1) * min(5000, 10 * 2^attempt) ms.
                var delay = (0.5 + (Random.Shared.NextDouble() / 2)) * Math.Min(5000, 10 * Math.Pow(2, attempt));
                await Task.Delay(TimeSpan.FromMilliseconds(delay), cancellationToken).ConfigureAwait(false);
            }
            catch (LedgerServiceException error) when (error.ErrorType != "InvalidSessionException")
            {
                await TryAbortAsync(cancellationToken).ConfigureAwait(false);
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await EndSessionAsync().ConfigureAwait(false);
        }
        catch (LedgerServiceException)
        {
            // The drivers ignore EndSession failures: the session expires on its own.
        }
        catch (HttpRequestException)
        {
            // Same: nothing useful can be done about a lost connection while closing.
        }
    }

    private static bool IsRetryable(LedgerServiceException error) =>
        error.ErrorType == "OccConflictException" || error.StatusCode is 500 or 503 ||
        (error.ErrorType == "InvalidSessionException" && !error.Message.Contains("Transaction", StringComparison.Ordinal));

    private async Task TryAbortAsync(CancellationToken cancellationToken)
    {
        try
        {
            await AbortTransactionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (LedgerServiceException)
        {
            // Like the drivers: the abort is best effort and its failure must not hide the original error.
        }
    }

    private static long ProcessingTime(JsonElement result) =>
        result.TryGetProperty("TimingInformation", out var timing) &&
        timing.TryGetProperty("ProcessingTimeMilliseconds", out var ms)
            ? ms.GetInt64()
            : 0;

    private static (long Reads, long Writes) ConsumedIOs(JsonElement result)
    {
        if (!result.TryGetProperty("ConsumedIOs", out var ios) || ios.ValueKind != JsonValueKind.Object)
        {
            return (0, 0);
        }

        return (
            ios.TryGetProperty("ReadIOs", out var reads) && reads.ValueKind == JsonValueKind.Number ? reads.GetInt64() : 0,
            ios.TryGetProperty("WriteIOs", out var writes) && writes.ValueKind == JsonValueKind.Number ? writes.GetInt64() : 0);
    }

    private static string? ReadPage(JsonElement page, List<IonValue> values)
    {
        if (page.TryGetProperty("Values", out var holders))
        {
            foreach (var holder in holders.EnumerateArray())
            {
                if (holder.TryGetProperty("IonBinary", out var binary))
                {
                    values.Add(IonBinary.Read(binary.GetBytesFromBase64()));
                }
            }
        }

        return page.TryGetProperty("NextPageToken", out var next) && next.ValueKind == JsonValueKind.String && next.GetString() is { Length: > 0 } token
            ? token
            : null;
    }

    private async Task<JsonElement> SendAsync(JsonObject command, string name, CancellationToken cancellationToken)
    {
        if (_sessionToken is not null)
        {
            command["SessionToken"] = _sessionToken;
        }

        var body = Encoding.UTF8.GetBytes(command.ToJsonString());
        var answer = await LedgerHttp.SendAsync(_http, _options, HttpMethod.Post, "/", body, ContentType, Target, cancellationToken)
            .ConfigureAwait(false);
        return answer.GetProperty(name);
    }
}
