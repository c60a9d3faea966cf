using Ledger.Engine;
using Ledger.Engine.Errors;
using Ledger.Engine.Ports;
using Ledger.Functions.Auth;
using Ledger.Functions.Auth.Permissions;
using Ledger.Functions.Protocol;
using Ledger.Functions.Protocol.ControlPlane;

namespace Ledger.Functions.Api;

/// <summary>
/// The QLDB control plane (REST-JSON, qldb-compat 7) on the AWS model's paths: every route is SigV4-verified,
/// permission-checked with QLDB's action names and answers errors in QLDB's REST-JSON shape. The session protocol
/// owns <c>POST /</c>; nothing here claims it.
/// </summary>
public static partial class ControlPlaneApi
{
    /// <summary>QLDB's default: a customer-managed KMS key is not something this service can use.</summary>
    public const string AwsOwnedKmsKey = "AWS_OWNED_KMS_KEY";

    private const string LedgerResourceType = "LEDGER";

    public static IEndpointRouteBuilder MapControlPlaneApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var handlers = new ControlPlaneHandlers(ControlPlaneOptions.From(routes.ServiceProvider.GetRequiredService<IConfiguration>()));

        // Outermost first: the signature is checked before any error translation or handler runs.
        var api = routes.MapGroup(string.Empty)
            .RequireSigV4(SignedProtocol.QldbControlPlane)
            .AddEndpointFilter(TranslateErrorsAsync);

        api.MapPost("/ledgers", handlers.CreateLedgerAsync);
        api.MapGet("/ledgers", handlers.ListLedgersAsync);
        api.MapGet("/ledgers/{name}", handlers.DescribeLedgerAsync);
        api.MapMethods("/ledgers/{name}", [HttpMethods.Patch], handlers.UpdateLedgerAsync);
        api.MapMethods("/ledgers/{name}/permissions-mode", [HttpMethods.Patch], handlers.UpdateLedgerPermissionsModeAsync);
        api.MapDelete("/ledgers/{name}", handlers.DeleteLedgerAsync);
        MapJournalRoutes(api, handlers);
        MapTagAndJobRoutes(api, handlers);
        return routes;
    }

    // Protocol refusals and engine failures become QLDB error answers; anything else is a real fault and stays one.
    private static async ValueTask<object?> TranslateErrorsAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        try
        {
            return await next(invocation);
        }
        catch (ControlPlaneProtocolException refusal)
        {
            return ControlPlaneResults.Error(refusal.Error);
        }
        catch (LedgerException failure)
        {
            return ControlPlaneResults.Error(ToControlPlaneError(failure));
        }
    }

    /// <summary>The REST-JSON error for an engine failure.</summary>
    public static ControlPlaneError ToControlPlaneError(LedgerException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure switch
        {
            ResourceNotFoundException e => ControlPlaneError.ResourceNotFound(e.Message, e.ResourceType, e.ResourceName),
            ResourceAlreadyExistsException e => ControlPlaneError.ResourceAlreadyExists(e.Message, e.ResourceType, e.ResourceName),
            ResourceInUseException e => ControlPlaneError.ResourceInUse(e.Message, e.ResourceType, e.ResourceName),
            ResourcePreconditionNotMetException e => ControlPlaneError.ResourcePreconditionNotMet(e.Message, e.ResourceType, e.ResourceName),
            InvalidParameterException e => ControlPlaneError.InvalidParameter(e.Message, e.ParameterName),
            LimitExceededException e => ControlPlaneError.LimitExceeded(e.Message, LedgerResourceType),

            // The engine's session-side refusals (e.g. a ledger that is not active) are the caller's to fix.
            BadRequestException e => ControlPlaneError.InvalidParameter(e.Message, "Name"),
            _ => new ControlPlaneError(failure.ErrorType, StatusCodes.Status500InternalServerError, failure.Message),
        };
    }

    /// <summary>QLDB's spelling of a ledger state.</summary>
    public static string StateName(LedgerState state) => state switch
    {
        LedgerState.Creating => "CREATING",
        LedgerState.Active => "ACTIVE",
        LedgerState.Deleting => "DELETING",
        LedgerState.Deleted => "DELETED",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown ledger state."),
    };

    /// <summary>KmsKey may be absent or QLDB's AWS-owned key; a customer key cannot be honoured here, so it is refused.</summary>
    internal static void RequireAwsOwnedKey(string? kmsKey)
    {
        if (kmsKey is not null && kmsKey != AwsOwnedKmsKey)
        {
            throw new ControlPlaneProtocolException(ControlPlaneError.InvalidParameter(
                $"Only {AwsOwnedKmsKey} is supported: ledgers are encrypted at rest by their storage account, not by a KMS key.",
                "KmsKey"));
        }
    }

    /// <summary>Refuses the request unless the caller may perform <paramref name="action"/> on <paramref name="resource"/>.</summary>
    internal static void Authorize(HttpContext context, string action, string resource)
    {
        var principal = context.GetLedgerPrincipal()
            ?? throw new ControlPlaneProtocolException(ControlPlaneError.MissingAuthenticationToken());
        var permissions = context.RequestServices.GetRequiredService<PermissionEvaluator>();
        if (!permissions.IsAllowed(principal.Name, action, resource))
        {
            throw new ControlPlaneProtocolException(ControlPlaneError.AccessDenied(
                LedgerAuth.AccessDeniedMessage(principal.Name, action, resource)));
        }
    }

    /// <summary>The request body the SigV4 filter already read, parsed as <typeparamref name="T"/>.</summary>
    internal static async Task<T> ReadBodyAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : new()
    {
        var body = await RequestBody.ReadAsync(context, RequestBody.DefaultMaxBytes, context.RequestAborted);
        return ControlPlaneValidation.ParseBody(body.Body.Span, typeInfo);
    }

    /// <summary>A 200 with no body (DeleteLedger), with the request id every answer carries.</summary>
    internal static IResult EmptyOk() => new EmptyOkResult();

    private sealed class EmptyOkResult : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.Headers[AwsRequestId.HeaderName] = AwsRequestId.For(httpContext);
            httpContext.Response.ContentLength = 0;
            return Task.CompletedTask;
        }
    }
}

