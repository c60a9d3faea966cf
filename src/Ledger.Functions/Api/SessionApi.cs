using Ledger.Engine;
using Ledger.Engine.Errors;
using Ledger.Engine.Sessions;
using Ledger.Functions.Auth;
using Ledger.Functions.Auth.Permissions;
using Ledger.Functions.Protocol.Session;
using Ledger.Journal;

namespace Ledger.Functions.Api;

/// <summary>
/// The QLDB session protocol: <c>POST /</c> with <c>X-Amz-Target: QLDBSession.SendCommand</c> (AWS JSON 1.0,
/// SigV4 with signing name <c>qldb</c>), each sub-command mapped onto <see cref="LedgerEngine"/>. Every answer,
/// success or refusal, has the protocol's shape, so the unmodified QLDB drivers talk to it.
/// </summary>
public static class SessionApi
{
    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var authorizer = CreateAuthorizer(routes.ServiceProvider);
        var binding = routes.ServiceProvider.GetRequiredService<SessionTokenBinding>();
        routes.MapPost("/", (HttpContext context, LedgerEngine engine, TimeProvider clock, ILoggerFactory loggers) =>
            SendCommandAsync(context, engine, authorizer, binding, clock, loggers)).RequireSigV4(SignedProtocol.QldbSession);
        return routes;
    }

    /// <summary>The statement permission checks; ARNs name the control plane's region and account, so one policy covers both.</summary>
    internal static SessionAuthorizer CreateAuthorizer(IServiceProvider services)
    {
        var where = ControlPlaneOptions.From(services.GetRequiredService<IConfiguration>());
        return new SessionAuthorizer(services.GetRequiredService<PermissionEvaluator>(), where.Region, where.AccountId);
    }

    /// <summary>
    /// Reads, authorizes and runs one command. Engine refusals become their protocol errors; anything unexpected is a
    /// 500, which drivers retry on a fresh session, and is logged without the request's tokens, statement or values.
    /// </summary>
    public static async Task<IResult> SendCommandAsync(
        HttpContext context, LedgerEngine engine, SessionAuthorizer authorizer, SessionTokenBinding binding, TimeProvider clock, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(authorizer);
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(loggers);
        var read = await SessionRequests.ReadAsync(context);
        if (read.Error is { } invalid)
        {
            return SessionResults.Error(invalid);
        }

        var command = read.Command!;
        var started = clock.GetTimestamp();
        try
        {
            var call = new SessionCall(engine, authorizer, binding, clock, started, context.GetLedgerPrincipal()!.Name, context.RequestAborted);
            return SessionResults.Ok(await call.RunAsync(command));
        }
        catch (SessionProtocolException refusal)
        {
            return SessionResults.Error(refusal.Error);
        }
        catch (LedgerException refusal)
        {
            return SessionResults.Error(SessionError.FromEngine(refusal));
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // Type and stack only: an exception message may quote a statement or a parameter value.
            loggers.CreateLogger(typeof(SessionApi).FullName!).LogError(
                "SendCommand {Command} failed unexpectedly: {ExceptionType}{StackTrace}", command.ToString(), failure.GetType().FullName, failure.StackTrace);
            return SessionResults.Error(SessionError.InternalFailure());
        }
    }

    /// <summary>
    /// One command's run: the permission checks before it, the engine call and the answer's shape. Every command on a
    /// session first opens the session token for the caller: a token another principal was given is refused as an
    /// unknown session, and the caller needs <c>qldb:SendCommand</c> on the session's ledger for every sub-command.
    /// </summary>
    private sealed class SessionCall(
        LedgerEngine engine, SessionAuthorizer authorizer, SessionTokenBinding binding, TimeProvider clock, long started, string principal,
        CancellationToken cancellationToken)
    {
        public async Task<SendCommandResult> RunAsync(SessionCommand command) => command switch
        {
            StartSessionCommand start => await StartSessionAsync(start),
            StartTransactionCommand start => new SendCommandResult
            {
                StartTransaction = new StartTransactionResult
                {
                    TransactionId = await engine.StartTransactionAsync(Open(start.SessionToken), cancellationToken),
                    TimingInformation = Timing(),
                },
            },
            ExecuteStatementCommand execute => await ExecuteStatementAsync(execute),
            FetchPageCommand fetch => FetchPage(await engine.FetchPageAsync(Open(fetch.SessionToken), fetch.TransactionId, fetch.NextPageToken, cancellationToken)),
            CommitTransactionCommand commit => await CommitAsync(commit),
            AbortTransactionCommand abort => await AbortAsync(abort),
            EndSessionCommand end => await EndSessionAsync(end),
            _ => throw new SessionProtocolException(SessionError.BadRequest("Unsupported command.")),
        };

        /// <summary>The engine's token for the caller's session, once the caller may send commands to its ledger.</summary>
        private string Open(string sessionToken)
        {
            var session = binding.Open(sessionToken, principal) ?? throw new SessionProtocolException(SessionError.NoSuchSession());
            if (authorizer.CheckSendCommand(principal, session.LedgerName) is { } denied)
            {
                throw new SessionProtocolException(denied);
            }

            return session.EngineToken;
        }

        private async Task<SendCommandResult> StartSessionAsync(StartSessionCommand start)
        {
            if (authorizer.CheckSendCommand(principal, start.LedgerName) is { } denied)
            {
                throw new SessionProtocolException(denied);
            }

            return new SendCommandResult
            {
                StartSession = new StartSessionResult
                {
                    SessionToken = binding.Bind(await engine.StartSessionAsync(start.LedgerName, cancellationToken), start.LedgerName, principal),
                    TimingInformation = Timing(),
                },
            };
        }

        private async Task<SendCommandResult> ExecuteStatementAsync(ExecuteStatementCommand execute)
        {
            var sessionToken = Open(execute.SessionToken);
            var parameters = SessionValues.DecodeParameters(execute.Parameters);
            if (await authorizer.CheckStatementAsync(
                engine, principal, sessionToken, execute.TransactionId, execute.Statement, parameters, cancellationToken) is { } denied)
            {
                throw new SessionProtocolException(denied);
            }

            var page = await engine.ExecuteStatementAsync(sessionToken, execute.TransactionId, execute.Statement, parameters, cancellationToken);
            return new SendCommandResult
            {
                ExecuteStatement = new ExecuteStatementResult
                {
                    FirstPage = ToPage(page),
                    TimingInformation = Timing(),
                    ConsumedIOs = ToUsage(page.ConsumedIOs),
                },
            };
        }

        // Results are computed whole by ExecuteStatement, so a fetched page consumed no IOs of its own.
        private SendCommandResult FetchPage(ResultPage page) => new()
        {
            FetchPage = new FetchPageResult { Page = ToPage(page), TimingInformation = Timing(), ConsumedIOs = ToUsage(page.ConsumedIOs) },
        };

        private async Task<SendCommandResult> CommitAsync(CommitTransactionCommand commit)
        {
            var outcome = await engine.CommitTransactionAsync(
                Open(commit.SessionToken), commit.TransactionId, new Hash32(commit.CommitDigest.Span), cancellationToken);
            return new SendCommandResult
            {
                CommitTransaction = new CommitTransactionResult
                {
                    TransactionId = outcome.TransactionId,
                    CommitDigest = outcome.CommitDigest.ToArray(),
                    TimingInformation = Timing(),
                    ConsumedIOs = ToUsage(outcome.ConsumedIOs),
                },
            };
        }

        private async Task<SendCommandResult> AbortAsync(AbortTransactionCommand abort)
        {
            await engine.AbortTransactionAsync(Open(abort.SessionToken), cancellationToken);
            return new SendCommandResult { AbortTransaction = new TimedResult { TimingInformation = Timing() } };
        }

        private async Task<SendCommandResult> EndSessionAsync(EndSessionCommand end)
        {
            await engine.EndSessionAsync(Open(end.SessionToken), cancellationToken);
            return new SendCommandResult { EndSession = new TimedResult { TimingInformation = Timing() } };
        }

        private static Page ToPage(ResultPage page) => new()
        {
            Values = page.Values.Select(SessionValues.Encode).ToList(),
            NextPageToken = page.NextPageToken,
        };

        private static IOUsage ToUsage(ConsumedIOs consumed) => new(consumed.ReadIOs, consumed.WriteIOs);

        private TimingInformation Timing() => new((long)clock.GetElapsedTime(started).TotalMilliseconds);
    }
}
