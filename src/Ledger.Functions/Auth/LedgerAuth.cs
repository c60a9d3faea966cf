using System.Security.Cryptography;
using Ledger.Client.SigV4;
using Ledger.Functions.Auth.Credentials;
using Ledger.Functions.Auth.Permissions;
using Ledger.Functions.Auth.SigV4;
using Ledger.Functions.Protocol;
using Ledger.Functions.Protocol.ControlPlane;
using Ledger.Functions.Protocol.Session;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ledger.Functions.Auth;

/// <summary>Which protocol an endpoint speaks, and so which error shape its refusals take.</summary>
public enum SignedProtocol
{
    /// <summary>QLDBSession.SendCommand, AWS JSON 1.0.</summary>
    QldbSession,

    /// <summary>The QLDB control plane, REST-JSON.</summary>
    QldbControlPlane,
}

/// <summary>Who made the request, once authenticated.</summary>
/// <param name="Name">The principal that permissions are granted to.</param>
/// <param name="Scheme"><c>SigV4</c> or <c>ApiKey</c>.</param>
/// <param name="AccessKeyId">The access key id for SigV4 (not secret; AWS logs it too), else null.</param>
public sealed record LedgerPrincipal(string Name, string Scheme, string? AccessKeyId);

/// <summary>
/// Registration and endpoint filters for authentication. Wire with <c>services.AddLedgerAuth(configuration)</c>
/// and, per route group, <c>.RequireSigV4(SignedProtocol.…)</c> or <c>.RequireApiKey()</c>; handlers then read
/// <c>httpContext.GetLedgerPrincipal()</c> and check permissions with <see cref="PermissionEvaluator"/>.
/// </summary>
public static class LedgerAuth
{
    public const string SigV4Scheme = "SigV4";
    public const string ApiKeyScheme = "ApiKey";
    public const string ApiKeyHeader = "x-api-key";