/// <summary>The control-plane handlers, bound to the region and account their ARNs name.</summary>
internal sealed partial class ControlPlaneHandlers(ControlPlaneOptions options)
{
    private const int DefaultPageSize = 100;

    public ControlPlaneOptions Options { get; } = options;

    public string LedgerArn(string name) => QldbArns.Ledger(Options.Region, Options.AccountId, name);

    /// <summary>The resource of account-wide operations (ListLedgers, ListJournalS3Exports).</summary>
    public string AccountWildcardArn => $"arn:aws:qldb:{Options.Region}:{Options.AccountId}:*";

    public async Task<IResult> CreateLedgerAsync(HttpContext context, LedgerEngine engine)
    {
        var request = await ControlPlaneApi.ReadBodyAsync(context, ControlPlaneJsonContext.Default.CreateLedgerRequest);
        var name = ControlPlaneValidation.LedgerName(request.Name, "Name");
        ControlPlaneApi.Authorize(context, QldbActions.CreateLedger, LedgerArn(name));
        var permissionsMode = ControlPlaneValidation.PermissionsMode(request.PermissionsMode);
        ControlPlaneApi.RequireAwsOwnedKey(request.KmsKey);
        var tags = ControlPlaneTags.Validate(request.Tags);

        var created = await engine.CreateLedgerAsync(name, permissionsMode, request.DeletionProtection ?? true, context.RequestAborted);
        if (tags.Count > 0)
        {
            await engine.TagLedgerAsync(name, tags, context.RequestAborted);
        }

        return ControlPlaneResults.Ok(
            new LedgerDescription
            {
                Name = created.Name,
                Arn = LedgerArn(created.Name),
                State = ControlPlaneApi.StateName(created.State),
                CreationDateTime = created.CreationDateTime,
                PermissionsMode = created.PermissionsMode,
                DeletionProtection = created.DeletionProtection,
            },
            ControlPlaneJsonContext.Default.LedgerDescription);
    }

    public async Task<IResult> DescribeLedgerAsync(string name, HttpContext context, LedgerEngine engine)
    {
        name = ControlPlaneValidation.LedgerName(name, "Name");
        ControlPlaneApi.Authorize(context, QldbActions.DescribeLedger, LedgerArn(name));
        var ledger = await engine.DescribeLedgerAsync(name, context.RequestAborted);
        return ControlPlaneResults.Ok(Describe(ledger, includePermissionsMode: true), ControlPlaneJsonContext.Default.LedgerDescription);
    }

