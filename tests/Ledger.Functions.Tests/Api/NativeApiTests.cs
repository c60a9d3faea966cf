using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ledger.Functions.Api;
using Ledger.Functions.Auth.Credentials;
using Ledger.Ion;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Functions.Tests.Api;

/// <summary>The native JSON/Ion API on the real handler: API keys, one-statement and multi-statement transactions.</summary>
public sealed class NativeApiTests : IAsyncLifetime
{
    private const string ReaderKey = "native-reader-key-for-tests";

    private HandlerHost? _host;

    private HandlerHost Host => _host!;

    public async Task InitializeAsync() => _host = await HandlerHost.StartAsync(new Dictionary<string, string?>
    {
        ["Ledger:Storage"] = "InMemory",
        ["Ledger:Limits:MaxActiveLedgers"] = "1000",
        ["Ledger:Limits:PageSize"] = "2",
        ["Ledger:Auth:UseLocalDevelopmentKeys"] = "true",
        ["Ledger:Auth:ApiKeys:0:Key"] = ReaderKey,
        ["Ledger:Auth:ApiKeys:0:Principal"] = "native-reader",
        ["Ledger:Auth:Principals:0:Name"] = "native-reader",
        ["Ledger:Auth:Principals:0:Statements:0:Actions:0"] = "qldb:SendCommand",
        ["Ledger:Auth:Principals:0:Statements:0:Actions:1"] = "qldb:PartiQLSelect",
        ["Ledger:Auth:Principals:0:Statements:0:Resources:0"] = "arn:aws:qldb:*:*:ledger/*",
    });

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    private Task<string> CreateLedgerAsync(string permissionsMode = "ALLOW_ALL") =>
        SessionHostFixture.CreateLedgerAsync(Host, "n-", permissionsMode);

    private async Task<(HttpStatusCode Status, string? ContentType, string Body)> PostAsync(
        string path, string body, string? apiKey = LocalDevelopmentCredentials.ApiKey, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }

        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        using var response = await Host.Client.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private Task<(HttpStatusCode Status, string? ContentType, string Body)> StatementAsync(string ledger, string statement, string parameters = "[]", string? apiKey = LocalDevelopmentCredentials.ApiKey) =>
        PostAsync($"/ledgers/{ledger}/statements", $$$"""{"statement":{{{JsonSerializer.Serialize(statement)}}},"parameters":{{{parameters}}}}""", apiKey);

    private static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement;

    [Fact]
    public async Task A_statement_commits_on_its_own_and_returns_its_values_as_json()
    {
        var ledger = await CreateLedgerAsync();

        var created = await StatementAsync(ledger, "CREATE TABLE Cars");
        var inserted = await StatementAsync(ledger, "INSERT INTO Cars ?", """[{"VIN":"1N4AL11D75C109151","Price":15000.50,"Owners":["a","b"]}]""");
        var selected = await StatementAsync(ledger, "SELECT c.VIN, c.Price, c.Owners FROM Cars AS c WHERE c.VIN = ?", """["1N4AL11D75C109151"]""");

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Matches("^[A-Za-z0-9]{22}$", Json(created.Body).GetProperty("values")[0].GetProperty("tableId").GetString());
        Assert.Equal(HttpStatusCode.OK, inserted.Status);
        var insert = Json(inserted.Body);
        Assert.Matches("^[A-Za-z0-9]{22}$", insert.GetProperty("transactionId").GetString());
        Assert.Equal(32, Convert.FromBase64String(insert.GetProperty("commitDigest").GetString()!).Length);
        Assert.True(insert.GetProperty("blockAddress").GetProperty("sequenceNo").GetInt64() > 0);
        Assert.Equal(HttpStatusCode.OK, selected.Status);
        Assert.Equal("application/json", selected.ContentType);
        Assert.Equal("""[{"VIN":"1N4AL11D75C109151","Price":15000.50,"Owners":["a","b"]}]""",
            Json(selected.Body).GetProperty("values").GetRawText());
    }

    [Fact]
    public async Task Ion_in_and_ion_out_keep_every_ion_type()
    {
        var ledger = await CreateLedgerAsync();
        await StatementAsync(ledger, "CREATE TABLE People");

        var inserted = await PostAsync($"/ledgers/{ledger}/statements",
            """{statement: "INSERT INTO People ?", parameters: [{name: "Raul", DOB: 1963-08-19T, kind: driver, rate: 1.50}]}""",
            contentType: "application/ion");
        var selected = await PostAsync($"/ledgers/{ledger}/statements", """{"statement":"SELECT * FROM People"}""", accept: "application/ion");

        Assert.Equal(HttpStatusCode.OK, inserted.Status);
        Assert.Equal(HttpStatusCode.OK, selected.Status);
        Assert.Equal("application/ion", selected.ContentType);
        var values = (IonList)((IonStruct)IonText.Parse(selected.Body))["values"]!;
        Assert.Equal(IonText.Parse("{name: \"Raul\", DOB: 1963-08-19T, kind: driver, rate: 1.50}"), Assert.Single(values));
    }

