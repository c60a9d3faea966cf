using System.Net;
using global::Azure.Core;
using global::Azure.Identity;
using Ledger.Azure.Core;
using Ledger.Azure.Tables;
using Ledger.Azure.Tests.Infrastructure;

namespace Ledger.Azure.Tests.Core;

public sealed class StorageConnectionTests
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public void UseDevelopmentStorage_means_Azurite_on_the_default_ports()
    {
        var connection = StorageConnection.Parse("UseDevelopmentStorage=true");

        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), connection.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), connection.TableEndpoint);
        Assert.Equal("devstoreaccount1", connection.AccountName);
        Assert.NotNull(connection.SharedKey);
        Assert.Null(connection.TokenCredential);
    }

    [Fact]
    public void Account_key_form_builds_endpoints_from_protocol_and_suffix()
    {
        var connection = StorageConnection.Parse(
            $"DefaultEndpointsProtocol=https;AccountName=ledgerprod;AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal(new Uri("https://ledgerprod.blob.core.chinacloudapi.cn"), connection.BlobEndpoint);
        Assert.Equal(new Uri("https://ledgerprod.table.core.chinacloudapi.cn"), connection.TableEndpoint);
        Assert.Equal("ledgerprod", connection.SharedKey!.AccountName);
    }

    [Fact]
    public void Azurite_form_uses_explicit_endpoints_and_ignores_the_queue()
    {
        var connection = StorageConnection.Parse(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
            "BlobEndpoint=http://127.0.0.1:11000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:11001/devstoreaccount1;" +
            "TableEndpoint=http://127.0.0.1:11002/devstoreaccount1/;");

        Assert.Equal(new Uri("http://127.0.0.1:11000/devstoreaccount1"), connection.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:11002/devstoreaccount1"), connection.TableEndpoint);
    }

    [Fact]
    public void Without_a_key_the_token_credential_is_used()
    {
        var credential = new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);

        var connection = StorageConnection.Parse("AccountName=ledgerprod", credential);
        var fromName = StorageConnection.FromAccountName("ledgerprod", credential);

        Assert.Same(credential, connection.TokenCredential);
        Assert.Null(connection.SharedKey);
        Assert.Equal(new Uri("https://ledgerprod.table.core.windows.net"), connection.TableEndpoint);
        Assert.Equal(connection.BlobEndpoint, fromName.BlobEndpoint);
        Assert.Equal("ledgerprod", fromName.AccountName);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("AccountName=x", "no AccountKey and no token credential")]
    [InlineData("AccountName", "not 'Name=Value'")]
    [InlineData("UseDevelopmentStorage=false", "must be 'true'")]
    [InlineData("AccountName=a;AccountName=b", "more than once")]
    [InlineData("AccountKey=" + Key, "needs AccountName")]
    [InlineData("SharedAccessSignature=sv=1;BlobEndpoint=https://a.blob.core.windows.net", "not supported")]
    [InlineData("DefaultEndpointsProtocol=ftp;AccountName=a;AccountKey=" + Key, "http")]
    [InlineData("AccountName=a;AccountKey=" + Key + ";BlobEndpoint=not a uri", "BlobEndpoint")]
    public void Malformed_strings_are_rejected_with_a_reason(string connectionString, string reason)
    {
        var error = Assert.Throws<FormatException>(() => StorageConnection.Parse(connectionString));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_and_descriptions_never_contain_the_key()
    {
        const string badKey = "not!base64!secret";
        var error = Assert.Throws<FormatException>(() => StorageConnection.Parse($"AccountName=a;AccountKey={badKey}"));
        var description = StorageConnection.Parse($"AccountName=a;AccountKey={Key}").ToString();

        Assert.DoesNotContain(badKey, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..20], description, StringComparison.Ordinal);
        Assert.Contains("SharedKey", description, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_prefer_the_connection_string()
    {
        var settings = new Dictionary<string, string> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["AzureWebJobsStorage__accountName"] = "ignored" };

        var connection = StorageConnection.FromSettings(settings.GetValueOrDefault);

        Assert.Equal("devstoreaccount1", connection.AccountName);
        Assert.NotNull(connection.SharedKey);
    }

    [Fact]
    public void Identity_based_settings_use_a_managed_identity()
    {
        var settings = new Dictionary<string, string>
        {
            ["Ledger__accountName"] = "ledgerprod",
            ["Ledger__credential"] = "managedidentity",
            ["Ledger__clientId"] = "00000000-0000-0000-0000-000000000001",
        };

        var connection = StorageConnection.FromSettings(settings.GetValueOrDefault, "Ledger");

        Assert.IsType<ManagedIdentityCredential>(connection.TokenCredential);
        Assert.Null(connection.SharedKey);
        Assert.Equal(new Uri("https://ledgerprod.blob.core.windows.net"), connection.BlobEndpoint);
    }

    [Fact]
    public void Identity_based_settings_accept_explicit_service_uris()
    {
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage__blobServiceUri"] = "https://ledgerprod.blob.core.windows.net/",
            ["AzureWebJobsStorage__tableServiceUri"] = "https://ledgerprod.table.core.windows.net/",
        };

        var connection = StorageConnection.FromSettings(settings.GetValueOrDefault);

        Assert.IsType<DefaultAzureCredential>(connection.TokenCredential);
        Assert.Equal(new Uri("https://ledgerprod.table.core.windows.net"), connection.TableEndpoint);
        Assert.Equal("ledgerprod", connection.AccountName);
    }

    [Fact]
    public void Missing_settings_say_what_to_set()
    {
        var error = Assert.Throws<FormatException>(() => StorageConnection.FromSettings(_ => null));

        Assert.Contains("AzureWebJobsStorage__accountName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bearer_policy_refuses_plain_http_endpoints()
    {
        var connection = StorageConnection.FromTokenCredential(
            new Uri("http://127.0.0.1:1/acct"), new Uri("http://127.0.0.1:2/acct"), new FixedTokenCredential());

        // Azure.Core refuses to send bearer tokens without TLS; the ping reports it instead of throwing.
        var ping = await new TableServiceClient(connection).PingAsync();

        Assert.False(ping.Reachable);
        Assert.Contains("TLS", ping.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_credential_sends_a_bearer_token_for_the_storage_scope()
    {
        var credential = new FixedTokenCredential();
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Respond(HttpStatusCode.OK, "{\"value\":[]}", "application/json"));
        var options = new TableClientOptions { Transport = handler.Transport };
        var connection = StorageConnection.FromAccountName("ledgerprod", credential);

        var ping = await new TableServiceClient(connection, options).PingAsync();

        Assert.True(ping.Reachable);
        Assert.Equal("Bearer token-for-https://storage.azure.com/.default", handler.Requests.Single().Headers["Authorization"]);
        Assert.Equal("https://ledgerprod.table.core.windows.net/Tables?$top=1", handler.Requests.Single().Uri.AbsoluteUri);
    }

    private sealed class FixedTokenCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("token-for-" + string.Join(" ", requestContext.Scopes), DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