    public async Task<IResult> ListLedgersAsync(HttpContext context, LedgerEngine engine)
    {
        var maxResults = ControlPlaneValidation.MaxResults(QueryValue(context, "max_results"));
        var nextToken = ControlPlaneValidation.NextToken(QueryValue(context, "next_token"));
        ControlPlaneApi.Authorize(context, QldbActions.ListLedgers, AccountWildcardArn);
        LedgerPage page;
        try
        {
            page = await engine.ListLedgersAsync(maxResults ?? DefaultPageSize, nextToken, context.RequestAborted);
        }
        catch (FormatException)
        {
            // A token this service never issued (the stores encode their position in it).
            throw new ControlPlaneProtocolException(ControlPlaneError.InvalidParameter(
                "next_token is not a token returned by a previous ListLedgers page.", "NextToken"));
        }

        return ControlPlaneResults.Ok(
            new ListLedgersResponse
            {
                Ledgers = [.. page.Ledgers.Select(l => new LedgerSummary
                {
                    Name = l.Name,
                    State = ControlPlaneApi.StateName(l.State),
                    CreationDateTime = l.CreationDateTime,
                })],
                NextToken = page.NextToken,
            },
            ControlPlaneJsonContext.Default.ListLedgersResponse);
    }

    public async Task<IResult> UpdateLedgerAsync(string name, HttpContext context, LedgerEngine engine)
    {
        name = ControlPlaneValidation.LedgerName(name, "Name");
        var request = await ControlPlaneApi.ReadBodyAsync(context, ControlPlaneJsonContext.Default.UpdateLedgerRequest);
        ControlPlaneApi.Authorize(context, QldbActions.UpdateLedger, LedgerArn(name));
        ControlPlaneApi.RequireAwsOwnedKey(request.KmsKey);
        var ledger = request.DeletionProtection is { } protection
            ? await engine.UpdateLedgerAsync(name, protection, context.RequestAborted)
            : await engine.DescribeLedgerAsync(name, context.RequestAborted);
        return ControlPlaneResults.Ok(Describe(ledger, includePermissionsMode: false), ControlPlaneJsonContext.Default.LedgerDescription);
    }

    public async Task<IResult> UpdateLedgerPermissionsModeAsync(string name, HttpContext context, LedgerEngine engine)
    {
        name = ControlPlaneValidation.LedgerName(name, "Name");
        var request = await ControlPlaneApi.ReadBodyAsync(context, ControlPlaneJsonContext.Default.UpdateLedgerPermissionsModeRequest);
        ControlPlaneApi.Authorize(context, QldbActions.UpdateLedgerPermissionsMode, LedgerArn(name));
        var mode = ControlPlaneValidation.PermissionsMode(request.PermissionsMode);
        var ledger = await engine.UpdateLedgerPermissionsModeAsync(name, mode, context.RequestAborted);
        return ControlPlaneResults.Ok(
            new UpdateLedgerPermissionsModeResponse { Name = ledger.Name, Arn = LedgerArn(ledger.Name), PermissionsMode = ledger.PermissionsMode },
            ControlPlaneJsonContext.Default.UpdateLedgerPermissionsModeResponse);
    }

    public async Task<IResult> DeleteLedgerAsync(string name, HttpContext context, LedgerEngine engine)
    {
        name = ControlPlaneValidation.LedgerName(name, "Name");
        ControlPlaneApi.Authorize(context, QldbActions.DeleteLedger, LedgerArn(name));
        await engine.DeleteLedgerAsync(name, context.RequestAborted);
        return ControlPlaneApi.EmptyOk();
    }

    private LedgerDescription Describe(LedgerRecord ledger, bool includePermissionsMode) => new()
    {
        Name = ledger.Name,
        Arn = LedgerArn(ledger.Name),
        State = ControlPlaneApi.StateName(ledger.State),
        CreationDateTime = ledger.CreationDateTime,
        PermissionsMode = includePermissionsMode ? ledger.PermissionsMode : null,
        DeletionProtection = ledger.DeletionProtection,
        EncryptionDescription = new LedgerEncryptionDescription { KmsKeyArn = ControlPlaneApi.AwsOwnedKmsKey, EncryptionStatus = "ENABLED" },
    };

    private static string? QueryValue(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var values) ? values.ToString() : null;
}
