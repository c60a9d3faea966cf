using System.Net;
using System.Text;
using Ledger.Azure.EventHubs;

namespace Ledger.Azure.Tests.EventHubs;

/// <summary>The contract endpoint itself must refuse what the service refuses, or the producer tests prove nothing.</summary>
public sealed class FakeEventHubsEndpointTests
{
    private const string BatchContentType = "application/vnd.microsoft.servicebus.json";

    private static async Task<HttpResponseMessage> PostAsync(FakeEventHubsEndpoint fake, string path, string? authorization, string body, string contentType = BatchContentType)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fake.BaseUri, path)) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        return await client.SendAsync(request);
    }

    private static string Token(FakeEventHubsEndpoint fake, DateTimeOffset expiresOn, string? resource = null, string? key = null) =>
        SharedAccessSignature.CreateToken(resource ?? new Uri(fake.BaseUri, fake.Settings.HubName).AbsoluteUri, fake.Settings.KeyName, key ?? fake.Settings.Key, expiresOn);

    [Fact]
    public async Task Valid_token_and_batch_are_accepted_with_201_and_api_version_is_optional()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        var token = Token(fake, DateTimeOffset.UtcNow.AddMinutes(5));

        using var plain = await PostAsync(fake, "ledger-stream/messages", token, "[{\"Body\":\"a\"}]");
        using var versioned = await PostAsync(fake, "ledger-stream/messages?timeout=60&api-version=2014-01", token, "[{\"Body\":\"b\",\"UserProperties\":{\"n\":1}}]");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (plain.StatusCode, versioned.StatusCode));
        Assert.Equal(["a", "b"], fake.Events.Select(e => e.Body));
        Assert.Equal("1", fake.Events[1].UserProperties["n"]);
    }

    [Fact]
    public async Task Namespace_scoped_tokens_cover_the_hub()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();

        using var response = await PostAsync(fake, "ledger-stream/messages", Token(fake, DateTimeOffset.UtcNow.AddMinutes(5), fake.BaseUri.AbsoluteUri), "[{\"Body\":\"a\"}]");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public static TheoryData<string, string> Unauthorized => new()
    {
        { "expired", "ExpiredToken" },
        { "wrong key", "InvalidSignature" },
        { "other hub", "InvalidAudience" },
        { "missing", "MissingToken" },
        { "bearer", "InvalidToken" },
        { "tampered expiry", "InvalidSignature" },
    };

    [Theory]
    [MemberData(nameof(Unauthorized))]
    public async Task Bad_credentials_get_401(string kind, string code)
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        var valid = Token(fake, DateTimeOffset.UtcNow.AddMinutes(5));
        var authorization = kind switch
        {
            "expired" => Token(fake, DateTimeOffset.UtcNow.AddSeconds(-1)),
            "wrong key" => Token(fake, DateTimeOffset.UtcNow.AddMinutes(5), key: "other-key"),
            "other hub" => Token(fake, DateTimeOffset.UtcNow.AddMinutes(5), new Uri(fake.BaseUri, "other-hub").AbsoluteUri),
            "missing" => null,
            "bearer" => "Bearer anything",
            _ => valid.Replace("&se=", "&se=9", StringComparison.Ordinal),
        };

        using var response = await PostAsync(fake, "ledger-stream/messages", authorization, "[{\"Body\":\"a\"}]");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(code, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(fake.Events);
    }

    [Theory]
    [InlineData("ledger-stream/messages", "[{\"Body\":\"a\",\"BrokerProperties\":{\"PartitionKey\":\"x\"}},{\"Body\":\"b\",\"BrokerProperties\":{\"PartitionKey\":\"y\"}}]")]
    [InlineData("ledger-stream/messages", "[{\"Body\":\"a\",\"BrokerProperties\":{\"PartitionKey\":\"x\"}},{\"Body\":\"b\"}]")]
    [InlineData("ledger-stream/partitions/1/messages", "[{\"Body\":\"a\",\"BrokerProperties\":{\"PartitionKey\":\"x\"}}]")]
    [InlineData("ledger-stream/messages", "[{\"Body\":42}]")]
    [InlineData("ledger-stream/messages", "[]")]
    [InlineData("ledger-stream/messages", "{\"Body\":\"a\"}")]
    [InlineData("ledger-stream/messages", "[{\"Body\":\"a\",\"UserProperties\":{\"n\":[1]}}]")]
    [InlineData("ledger-stream/messages", "not json")]
    public async Task Malformed_batches_and_mixed_partition_keys_get_400(string path, string body)
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();

        using var response = await PostAsync(fake, path, Token(fake, DateTimeOffset.UtcNow.AddMinutes(5)), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(fake.Events);
    }

    [Fact]
    public async Task Oversized_bodies_get_413_and_unknown_hubs_404()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync(new FakeEventHubsSettings { MaxBodyBytes = 100 });
        var token = Token(fake, DateTimeOffset.UtcNow.AddMinutes(5), fake.BaseUri.AbsoluteUri);

        using var tooLarge = await PostAsync(fake, "ledger-stream/messages", token, "[{\"Body\":\"" + new string('a', 100) + "\"}]");
        using var unknown = await PostAsync(fake, "nope/messages", token, "[{\"Body\":\"a\"}]");

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.NotFound), (tooLarge.StatusCode, unknown.StatusCode));
    }

    [Fact]
    public async Task Single_event_bodies_take_the_partition_key_from_BrokerProperties()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fake.BaseUri, "ledger-stream/messages")) { Content = new StringContent("{\"x\":1}", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", Token(fake, DateTimeOffset.UtcNow.AddMinutes(5)));
        request.Headers.TryAddWithoutValidation("BrokerProperties", "{\"PartitionKey\":\"acct-42\"}");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var received = Assert.Single(fake.Events);
        Assert.Equal(("{\"x\":1}", "acct-42"), (received.Body, received.PartitionKey));
    }

    [Fact]
    public async Task Scripted_failures_answer_in_order_with_Retry_After_then_clear()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        fake.FailNext(1, 503, TimeSpan.FromSeconds(2));
        fake.FailNext(1, 401);
        var token = Token(fake, DateTimeOffset.UtcNow.AddMinutes(5));

        using var busy = await PostAsync(fake, "ledger-stream/messages", token, "[{\"Body\":\"a\"}]");
        using var denied = await PostAsync(fake, "ledger-stream/messages", token, "[{\"Body\":\"a\"}]");
        using var ok = await PostAsync(fake, "ledger-stream/messages", token, "[{\"Body\":\"a\"}]");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), busy.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Single(fake.Events);
    }
}