    [Fact]
    public async Task A_transaction_commits_all_its_statements_or_none()
    {
        var ledger = await CreateLedgerAsync();
        await StatementAsync(ledger, "CREATE TABLE T");

        var committed = await PostAsync($"/ledgers/{ledger}/transactions", """
            {"statements":[
              {"statement":"INSERT INTO T ?","parameters":[[{"n":1},{"n":2},{"n":3}]]},
              {"statement":"SELECT VALUE t.n FROM T AS t"}
            ]}
            """);
        var failed = await PostAsync($"/ledgers/{ledger}/transactions", """
            {"statements":[
              {"statement":"INSERT INTO T ?","parameters":[{"n":4}]},
              {"statement":"SELEKT nonsense"}
            ]}
            """);
        var after = await StatementAsync(ledger, "SELECT VALUE t.n FROM T AS t");

        Assert.Equal(HttpStatusCode.OK, committed.Status);
        var results = Json(committed.Body).GetProperty("results");
        Assert.Equal(3, results[0].GetProperty("values").GetArrayLength());
        // Three values across two pages of the engine (page size 2): the API follows the page token.
        Assert.Equal([1, 2, 3], results[1].GetProperty("values").EnumerateArray().Select(v => v.GetInt32()).Order());
        Assert.Equal(HttpStatusCode.BadRequest, failed.Status);
        Assert.Equal("application/problem+json", failed.ContentType);
        Assert.StartsWith("statements[1]: ", Json(failed.Body).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], Json(after.Body).GetProperty("values").EnumerateArray().Select(v => v.GetInt32()).Order());
    }

    [Fact]
    public async Task Concurrent_conflicting_transactions_are_retried_until_each_commits()
    {
        const int contenders = 4;
        var ledger = await CreateLedgerAsync();
        await StatementAsync(ledger, "CREATE TABLE Counter");
        await StatementAsync(ledger, "INSERT INTO Counter ?", """[{"name":"hits","n":0}]""");

        // Each loss means another contender committed, so with 4 of them nobody loses more than 3 times.
        var responses = await Task.WhenAll(Enumerable.Range(0, contenders).Select(_ => PostAsync($"/ledgers/{ledger}/transactions", """
            {"statements":[
              {"statement":"SELECT c.n FROM Counter AS c WHERE c.name = 'hits'"},
              {"statement":"UPDATE Counter AS c SET c.n = c.n + 1 WHERE c.name = 'hits'"}
            ]}
            """)));
        var final = await StatementAsync(ledger, "SELECT VALUE c.n FROM Counter AS c");

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.Status));
        Assert.Equal(contenders, Json(final.Body).GetProperty("values")[0].GetInt32());
    }

    [Fact]
    public async Task Requests_without_a_valid_api_key_are_unauthorized()
    {
        var ledger = await CreateLedgerAsync();

        var missing = await StatementAsync(ledger, "CREATE TABLE T", apiKey: null);
        var wrong = await StatementAsync(ledger, "CREATE TABLE T", apiKey: "not-a-key");
        var tables = await StatementAsync(ledger, "SELECT VALUE name FROM information_schema.user_tables");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal("[]", Json(tables.Body).GetProperty("values").GetRawText());
    }

    [Fact]
    public async Task In_a_standard_ledger_the_key_principal_needs_the_statement_permission()
    {
        var ledger = await CreateLedgerAsync("STANDARD");
        await StatementAsync(ledger, "CREATE TABLE Cars");
        await StatementAsync(ledger, "INSERT INTO Cars ?", """[{"VIN":"v1","Color":"Red"}]""");

        var read = await StatementAsync(ledger, "SELECT VALUE c.Color FROM Cars AS c", apiKey: ReaderKey);
        var update = await StatementAsync(ledger, "UPDATE Cars AS c SET c.Color = 'Blue'", apiKey: ReaderKey);
        var after = await StatementAsync(ledger, "SELECT VALUE c.Color FROM Cars AS c");

        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal("""["Red"]""", Json(read.Body).GetProperty("values").GetRawText());
        Assert.Equal(HttpStatusCode.Forbidden, update.Status);
        Assert.Contains("qldb:PartiQLUpdate", Json(update.Body).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("""["Red"]""", Json(after.Body).GetProperty("values").GetRawText());
    }

    [Theory]
    [InlineData("{\"statement\":", "application/json", "not a single valid JSON value")]
    [InlineData("{\"parameters\":[]}", "application/json", "'statement' of the body must be a non-empty string")]
    [InlineData("{\"statement\":\"SELECT 1\",\"parameters\":{}}", "application/json", "'parameters' of the body must be a list")]
    [InlineData("[1,2]", "application/json", "must be an object")]
    [InlineData("{statement: ", "application/ion", "not a single valid Ion value (line")]
    public async Task Malformed_bodies_are_bad_requests(string body, string contentType, string detailPart)
    {
        var ledger = await CreateLedgerAsync();

        var refused = await PostAsync($"/ledgers/{ledger}/statements", body, contentType: contentType);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains(detailPart, Json(refused.Body).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Back_to_back_statements_share_one_engine_session_and_a_failed_one_ends_its_own()
    {
        var ledger = await CreateLedgerAsync();
        var sessions = Host.Services.GetRequiredService<Engine.EnginePorts>().Sessions;
        var pool = Host.Services.GetRequiredService<NativeSessionPool>();
        Task<int> ActiveAsync() => sessions.CountActiveAsync(ledger, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(15)).AsTask();

        Assert.Equal(HttpStatusCode.OK, (await StatementAsync(ledger, "CREATE TABLE Pooled")).Status);
        for (var n = 0; n < 5; n++)
        {
            Assert.Equal(HttpStatusCode.OK, (await StatementAsync(ledger, "INSERT INTO Pooled ?", $$"""[{"n":{{n}}}]""")).Status);
        }

        var afterInserts = await ActiveAsync();
        var failed = await StatementAsync(ledger, "SELECT * FROM NoSuchTable");
        var afterFailure = await ActiveAsync();
        var selected = await StatementAsync(ledger, "SELECT COUNT(*) AS n FROM Pooled");

        Assert.Equal(1, afterInserts);
        Assert.Equal(HttpStatusCode.BadRequest, failed.Status);
        Assert.Equal(0, afterFailure);
        Assert.Equal(HttpStatusCode.OK, selected.Status);
        Assert.Equal(5, Json(selected.Body).GetProperty("values")[0].GetProperty("n").GetInt32());
        Assert.Equal(1, pool.IdleCount(ledger));
    }

    [Fact]
    public async Task A_pooled_session_ended_behind_the_pools_back_is_replaced_and_the_statement_commits()
    {
        var ledger = await CreateLedgerAsync();
        var engine = Host.Services.GetRequiredService<Engine.LedgerEngine>();
        var pool = Host.Services.GetRequiredService<NativeSessionPool>();
        Assert.Equal(HttpStatusCode.OK, (await StatementAsync(ledger, "CREATE TABLE Stale")).Status);
        var pooled = await pool.RentAsync(ledger, CancellationToken.None);
        await engine.EndSessionAsync(pooled.Token);
        await pool.ReturnAsync(pooled);

        var inserted = await StatementAsync(ledger, "INSERT INTO Stale ?", """[{"a":1}]""");

        Assert.True(pooled.Reused);
        Assert.Equal(HttpStatusCode.OK, inserted.Status);
        Assert.Equal(1, pool.IdleCount(ledger));
    }

    [Fact]
    public async Task An_unknown_ledger_is_not_found()
    {
        var refused = await StatementAsync("no-such-ledger", "SELECT * FROM T");

        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        Assert.Equal("ResourceNotFoundException", Json(refused.Body).GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_openapi_document_describes_both_routes_and_every_reference_resolves()
    {
        using var response = await Host.Client.GetAsync(new Uri("/openapi.json", UriKind.Relative));
        var document = Json(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths");
        Assert.True(paths.GetProperty("/ledgers/{name}/statements").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/ledgers/{name}/transactions").TryGetProperty("post", out _));
        Assert.Equal("x-api-key", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("apiKey").GetProperty("name").GetString());
        foreach (var reference in References(document))
        {
            var target = reference["#/".Length..].Split('/').Aggregate(document, (node, segment) => node.GetProperty(segment));
            Assert.NotEqual(JsonValueKind.Undefined, target.ValueKind);
        }
    }

    private static IEnumerable<string> References(JsonElement node) => node.ValueKind switch
    {
        JsonValueKind.Object => node.EnumerateObject().SelectMany(property =>
            property.Name == "$ref" ? [property.Value.GetString()!] : References(property.Value)),
        JsonValueKind.Array => node.EnumerateArray().SelectMany(References),
        _ => [],
    };
}