    /// <summary>Binds <see cref="LedgerAuthOptions"/> and registers the verifier, credentials and permissions.
    /// Incomplete settings fail here, at start-up, not on the first request.</summary>
    public static IServiceCollection AddLedgerAuth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new LedgerAuthOptions();
        configuration.GetSection(LedgerAuthOptions.SectionName).Bind(options);
        var credentials = new ConfiguredCredentials(options);
        services.AddSingleton(options);
        services.AddSingleton(credentials);
        services.AddSingleton<ICredentialStore>(credentials);
        services.AddSingleton(PermissionEvaluator.FromOptions(options));
        services.AddSingleton(SessionTokenBinding.FromOptions(options));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new SigV4Verifier(
            provider.GetRequiredService<ICredentialStore>(),
            provider.GetRequiredService<TimeProvider>(),
            new SigV4VerifierOptions { MaxClockSkew = options.MaxClockSkew }));
        return services;
    }

    /// <summary>The authenticated principal, or null outside an authenticated endpoint.</summary>
    public static LedgerPrincipal? GetLedgerPrincipal(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<LedgerPrincipal>();
    }

    /// <summary>
    /// Requires a valid SigV4 signature (service <c>qldb</c>) and a body within <paramref name="maxBodyBytes"/>;
    /// refusals use <paramref name="protocol"/>'s error shape and reach no handler.
    /// </summary>
    public static TBuilder RequireSigV4<TBuilder>(this TBuilder builder, SignedProtocol protocol, int maxBodyBytes = RequestBody.DefaultMaxBytes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            var body = await RequestBody.ReadAsync(context, maxBodyBytes, context.RequestAborted);
            if (body.TooLarge)
            {
                var message = $"The request body exceeds the limit of {maxBodyBytes} bytes.";
                return protocol == SignedProtocol.QldbSession
                    ? SessionResults.Error(SessionError.BadRequest(message))
                    : ControlPlaneResults.Error(ControlPlaneError.InvalidParameter(message, "Body"));
            }

            var verifier = context.RequestServices.GetRequiredService<SigV4Verifier>();
            var forwardedHostHeader = context.RequestServices.GetRequiredService<LedgerAuthOptions>().ForwardedHostHeader;
            var result = verifier.Verify(ToSigV4Request(context, body.Body.Span, forwardedHostHeader));
            if (!result.Succeeded)
            {
                return protocol == SignedProtocol.QldbSession
                    ? SessionResults.Error(ToSessionError(result))
                    : ControlPlaneResults.Error(ToControlPlaneError(result));
            }

            context.Features.Set(new LedgerPrincipal(result.Principal!, SigV4Scheme, result.AccessKeyId));
            return await next(invocation);
        });
    }

    /// <summary>
    /// Requires an API key as <c>Authorization: Bearer &lt;key&gt;</c> or <c>x-api-key</c>; refusals are
    /// 401 problem details with <c>WWW-Authenticate: Bearer</c>.
    /// </summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            var credentials = context.RequestServices.GetRequiredService<ConfiguredCredentials>();
            var principal = credentials.FindApiKeyPrincipal(PresentedApiKey(context.Request));
            if (principal is null)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "Unauthorized",
                    detail: "A valid API key is required as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.");
            }

            context.Features.Set(new LedgerPrincipal(principal, ApiKeyScheme, null));
            return await next(invocation);
        });
    }

    /// <summary>The API key from <c>Authorization: Bearer</c>, else from <c>x-api-key</c>.</summary>
    public static string? PresentedApiKey(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authorization = request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        if (authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            return authorization[bearer.Length..].Trim();
        }

        var apiKey = request.Headers[ApiKeyHeader].ToString();
        return apiKey.Length == 0 ? null : apiKey;
    }

    /// <summary>
    /// The signed parts of a request as they arrived: the raw target, every header value, the body hash. When
    /// <paramref name="forwardedHostHeader"/> names a header present on the request, its value stands in for
    /// <c>Host</c>, since a proxy that rewrote Host keeps the signed value there.
    /// </summary>
    public static SigV4Request ToSigV4Request(HttpContext context, ReadOnlySpan<byte> body, string? forwardedHostHeader = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget))
        {
            rawTarget = request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
        }

        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        var rawQuery = queryStart < 0 ? string.Empty : rawTarget[(queryStart + 1)..];
        var forwardedHost = string.IsNullOrEmpty(forwardedHostHeader) ? null : request.Headers[forwardedHostHeader].ToString();
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in request.Headers)
        {
            if (!string.IsNullOrEmpty(forwardedHost) && name.Equals("host", StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(new KeyValuePair<string, string>(name, forwardedHost));
                continue;
            }

            foreach (var value in values)
            {
                headers.Add(new KeyValuePair<string, string>(name, value ?? string.Empty));
            }
        }

        return new SigV4Request(request.Method, rawPath, rawQuery, headers, SHA256.HashData(body));
    }

    public static SessionError ToSessionError(SigV4Result result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var message = result.Message ?? "Access denied.";
        return result.Failure switch
        {
            SigV4Failure.MissingAuthentication => SessionError.MissingAuthenticationToken(message),
            SigV4Failure.IncompleteSignature => SessionError.IncompleteSignature(message),
            SigV4Failure.UnrecognizedClient => SessionError.UnrecognizedClient(message),
            _ => SessionError.InvalidSignature(message),
        };
    }

    public static ControlPlaneError ToControlPlaneError(SigV4Result result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var message = result.Message ?? "Access denied.";
        return result.Failure switch
        {
            SigV4Failure.MissingAuthentication => ControlPlaneError.MissingAuthenticationToken(message),
            SigV4Failure.IncompleteSignature => ControlPlaneError.IncompleteSignature(message),
            SigV4Failure.UnrecognizedClient => ControlPlaneError.UnrecognizedClient(message),
            _ => ControlPlaneError.InvalidSignature(message),
        };
    }

    /// <summary>The AccessDenied message AWS uses, naming principal, action and resource (none of them secret).</summary>
    public static string AccessDeniedMessage(string principal, string action, string resource) =>
        $"User: {principal} is not authorized to perform: {action} on resource: {resource}";
}
