using Ledger.Functions.Auth.Credentials;

namespace Ledger.Functions.Tests.Api;

/// <summary>The ledger routes of the control plane on the real handler, signed like the AWS SDK signs.</summary>
public sealed class ControlPlaneLedgerTests : IAsyncLifetime
{
    private const string ReaderKeyId = "AKIDREADER0000000001";
    private const string ReaderSecret = "reader/secret/for/tests";

    private HandlerHost? _host;
    private SignedControlPlaneClient? _admin;
    private SignedControlPlaneClient? _reader;

    private SignedControlPlaneClient Admin => _admin!;

    public async Task InitializeAsync()
    {
        _host = await HandlerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Ledger:Storage"] = "InMemory",
            ["Ledger:AccountId"] = "123456789012",
            ["Ledger:Limits:MaxActiveLedgers"] = "1000",
            ["Ledger:Auth:UseLocalDevelopmentKeys"] = "true",
            ["Ledger:Auth:AccessKeys:0:AccessKeyId"] = ReaderKeyId,
            ["Ledger:Auth:AccessKeys:0:SecretAccessKey"] = ReaderSecret,
            ["Ledger:Auth:AccessKeys:0:Principal"] = "reader",
            ["Ledger:Auth:Principals:0:Name"] = "reader",
            ["Ledger:Auth:Principals:0:Statements:0:Actions:0"] = "qldb:DescribeLedger",
            ["Ledger:Auth:Principals:0:Statements:0:Resources:0"] = "*",
        });
        _admin = new SignedControlPlaneClient(_host, LocalDevelopmentCredentials.AccessKeyId, LocalDevelopmentCredentials.SecretAccessKey);
        _reader = new SignedControlPlaneClient(_host, ReaderKeyId, ReaderSecret);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    internal static string FreshName() => "cp-" + Guid.NewGuid().ToString("N")[..20];

    private Task<ControlPlaneResponse> CreateAsync(string name, string extra = "") =>
        Admin.PostAsync("/ledgers", $$"""{"Name":"{{name}}","PermissionsMode":"ALLOW_ALL"{{extra}}}""");

    [Fact]
    public async Task A_created_ledger_is_creating_then_active_and_listed()
    {
        var name = FreshName();

        var created = await CreateAsync(name);
        var described = await Admin.GetAsync($"/ledgers/{name}");
        var listed = await Admin.GetAsync("/ledgers");

        Assert.Equal(200, created.Status);
        Assert.NotNull(created.RequestId);
        Assert.Equal(name, created.String("Name"));
        Assert.Equal($"arn:aws:qldb:us-east-1:123456789012:ledger/{name}", created.String("Arn"));
        Assert.Equal("CREATING", created.String("State"));
        Assert.Equal("ALLOW_ALL", created.String("PermissionsMode"));
        Assert.True(created.Json.GetProperty("DeletionProtection").GetBoolean());
        Assert.InRange(created.Json.GetProperty("CreationDateTime").GetDouble(), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());

        Assert.Equal(200, described.Status);
        Assert.Equal("ACTIVE", described.String("State"));
        Assert.Equal("AWS_OWNED_KMS_KEY", described.Json.GetProperty("EncryptionDescription").GetProperty("KmsKeyArn").GetString());
        Assert.Equal("ENABLED", described.Json.GetProperty("EncryptionDescription").GetProperty("EncryptionStatus").GetString());

        Assert.Equal(200, listed.Status);
        var summary = listed.Json.GetProperty("Ledgers").EnumerateArray().Single(l => l.GetProperty("Name").GetString() == name);
        Assert.Equal("ACTIVE", summary.GetProperty("State").GetString());
    }

    [Fact]
    public async Task A_second_ledger_of_the_same_name_already_exists()
    {
        var name = FreshName();
        Assert.Equal(200, (await CreateAsync(name)).Status);

        var again = await CreateAsync(name);

        Assert.Equal(409, again.Status);
        Assert.Equal("ResourceAlreadyExistsException", again.ErrorType);
        Assert.Equal("LEDGER", again.String("ResourceType"));
        Assert.Equal(name, again.String("ResourceName"));
    }

    [Fact]
    public async Task Deletion_protection_refuses_delete_until_turned_off()
    {
        var name = FreshName();
        Assert.Equal(200, (await CreateAsync(name)).Status);

        var refused = await Admin.DeleteAsync($"/ledgers/{name}");
        var updated = await Admin.PatchAsync($"/ledgers/{name}", """{"DeletionProtection":false}""");
        var deleted = await Admin.DeleteAsync($"/ledgers/{name}");
        var gone = await Admin.GetAsync($"/ledgers/{name}");

        Assert.Equal(412, refused.Status);
        Assert.Equal("ResourcePreconditionNotMetException", refused.ErrorType);
        Assert.Equal(name, refused.String("ResourceName"));
        Assert.Equal(200, updated.Status);
        Assert.False(updated.Json.GetProperty("DeletionProtection").GetBoolean());
        Assert.False(updated.Json.TryGetProperty("PermissionsMode", out _));
        Assert.Equal(200, deleted.Status);
        Assert.Equal(string.Empty, deleted.Body);
        Assert.Equal(404, gone.Status);
        Assert.Equal("ResourceNotFoundException", gone.ErrorType);
    }

    [Fact]
    public async Task A_ledger_created_unprotected_deletes_at_once()
    {
        var name = FreshName();
        var created = await CreateAsync(name, ""","DeletionProtection":false""");

        var deleted = await Admin.DeleteAsync($"/ledgers/{name}");

        Assert.False(created.Json.GetProperty("DeletionProtection").GetBoolean());
        Assert.Equal(200, deleted.Status);
    }

    [Fact]
    public async Task The_permissions_mode_changes_to_standard()
    {
        var name = FreshName();
        Assert.Equal(200, (await CreateAsync(name)).Status);

        var updated = await Admin.PatchAsync($"/ledgers/{name}/permissions-mode", """{"PermissionsMode":"STANDARD"}""");
        var described = await Admin.GetAsync($"/ledgers/{name}");

        Assert.Equal(200, updated.Status);
        Assert.Equal("STANDARD", updated.String("PermissionsMode"));
        Assert.EndsWith($":ledger/{name}", updated.String("Arn"), StringComparison.Ordinal);
        Assert.Equal("STANDARD", described.String("PermissionsMode"));
    }

    [Theory]
    [InlineData("""{"Name":"-bad-","PermissionsMode":"ALLOW_ALL"}""", "Name")]
    [InlineData("""{"Name":"12345","PermissionsMode":"ALLOW_ALL"}""", "Name")]
    [InlineData("""{"Name":"good-name","PermissionsMode":"OPEN"}""", "PermissionsMode")]
    [InlineData("""{"Name":"good-name"}""", "PermissionsMode")]
    [InlineData("""{"Name":"good-name","PermissionsMode":"ALLOW_ALL","KmsKey":"arn:aws:kms:us-east-1:123456789012:key/1"}""", "KmsKey")]
    [InlineData("""{"Name":"good-name","PermissionsMode":"ALLOW_ALL","Tags":{"":"v"}}""", "Tags")]
    [InlineData("""{"Name":""", "Body")]
    public async Task Invalid_create_requests_name_their_parameter(string body, string parameterName)
    {
        var response = await Admin.PostAsync("/ledgers", body);

        Assert.Equal(400, response.Status);
        Assert.Equal("InvalidParameterException", response.ErrorType);
        Assert.Equal(parameterName, response.String("ParameterName"));
    }

    [Fact]
    public async Task Unknown_ledgers_are_not_found_for_every_operation()
    {
        var name = FreshName();

        var responses = new[]
        {
            await Admin.GetAsync($"/ledgers/{name}"),
            await Admin.PatchAsync($"/ledgers/{name}", """{"DeletionProtection":false}"""),
            await Admin.PatchAsync($"/ledgers/{name}/permissions-mode", """{"PermissionsMode":"STANDARD"}"""),
            await Admin.DeleteAsync($"/ledgers/{name}"),
        };

        Assert.All(responses, r =>
        {
            Assert.Equal(404, r.Status);
            Assert.Equal("ResourceNotFoundException", r.ErrorType);
            Assert.Equal(name, r.String("ResourceName"));
        });
    }

    [Fact]
    public async Task Ledgers_page_with_max_results_and_next_token()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await CreateAsync(FreshName())).Status);
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Admin.GetAsync("/ledgers?max_results=1" + (token is null ? "" : "&next_token=" + Uri.EscapeDataString(token)));
            Assert.Equal(200, page.Status);
            var ledgers = page.Json.GetProperty("Ledgers").EnumerateArray().Select(l => l.GetProperty("Name").GetString()!).ToList();
            Assert.Single(ledgers);
            seen.AddRange(ledgers);
            token = page.Json.TryGetProperty("NextToken", out var next) ? next.GetString() : null;
            pages++;
        }
        while (token is not null && pages < 1000);

        Assert.True(seen.Count >= 3);
        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal([.. seen.Order(StringComparer.Ordinal)], seen);
    }

    [Theory]
    [InlineData("/ledgers?max_results=0", "MaxResults")]
    [InlineData("/ledgers?max_results=101", "MaxResults")]
    [InlineData("/ledgers?next_token=%21%21%21%21", "NextToken")]
    [InlineData("/ledgers?next_token=AAAAA", "NextToken")]
    public async Task Invalid_list_parameters_are_refused(string pathAndQuery, string parameterName)
    {
        var response = await Admin.GetAsync(pathAndQuery);

        Assert.Equal(400, response.Status);
        Assert.Equal("InvalidParameterException", response.ErrorType);
        Assert.Equal(parameterName, response.String("ParameterName"));
    }

    [Fact]
    public async Task Unsigned_and_wrongly_signed_requests_are_refused_before_any_change()
    {
        var name = FreshName();
        using var unsignedRequest = new HttpRequestMessage(HttpMethod.Post, "/ledgers")
        {
            Content = new StringContent($$"""{"Name":"{{name}}","PermissionsMode":"ALLOW_ALL"}""", System.Text.Encoding.UTF8, "application/json"),
        };

        using var unsigned = await _host!.Client.SendAsync(unsignedRequest);
        var wrong = await Admin.SendAsync(HttpMethod.Post, "/ledgers", $$"""{"Name":"{{name}}","PermissionsMode":"ALLOW_ALL"}""", secretOverride: "not-the-secret");
        var described = await Admin.GetAsync($"/ledgers/{name}");

        Assert.Equal(403, (int)unsigned.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", unsigned.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal(403, wrong.Status);
        Assert.Equal("InvalidSignatureException", wrong.ErrorType);
        Assert.Equal(404, described.Status);
    }

    [Fact]
    public async Task A_principal_without_the_action_is_denied_and_changes_nothing()
    {
        var name = FreshName();
        Assert.Equal(200, (await CreateAsync(name)).Status);

        var described = await _reader!.GetAsync($"/ledgers/{name}");
        var deniedUpdate = await _reader.PatchAsync($"/ledgers/{name}", """{"DeletionProtection":false}""");
        var deniedCreate = await _reader.PostAsync("/ledgers", $$"""{"Name":"{{FreshName()}}","PermissionsMode":"ALLOW_ALL"}""");
        var after = await Admin.GetAsync($"/ledgers/{name}");

        Assert.Equal(200, described.Status);
        Assert.Equal(403, deniedUpdate.Status);
        Assert.Equal("AccessDeniedException", deniedUpdate.ErrorType);
        Assert.Contains("qldb:UpdateLedger", deniedUpdate.String("Message"), StringComparison.Ordinal);
        Assert.Equal(403, deniedCreate.Status);
        Assert.True(after.Json.GetProperty("DeletionProtection").GetBoolean());
    }
}
