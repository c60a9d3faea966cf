using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ledger.Functions.Tests.Auth;
using Ledger.Ion;
using Ledger.Ion.Binary;
using Ledger.Journal;
using Ledger.Journal.Model;

namespace Ledger.Functions.Tests.Api;

/// <summary>Sends QLDBSession.SendCommand to a <see cref="HandlerHost"/> as the AWS SDK does: AWS JSON 1.0, SigV4 (service qldb).</summary>
internal sealed class SignedSessionClient(HandlerHost host, string accessKeyId, string secret)
{
    public const string Target = "QLDBSession.SendCommand";

    /// <summary>Sends a raw body; <paramref name="signWith"/> overrides the secret, and a null target leaves the header out.</summary>
    public async Task<SessionResponse> SendAsync(string jsonBody, string? target = Target, string? signWith = null, bool sign = true)
    {
        using var request = Build(jsonBody, target, signWith ?? secret, sign);
        using var response = await host.Client.SendAsync(request);
        return new SessionResponse(
            (int)response.StatusCode,
            response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.Single() : null,
            response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.Single() : null,
            response.Content.Headers.ContentType?.MediaType,
            await response.Content.ReadAsStringAsync());
    }

    public async Task<TestSession> StartSessionAsync(string ledgerName)
    {
        var response = await SendAsync($$$"""{"StartSession":{"LedgerName":"{{{ledgerName}}}"}}""");
        response.AssertOk();
        return new TestSession(this, response.Result("StartSession").GetProperty("SessionToken").GetString()!);
    }

    private HttpRequestMessage Build(string body, string? target, string signingSecret, bool sign)
    {
        var amzDate = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var message = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
        message.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", host.Client.BaseAddress!.Authority),
            new("content-type", "application/x-amz-json-1.0"),
            new("x-amz-date", amzDate),
        };
        if (target is not null)
        {
            message.Headers.TryAddWithoutValidation("X-Amz-Target", target);
            headers.Add(new("x-amz-target", target));
        }

        if (sign)
        {
            var signed = TestSigner.Sign("POST", "/", string.Empty, headers, body, accessKeyId: accessKeyId, secret: signingSecret);
            message.Headers.TryAddWithoutValidation("Authorization", signed.Header("authorization"));
        }

        return message;
    }
}

/// <summary>A session as a driver holds it: its token, and transactions that keep their CommitDigest as drivers do.</summary>
internal sealed class TestSession(SignedSessionClient client, string token)
{
    public string Token { get; } = token;

    public SignedSessionClient Client { get; } = client;

    public Task<SessionResponse> SendAsync(string command, string members = "") =>
        Client.SendAsync($$$"""{"SessionToken":"{{{Token}}}","{{{command}}}":{{{{members}}}}}""");

    public async Task<TestTransaction> BeginAsync()
    {
        var response = await SendAsync("StartTransaction");
        response.AssertOk();
        return new TestTransaction(this, response.Result("StartTransaction").GetProperty("TransactionId").GetString()!);
    }

    /// <summary>Runs the statements in one transaction and commits it; returns each statement's rows.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<IonValue>>> RunAsync(params string[] statements)
    {
        var transaction = await BeginAsync();
        var results = new List<IReadOnlyList<IonValue>>();
        foreach (var statement in statements)
        {
            results.Add(await transaction.QueryAsync(statement));
        }

        (await transaction.CommitAsync()).AssertOk();
        return results;
    }
}

/// <summary>An open transaction with the driver's running CommitDigest (qldb-compat 2).</summary>
internal sealed class TestTransaction(TestSession session, string id)
{
    private readonly CommitDigest _digest = new(id);

    public string Id { get; } = id;

    public Hash32 Digest => _digest.Value;

    /// <summary>Sends one statement with its parameters as Ion binary, folding it into the digest first as drivers do.</summary>
    public Task<SessionResponse> ExecuteAsync(string statement, params IonValue[] parameters)
    {
        _digest.AddStatement(statement, parameters);
        var holders = string.Join(",", parameters.Select(p => $$$"""{"IonBinary":"{{{Convert.ToBase64String(IonBinary.Write(p))}}}"}"""));
        return session.SendAsync("ExecuteStatement",
            $"\"TransactionId\":\"{Id}\",\"Statement\":{JsonSerializer.Serialize(statement)},\"Parameters\":[{holders}]");
    }

    /// <summary>Executes and reads every page, following NextPageToken with FetchPage.</summary>
    public async Task<IReadOnlyList<IonValue>> QueryAsync(string statement, params IonValue[] parameters)
    {
        var response = await ExecuteAsync(statement, parameters);
        response.AssertOk();
        var page = response.Result("ExecuteStatement").GetProperty("FirstPage");
        var values = new List<IonValue>(SessionResponse.Values(page));
        while (page.TryGetProperty("NextPageToken", out var next))
        {
            var fetched = await FetchAsync(next.GetString()!);
            fetched.AssertOk();
            page = fetched.Result("FetchPage").GetProperty("Page");
            values.AddRange(SessionResponse.Values(page));
        }

        return values;
    }

    public Task<SessionResponse> FetchAsync(string pageToken) =>
        session.SendAsync("FetchPage", $"\"TransactionId\":\"{Id}\",\"NextPageToken\":\"{pageToken}\"");

    public Task<SessionResponse> CommitAsync(Hash32? digest = null) =>
        session.SendAsync("CommitTransaction",
            $"\"TransactionId\":\"{Id}\",\"CommitDigest\":\"{Convert.ToBase64String((digest ?? Digest).ToArray())}\"");
}

/// <summary>What came back: status, headers that carry the protocol's error and request id, and the body.</summary>
internal sealed record SessionResponse(int Status, string? ErrorType, string? RequestId, string? ContentType, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>The <c>__type</c> of an error body.</summary>
    public string? Type => Json.TryGetProperty("__type", out var type) ? type.GetString() : null;

    public string Message => Json.GetProperty("Message").GetString()!;

    public JsonElement Result(string command) => Json.GetProperty(command);

    public void AssertOk() => Assert.True(Status == 200, $"expected 200, got {Status}: {Body}");

    /// <summary>Asserts the protocol's error shape: status, header and body agree on the type.</summary>
    public void AssertError(int status, string shortName)
    {
        Assert.True(Status == status, $"expected {status} {shortName}, got {Status}: {Body}");
        Assert.Equal(shortName, ErrorType);
        Assert.EndsWith("#" + shortName, Type);
        Assert.False(string.IsNullOrEmpty(RequestId));
        Assert.Equal("application/x-amz-json-1.0", ContentType);
    }

    /// <summary>Each value must be a standalone Ion binary stream holding one value, as the drivers load it.</summary>
    public static IEnumerable<IonValue> Values(JsonElement page)
    {
        foreach (var holder in page.GetProperty("Values").EnumerateArray())
        {
            var bytes = Convert.FromBase64String(holder.GetProperty("IonBinary").GetString()!);
            Assert.True(IonBinary.IsIonBinary(bytes), "each value starts with the Ion version marker");
            yield return IonBinary.Read(bytes);
        }
    }
}
