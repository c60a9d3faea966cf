using System.Net;
using System.Text;
using System.Text.Json;

namespace Ledger.Functions.Tests;

/// <summary>The handler over real HTTP, against the Azurite that the test command starts.</summary>
public class HandlerHttpTests
{
    [Fact]
    public async Task Root_answers_so_the_functions_host_sees_the_handler_ready()
    {
        await using var host = await HandlerHost.StartAsync();

        using var response = await host.Client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Health_reports_version_and_reachable_storage()
    {
        LocalAzurite.EnsureRunning();
        await using var host = await HandlerHost.StartAsync();

        using var response = await host.Client.GetAsync(new Uri("/health", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = body.RootElement;
        Assert.Equal("healthy", root.GetProperty("status").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+", root.GetProperty("version").GetString());
        Assert.True(root.GetProperty("storage").GetProperty("table").GetProperty("reachable").GetBoolean());
        Assert.True(root.GetProperty("storage").GetProperty("blob").GetProperty("reachable").GetBoolean());
    }

    [Fact]
    public async Task Health_is_503_with_the_reason_when_storage_does_not_answer()
    {
        var closedPort = HandlerHost.FreePort();
        var unreachable = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            $"AccountKey={LocalAzurite.AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{closedPort}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{closedPort}/devstoreaccount1;";
        await using var host = await HandlerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Ledger:StorageConnectionString"] = unreachable,
        });

        using var response = await host.Client.GetAsync(new Uri("/health", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var table = body.RootElement.GetProperty("storage").GetProperty("table");
        Assert.False(table.GetProperty("reachable").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(table.GetProperty("error").GetString()));
    }

    [Theory]
    [InlineData("StreamPump")]
    [InlineData("ExportWorker")]
    [InlineData("SessionSweeper")]
    public async Task Timer_invocation_gets_an_invocation_response(string functionName)
    {
        await using var host = await HandlerHost.StartAsync();
        using var content = new StringContent(InvocationPayloadTests.TimerPayload, Encoding.UTF8, "application/json");

        using var response = await host.Client.PostAsync(new Uri($"/{functionName}", UriKind.Relative), content);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(JsonValueKind.Object, body.RootElement.GetProperty("Outputs").ValueKind);
        Assert.NotEqual(0, body.RootElement.GetProperty("Logs").GetArrayLength());
        Assert.True(body.RootElement.TryGetProperty("ReturnValue", out _));
    }

    [Fact]
    public async Task Malformed_invocation_payload_is_a_400_problem()
    {
        await using var host = await HandlerHost.StartAsync();
        using var content = new StringContent("{not json", Encoding.UTF8, "application/json");

        using var response = await host.Client.PostAsync(new Uri("/StreamPump", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invocation payload", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }
}
