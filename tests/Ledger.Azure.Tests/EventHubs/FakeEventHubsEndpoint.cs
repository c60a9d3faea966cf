using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using global::Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ledger.Azure.Tests.EventHubs;

/// <summary>How the fake endpoint authenticates and what it accepts.</summary>
public sealed record FakeEventHubsSettings
{
    public string HubName { get; init; } = "ledger-stream";

    /// <summary>The shared access policy name the fake accepts (skn).</summary>
    public string KeyName { get; init; } = "send";

    /// <summary>The shared access key the fake signs with (UTF-8 bytes, like the service).</summary>
    public string Key { get; init; } = "fake-key/+=0123456789abcdefghijklmnopqrstuv=";

    /// <summary>The bearer token the fake accepts (Entra ID); null: bearer tokens are refused.</summary>
    public string? BearerToken { get; init; }

    /// <summary>Serve https with a throw-away self-signed certificate (Azure.Core sends bearer tokens only over TLS).</summary>
    public bool UseHttps { get; init; }

    /// <summary>Bodies above this size get 413 (the service's 1 MB).</summary>
    public int MaxBodyBytes { get; init; } = 1024 * 1024;
}

/// <summary>An event the fake accepted, in acceptance order.</summary>
public sealed record ReceivedEvent(int RequestNumber, string? PartitionId, string? PartitionKey, string Body, IReadOnlyDictionary<string, string> UserProperties)
{
    public string? RecordId => UserProperties.GetValueOrDefault("recordId");

    /// <summary>The producer's bytes: base64-decoded when the bodyEncoding property says so, else the UTF-8 text.</summary>
    public byte[] BodyBytes => UserProperties.GetValueOrDefault("bodyEncoding") == "base64"
        ? Convert.FromBase64String(Body)
        : Encoding.UTF8.GetBytes(Body);
}

/// <summary>A request as the fake saw it, with the status it answered.</summary>
public sealed record ReceivedRequest(int Number, string Path, string? Authorization, string? ContentType, int BodyLength, int Status, TimeSpan ReceivedAfterStart)
{
    public string? AuthorizationScheme => Authorization?.Split(' ')[0];
}

/// <summary>
/// A real HTTP server (Kestrel on a free 127.0.0.1 port) implementing the Event Hubs REST send contract:
/// <c>POST /{hub}/messages</c> and <c>/{hub}/partitions/{id}/messages</c> (<c>api-version</c> and <c>timeout</c> optional),
/// SAS tokens recomputed with the known key (expired ones get 401) or a configured bearer token, the JSON batch format
/// with one PartitionKey per request (single-event bodies otherwise), the body size limit (413), 201 on success, and
/// accepted events stored in order. Failures can be scripted: the next N requests answer a given status (with
/// Retry-After) before any validation, or are processed normally but answered only after a delay (a send that lands
/// although the client timed out).
/// </summary>
public sealed class FakeEventHubsEndpoint : IAsyncDisposable
{
    private const string BatchContentType = "application/vnd.microsoft.servicebus.json";

    private readonly WebApplication _app;
    private readonly X509Certificate2? _certificate;
    private readonly Lock _gate = new();
    private readonly List<ReceivedEvent> _events = [];
    private readonly List<ReceivedRequest> _requests = [];
    private readonly Queue<(int Status, TimeSpan? RetryAfter, TimeSpan Delay)> _scriptedFailures = new();
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    private FakeEventHubsEndpoint(FakeEventHubsSettings settings, WebApplication app, X509Certificate2? certificate)
    {
        Settings = settings;
        _app = app;
        _certificate = certificate;
    }

    public FakeEventHubsSettings Settings { get; }

    /// <summary>The base URI, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseUri { get; private set; } = null!;

