using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Ledger.Client.SigV4;
using Ledger.Functions.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Functions.Tests.Auth;

/// <summary>The endpoint filters on a real Kestrel server, signed the way an SDK signs over HTTP.</summary>
public sealed class LedgerAuthHttpTests : IAsyncLifetime
{
    private const int BodyLimit = 1024;
    private WebApplication? _app;
    private HttpClient? _client;
    private int _port;

    public async Task InitializeAsync()
    {
        _port = HandlerHost.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _port));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ledger:Auth:AccessKeys:0:AccessKeyId"] = TestSigner.AccessKeyId,
            ["Ledger:Auth:AccessKeys:0:SecretAccessKey"] = TestSigner.Secret,
            ["Ledger:Auth:AccessKeys:0:Principal"] = "app",
            ["Ledger:Auth:ApiKeys:0:Key"] = "native-key",
            ["Ledger:Auth:ApiKeys:0:Principal"] = "native",
        });
        builder.Services.AddLedgerAuth(builder.Configuration);
        _app = builder.Build();
        var echo = new Func<HttpContext, Task<string>>(EchoAsync);
        _app.MapPost("/", echo).RequireSigV4(SignedProtocol.QldbSession, BodyLimit);
        _app.MapGet("/tags/{arn}", echo).RequireSigV4(SignedProtocol.QldbControlPlane);
        _app.MapGet("/native", echo).RequireApiKey();
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    // The handler sees the principal and can still read the whole body after the filter read it.
    private static async Task<string> EchoAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var principal = context.GetLedgerPrincipal()!;
        return $"{principal.Name}/{principal.Scheme}/{body.Length}";
    }

    private HttpRequestMessage Signed(HttpMethod method, string pathAndQuery, string body, string secret = TestSigner.Secret)
    {
        var amzDate = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var message = new HttpRequestMessage(method, pathAndQuery);
        if (method != HttpMethod.Get)
        {
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
        }

        message.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        message.Headers.TryAddWithoutValidation("X-Amz-Target", "QLDBSession.SendCommand");
        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", $"127.0.0.1:{_port}"),
            new("x-amz-date", amzDate),
            new("x-amz-target", "QLDBSession.SendCommand"),
        };
        if (method != HttpMethod.Get)
        {
            headers.Add(new("content-type", "application/x-amz-json-1.0"));
        }

        var queryStart = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var signed = TestSigner.Sign(method.Method,
            queryStart < 0 ? pathAndQuery : pathAndQuery[..queryStart],
            queryStart < 0 ? "" : pathAndQuery[(queryStart + 1)..], headers, body, secret: secret);
        message.Headers.TryAddWithoutValidation("Authorization", signed.Header("authorization"));
        return message;
    }

    [Fact]
    public async Task A_signed_session_request_reaches_the_handler_with_its_principal_and_body()
    {
        const string body = """{"StartSession":{"LedgerName":"vehicles"}}""";

        using var response = await _client!.SendAsync(Signed(HttpMethod.Post, "/", body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"app/SigV4/{body.Length}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_signed_control_plane_request_with_an_encoded_path_and_query_verifies()
    {
        using var response = await _client!.SendAsync(Signed(HttpMethod.Get,
            "/tags/arn%3Aaws%3Aqldb%3Aus-east-1%3A123456789012%3Aledger%2Fvehicles?tagKeys=b&tagKeys=a%20c", ""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_signature_is_refused_in_the_session_protocol_shape()
    {
        using var response = await _client!.SendAsync(Signed(HttpMethod.Post, "/", "{}", secret: "wrong"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidSignatureException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.StartsWith("""{"__type":"com.amazon.coral.service#InvalidSignatureException","Message":"The request signature""",
            await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(response.Headers.GetValues("x-amzn-RequestId"));
    }

    [Fact]
    public async Task An_unsigned_session_request_is_missing_authentication()
    {
        using var response = await _client!.PostAsync(new Uri("/", UriKind.Relative), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", response.Headers.GetValues("x-amzn-ErrorType").Single());
    }

    [Fact]
    public async Task An_oversize_body_is_a_bad_request_before_any_handler_runs()
    {
        var body = $$$"""{"StartSession":{"LedgerName":"{{{new string('a', BodyLimit)}}}"}}""";

        using var response = await _client!.SendAsync(Signed(HttpMethod.Post, "/", body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("""{"__type":"com.amazonaws.qldbsession#BadRequestException","Message":"The request body exceeds the limit of 1024 bytes."}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unsigned_control_plane_request_is_a_403_with_a_message_body()
    {
        using var response = await _client!.GetAsync(new Uri("/tags/x", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("""{"Message":"Missing Authentication Token"}""", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Authorization", "Bearer native-key", true)]
    [InlineData("x-api-key", "native-key", true)]
    [InlineData("Authorization", "Bearer wrong", false)]
    [InlineData("x-api-key", "", false)]
    public async Task Native_endpoints_take_an_api_key(string header, string value, bool accepted)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/native");
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await _client!.SendAsync(request);

        if (accepted)
        {
            Assert.Equal("native/ApiKey/0", await response.Content.ReadAsStringAsync());
        }
        else
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.DoesNotContain("wrong", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Registration_fails_at_start_up_on_incomplete_keys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ledger:Auth:AccessKeys:0:AccessKeyId"] = "AKIA",
        }).Build();

        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddLedgerAuth(configuration));
    }

    [Fact]
    public void Signed_request_parts_come_from_the_raw_target()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/tags/arn:aws";
        context.Request.QueryString = new QueryString("?a=1");
        context.Request.Headers.Host = "h";

        var request = LedgerAuth.ToSigV4Request(context, []);

        Assert.Equal(("GET", "/tags/arn:aws", "a=1", "h"), (request.Method, request.RawPath, request.RawQuery, request.Header("host")));
        Assert.Equal(SigV4Signer.EmptyBodySha256, Convert.ToHexStringLower(request.BodySha256.Span));
    }

    [Fact]
    public void A_configured_forwarded_host_header_stands_in_for_a_rewritten_host()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/";
        context.Request.Headers.Host = "127.0.0.1:7071";
        context.Request.Headers["X-Forwarded-Host"] = "ledger.example.net";

        Assert.Equal("ledger.example.net", LedgerAuth.ToSigV4Request(context, [], "X-Forwarded-Host").Header("host"));
        Assert.Equal("127.0.0.1:7071", LedgerAuth.ToSigV4Request(context, []).Header("host"));
        Assert.Equal("127.0.0.1:7071", LedgerAuth.ToSigV4Request(context, [], "X-Original-Host").Header("host"));
    }
}
