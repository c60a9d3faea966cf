using System.Buffers;
using System.Text.Json;
using Ledger.Engine;
using Ledger.Engine.Errors;
using Ledger.Engine.Sessions;
using Ledger.Functions.Auth;
using Ledger.Functions.Auth.Permissions;
using Ledger.Functions.Protocol;
using Ledger.Ion;
using Ledger.Journal.Model;

namespace Ledger.Functions.Api;

/// <summary>
/// The native API for people with curl: API-key authenticated (<c>x-api-key</c> or <c>Authorization: Bearer</c>),
/// <c>POST /ledgers/{name}/statements</c> runs one statement in its own transaction and
/// <c>POST /ledgers/{name}/transactions</c> runs a list of statements in one transaction. Results come back as JSON
/// (Ion down-converted) or, with <c>Accept: application/ion</c>, as Ion text. Statements go through the same engine
/// session protocol and permission checks as the QLDB drivers; OCC conflicts are retried here, as a driver would.
/// Described by <c>GET /openapi.json</c>.
/// </summary>
public static class NativeApi
{
    /// <summary>Attempts per request when commits conflict; drivers default to 4 retries.</summary>
    public const int MaxAttempts = 5;

    public static IEndpointRouteBuilder MapNativeApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var authorizer = SessionApi.CreateAuthorizer(routes.ServiceProvider);
        routes.MapPost("/ledgers/{name}/statements", (HttpContext context, string name, LedgerEngine engine, NativeSessionPool sessions, ILoggerFactory loggers) =>
            RunAsync(context, name, engine, sessions, authorizer, loggers, body => [NativeRequests.ReadStatement(body)], single: true)).RequireApiKey();
        routes.MapPost("/ledgers/{name}/transactions", (HttpContext context, string name, LedgerEngine engine, NativeSessionPool sessions, ILoggerFactory loggers) =>
            RunAsync(context, name, engine, sessions, authorizer, loggers, NativeRequests.ReadTransaction, single: false)).RequireApiKey();
        routes.MapGet("/openapi.json", ServeOpenApi);
        return routes;
    }

    private static async Task<IResult> RunAsync(
        HttpContext context, string ledgerName, LedgerEngine engine, NativeSessionPool sessions, SessionAuthorizer authorizer, ILoggerFactory loggers,
        Func<IonValue, IReadOnlyList<NativeStatement>> read, bool single)
    {
        try
        {
            var body = await RequestBody.ReadAsync(context, RequestBody.DefaultMaxBytes, context.RequestAborted);
            if (body.TooLarge)
            {
                throw new NativeRequestException(StatusCodes.Status413PayloadTooLarge, "PayloadTooLarge",
                    $"The request body exceeds the limit of {RequestBody.DefaultMaxBytes} bytes.");
            }

            var statements = read(NativeRequests.ReadBody(body.Body.Span, context.Request.ContentType));
            var principal = context.GetLedgerPrincipal()!.Name;
            var outcome = await new NativeTransaction(engine, sessions, authorizer, principal, ledgerName, context.RequestAborted).RunAsync(statements);
            return new NativeResult(outcome, single);
        }
        catch (NativeRequestException refusal)
        {
            return Problem(refusal.Status, refusal.Title, refusal.Message);
        }
        catch (LedgerException refusal)
        {
            return Problem(StatusFor(refusal), refusal.ErrorType, refusal.Message);
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // Type and stack only: an exception message may quote a statement or a parameter value.
            loggers.CreateLogger(typeof(NativeApi).FullName!).LogError(
                "Native API request on {Path} failed unexpectedly: {ExceptionType}{StackTrace}", context.Request.Path.Value, failure.GetType().FullName, failure.StackTrace);
            return Problem(StatusCodes.Status500InternalServerError, "InternalFailure", "The request failed because of an unknown error.");
        }
    }

    private static int StatusFor(LedgerException refusal) => refusal switch
    {
        ResourceNotFoundException => StatusCodes.Status404NotFound,
        OccConflictException => StatusCodes.Status409Conflict,
        LimitExceededException => StatusCodes.Status429TooManyRequests,
        CapacityExceededException => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    };

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);

    private static async Task ServeOpenApi(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        await using var document = typeof(NativeApi).Assembly.GetManifestResourceStream("Ledger.Functions.Api.openapi.json")
            ?? throw new InvalidOperationException("The OpenAPI document is not embedded in the assembly.");
        await document.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    /// <summary>The committed transaction: its id, digest, block and each statement's values.</summary>
    internal sealed record NativeOutcome(CommitOutcome Commit, IReadOnlyList<IReadOnlyList<IonValue>> Results);

    /// <summary>
    /// Runs the statements in one engine session (pooled: <see cref="NativeSessionPool"/>), retrying the whole
    /// transaction on OCC conflicts.
    /// </summary>
    private sealed class NativeTransaction(
        LedgerEngine engine, NativeSessionPool sessions, SessionAuthorizer authorizer, string principal, string ledgerName, CancellationToken cancellationToken)
    {
        public async Task<NativeOutcome> RunAsync(IReadOnlyList<NativeStatement> statements)
        {
            // A missing ledger is a 404 here, where the session protocol can only say BadRequest.
            await engine.DescribeLedgerAsync(ledgerName, cancellationToken);
            if (authorizer.CheckSendCommand(principal, ledgerName) is { } denied)
            {
                throw new NativeRequestException(StatusCodes.Status403Forbidden, "AccessDenied", denied.Message);
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await RunOnceAsync(statements);
                }
                catch (OccConflictException) when (attempt < MaxAttempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 10 << attempt)), cancellationToken);
                }
            }
        }

        private async Task<NativeOutcome> RunOnceAsync(IReadOnlyList<NativeStatement> statements)
        {
            var (pooled, transactionId) = await BeginAsync();
            var session = pooled.Token;
            var committed = false;
            try
            {
                var digest = new CommitDigest(transactionId);
                var results = new List<IReadOnlyList<IonValue>>(statements.Count);
                for (var index = 0; index < statements.Count; index++)
                {
                    var statement = statements[index];
                    if (await authorizer.CheckStatementAsync(
                        engine, principal, session, transactionId, statement.Statement, statement.Parameters, cancellationToken) is { } denied)
                    {
                        throw new NativeRequestException(StatusCodes.Status403Forbidden, "AccessDenied", Where(index, statements.Count) + denied.Message);
                    }

                    digest.AddStatement(statement.Statement, statement.Parameters);
                    try
                    {
                        results.Add(await ReadAllAsync(session, transactionId, statement));
                    }
                    catch (BadRequestException failure)
                    {
                        throw new BadRequestException(Where(index, statements.Count) + failure.Message);
                    }
                }

                var commit = await engine.CommitTransactionAsync(session, transactionId, digest.Value, cancellationToken);
                committed = true;
                return new NativeOutcome(commit, results);
            }
            finally
            {
                // Ending the session also discards an open transaction, so a failed request leaves nothing behind;
                // a committed one leaves nothing open, so its session serves the next request.
                if (committed)
                {
                    await sessions.ReturnAsync(pooled);
                }
                else
                {
                    await sessions.DiscardAsync(pooled);
                }
            }
        }

        // A pooled session the engine no longer knows (expired, or ended by a failure elsewhere) is replaced by a new
        // one once; any other failure ends the session and goes to the caller.
        private async Task<(NativeSession Session, string TransactionId)> BeginAsync()
        {
            var session = await sessions.RentAsync(ledgerName, cancellationToken);
            try
            {
                return (session, await engine.StartTransactionAsync(session.Token, cancellationToken));
            }
            catch (InvalidSessionException) when (session.Reused)
            {
                await sessions.DiscardAsync(session);
            }
            catch
            {
                await sessions.DiscardAsync(session);
                throw;
            }

            session = await sessions.StartAsync(ledgerName, cancellationToken);
            try
            {
                return (session, await engine.StartTransactionAsync(session.Token, cancellationToken));
            }
            catch
            {
                await sessions.DiscardAsync(session);
                throw;
            }
        }


        private async Task<IReadOnlyList<IonValue>> ReadAllAsync(string session, string transactionId, NativeStatement statement)
        {
            var page = await engine.ExecuteStatementAsync(session, transactionId, statement.Statement, statement.Parameters, cancellationToken);
            var values = new List<IonValue>(page.Values);
            while (page.NextPageToken is { } token)
            {
                page = await engine.FetchPageAsync(session, transactionId, token, cancellationToken);
                values.AddRange(page.Values);
            }

            return values;
        }

        private static string Where(int index, int count) => count == 1 ? string.Empty : $"statements[{index}]: ";
    }

    /// <summary>
    /// <c>{transactionId, commitDigest, blockAddress?, values | results: [{values}]}</c> as JSON, or as Ion text when
    /// the client accepts <c>application/ion</c> (JSON is the down-conversion: decimals, timestamps and symbols lose
    /// their Ion type).
    /// </summary>
    private sealed class NativeResult(NativeOutcome outcome, bool single) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            var ion = httpContext.Request.GetTypedHeaders().Accept.Any(accept => NativeRequests.IsIon(accept.MediaType.Value));
            if (ion)
            {
                response.ContentType = NativeRequests.IonMediaType;
                await response.WriteAsync(IonText.Write(ToIon()) + "\n", httpContext.RequestAborted);
                return;
            }

            response.ContentType = NativeRequests.JsonMediaType;
            var buffer = new ArrayBufferWriter<byte>();
            await using (var writer = new Utf8JsonWriter(buffer))
            {
                IonJson.WriteTo(writer, ToIon());
            }

            await response.Body.WriteAsync(buffer.WrittenMemory, httpContext.RequestAborted);
        }

        private IonStruct ToIon()
        {
            var commit = outcome.Commit;
            var fields = new List<IonField>
            {
                new("transactionId", IonString.Of(commit.TransactionId)),
                new("commitDigest", IonString.Of(Convert.ToBase64String(commit.CommitDigest.ToArray()))),
            };
            if (commit.StrandId is { } strandId && commit.SequenceNo is { } sequenceNo)
            {
                fields.Add(new("blockAddress", IonStruct.Of(
                    new IonField("strandId", IonString.Of(strandId)), new IonField("sequenceNo", IonInt.Of(sequenceNo)))));
            }

            if (single)
            {
                fields.Add(new("values", IonList.Of(outcome.Results[0])));
            }
            else
            {
                fields.Add(new("results", IonList.Of(outcome.Results.Select(values =>
                    (IonValue)IonStruct.Of(new IonField("values", IonList.Of(values)))))));
            }

            return IonStruct.Of(fields);
        }
    }
}