    public IReadOnlyList<ReceivedEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeEventHubsEndpoint> StartAsync(FakeEventHubsSettings? settings = null)
    {
        settings ??= new FakeEventHubsSettings();
        var certificate = settings.UseHttps ? CreateLoopbackCertificate() : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var endpoint = new FakeEventHubsEndpoint(settings, app, certificate);
        app.MapPost("/{hub}/messages", endpoint.HandleAsync);
        app.MapPost("/{hub}/partitions/{partitionId}/messages", endpoint.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        endpoint.BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
        return endpoint;
    }

    /// <summary>The next <paramref name="count"/> requests answer <paramref name="status"/>, with Retry-After when given.</summary>
    public void FailNext(int count, int status, TimeSpan? retryAfter = null)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _scriptedFailures.Enqueue((status, retryAfter, TimeSpan.Zero));
            }
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> requests are processed normally (events stored) but answered only after
    /// <paramref name="delay"/>: a client with a shorter timeout retries a send that did land.
    /// </summary>
    public void DelayNext(int count, TimeSpan delay)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _scriptedFailures.Enqueue((0, null, delay));
            }
        }
    }

    /// <summary>A transport that reaches this server (and trusts exactly its certificate when it serves https).</summary>
    public HttpPipelineTransport CreateTransport()
    {
        if (_certificate is null)
        {
            return new HttpClientTransport(new HttpClient());
        }
        var thumbprint = _certificate.Thumbprint;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == thumbprint,
        };
        return new HttpClientTransport(new HttpClient(handler));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate?.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var hub = (string)request.RouteValues["hub"]!;
        var partitionId = request.RouteValues.TryGetValue("partitionId", out var id) ? (string?)id : null;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var authorization = request.Headers.Authorization.ToString();

        int number;
        (int Status, TimeSpan? RetryAfter, TimeSpan Delay)? scripted;
        lock (_gate)
        {
            number = _requests.Count + 1;
            scripted = _scriptedFailures.TryDequeue(out var failure) ? failure : null;
        }

        var (status, detail, accepted) = scripted is { Status: not 0 } script
            ? (script.Status, "Scripted failure.", (List<ReceivedEvent>?)null)
            : Validate(request, hub, partitionId, authorization, body, number);

        lock (_gate)
        {
            _requests.Add(new ReceivedRequest(number, request.Path, authorization.Length > 0 ? authorization : null,
                request.ContentType, body.Length, status, _clock.Elapsed));
            if (accepted is not null)
            {
                _events.AddRange(accepted);
            }
        }

        if (scripted is { Delay: var delay } && delay > TimeSpan.Zero)
        {
            // Deliberately not cancelled with the request: the events are stored, only the answer is late.
            await Task.Delay(delay);
        }
        context.Response.StatusCode = status;
        if (status != 201)
        {
            if (scripted?.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            context.Response.ContentType = "application/xml; charset=utf-8";
            await context.Response.WriteAsync($"<Error><Code>{status}</Code><Detail>{WebUtility.HtmlEncode(detail)}</Detail></Error>", context.RequestAborted);
        }
    }

    private (int Status, string Detail, List<ReceivedEvent>? Accepted) Validate(
        HttpRequest request, string hub, string? partitionId, string authorization, byte[] body, int number)
    {
        if (AuthorizationError(request, hub, authorization) is { } authError)
        {
            return (401, authError, null);
        }
        if (!string.Equals(hub, Settings.HubName, StringComparison.Ordinal))
        {
            return (404, $"The messaging entity '{hub}' could not be found.", null);
        }
        if (body.Length > Settings.MaxBodyBytes)
        {
            return (413, $"The request body is {body.Length} bytes; the limit is {Settings.MaxBodyBytes}.", null);
        }
        var contentType = request.ContentType ?? "";
        if (!contentType.StartsWith(BatchContentType, StringComparison.OrdinalIgnoreCase))
        {
            // A single event: the body bytes are the event; BrokerProperties may carry the partition key.
            var brokerPartitionKey = ParseBrokerPartitionKey(request.Headers["BrokerProperties"].ToString());
            if (brokerPartitionKey is not null && partitionId is not null)
            {
                return (400, "PartitionKey cannot be set when sending to a partition.", null);
            }
            return (201, "", [new ReceivedEvent(number, partitionId, brokerPartitionKey, Encoding.UTF8.GetString(body), new Dictionary<string, string>())]);
        }
        var (error, events) = ParseBatch(body, partitionId, number);
        return error is null ? (201, "", events) : (400, error, null);
    }

    private static (string? Error, List<ReceivedEvent> Events) ParseBatch(byte[] body, string? partitionId, int number)
    {
        var events = new List<ReceivedEvent>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return ($"The batch body is not JSON: {e.Message}", events);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() == 0)
            {
                return ("A batch body is a non-empty JSON array of messages.", events);
            }
            string? batchPartitionKey = null;
            var index = 0;
            foreach (var message in document.RootElement.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("Body", out var bodyElement) || bodyElement.ValueKind != JsonValueKind.String)
                {
                    return ($"Message #{index} has no string Body.", events);
                }
                var properties = new Dictionary<string, string>(StringComparer.Ordinal);
                if (message.TryGetProperty("UserProperties", out var userProperties))
                {
                    if (userProperties.ValueKind != JsonValueKind.Object)
                    {
                        return ($"Message #{index}: UserProperties is not an object.", events);
                    }
                    foreach (var property in userProperties.EnumerateObject())
                    {
                        if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                        {
                            return ($"Message #{index}: user property '{property.Name}' is not a scalar.", events);
                        }
                        properties[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                    }
                }
                string? partitionKey = null;
                if (message.TryGetProperty("BrokerProperties", out var brokerProperties))
                {
                    if (brokerProperties.ValueKind != JsonValueKind.Object)
                    {
                        return ($"Message #{index}: BrokerProperties is not an object.", events);
                    }
                    if (brokerProperties.TryGetProperty("PartitionKey", out var key))
                    {
                        partitionKey = key.GetString();
                    }
                }
                if (partitionKey is not null && partitionId is not null)
                {
                    return ("PartitionKey cannot be set when sending to a partition.", events);
                }
                if (index > 0 && !string.Equals(partitionKey, batchPartitionKey, StringComparison.Ordinal))
                {
                    return ("All messages of one batch request must share one PartitionKey.", events);
                }
                batchPartitionKey = partitionKey;
                events.Add(new ReceivedEvent(number, partitionId, partitionKey, bodyElement.GetString()!, properties));
                index++;
            }
        }
        return (null, events);
    }

    /// <summary>Null when the request is authorized; otherwise why not.</summary>
    private string? AuthorizationError(HttpRequest request, string hub, string authorization)
    {
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Settings.BearerToken is not null && CryptographicOperations.FixedTimeEquals(
                Encoding.UTF8.GetBytes(authorization["Bearer ".Length..]), Encoding.UTF8.GetBytes(Settings.BearerToken))
                ? null
                : "InvalidToken: the bearer token is not valid.";
        }
        if (!authorization.StartsWith("SharedAccessSignature ", StringComparison.Ordinal))
        {
            return "MissingToken: the Authorization header is missing or has an unknown scheme.";
        }
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in authorization["SharedAccessSignature ".Length..].Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !fields.TryAdd(pair[..equals], pair[(equals + 1)..]))
            {
                return "MalformedToken: a SAS field is malformed or repeated.";
            }
        }
        if (!fields.TryGetValue("sr", out var encodedResource) || !fields.TryGetValue("sig", out var encodedSignature)
            || !fields.TryGetValue("se", out var expiry) || !fields.TryGetValue("skn", out var keyName))
        {
            return "MalformedToken: sr, sig, se and skn are required.";
        }
        if (!string.Equals(WebUtility.UrlDecode(keyName), Settings.KeyName, StringComparison.Ordinal))
        {
            return "InvalidToken: unknown shared access policy.";
        }
        if (!long.TryParse(expiry, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var expiresAt)
            || expiresAt <= DateTimeOffset.UtcNow.ToUnixTimeSeconds())
        {
            return "ExpiredToken: the token has expired.";
        }
        // The service signs the sr exactly as it appears in the token.
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Settings.Key), Encoding.UTF8.GetBytes(encodedResource + "\n" + expiry));
        byte[] presented;
        try
        {
            presented = Convert.FromBase64String(WebUtility.UrlDecode(encodedSignature));
        }
        catch (FormatException)
        {
            return "MalformedToken: the signature is not base64.";
        }
        if (!CryptographicOperations.FixedTimeEquals(expected, presented))
        {
            return "InvalidSignature: the token's signature does not match.";
        }
        // The audience must be this host and the hub (or a prefix of its path, such as the namespace).
        if (!Uri.TryCreate(WebUtility.UrlDecode(encodedResource), UriKind.Absolute, out var audience)
            || !string.Equals(audience.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            || !$"/{hub}/".StartsWith(audience.AbsolutePath.TrimEnd('/') + "/", StringComparison.OrdinalIgnoreCase))
        {
            return "InvalidAudience: the token is not for this entity.";
        }
        return null;
    }

    private static string? ParseBrokerPartitionKey(string brokerProperties)
    {
        if (string.IsNullOrEmpty(brokerProperties))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(brokerProperties);
            return document.RootElement.TryGetProperty("PartitionKey", out var key) ? key.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static X509Certificate2 CreateLoopbackCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Reload from PFX so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }
}
