using Ledger.Azure.EventHubs;

namespace Ledger.Azure.Tests.EventHubs;

public sealed class EventHubsConnectionTests
{
    private const string ConnectionString =
        "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abc+/def=;EntityPath=ledger-stream";

    [Fact]
    public void Connection_string_gives_the_https_endpoint_hub_and_key()
    {
        var connection = EventHubsConnection.Parse(ConnectionString);

        Assert.Equal(new Uri("https://contoso.servicebus.windows.net/"), connection.Endpoint);
        Assert.Equal("ledger-stream", connection.HubName);
        Assert.Equal(new Uri("https://contoso.servicebus.windows.net/ledger-stream"), connection.HubUri);
        Assert.Equal("send", connection.SharedAccessKey!.KeyName);
        Assert.Null(connection.TokenCredential);
    }

    [Fact]
    public void Hub_name_is_taken_from_the_argument_when_EntityPath_is_absent()
    {
        var connection = EventHubsConnection.Parse(
            "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=k", "other");

        Assert.Equal("other", connection.HubName);
    }

    [Theory]
    [InlineData("SharedAccessKeyName=send;SharedAccessKey=k;EntityPath=h", "Endpoint")]
    [InlineData("Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKey=k;EntityPath=h", "SharedAccessKeyName")]
    [InlineData("Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=k", "EntityPath")]
    [InlineData("Endpoint=sb://localhost;SharedAccessKeyName=send;SharedAccessKey=k;EntityPath=h;UseDevelopmentEmulator=true", "AMQP")]
    [InlineData("Endpoint=sb://x/;SharedAccessKeyName=send;SharedAccessKey=k;SharedAccessKey=k2;EntityPath=h", "more than once")]
    public void Incomplete_connection_strings_are_rejected_without_echoing_the_key(string connectionString, string expected)
    {
        var error = Assert.Throws<FormatException>(() => EventHubsConnection.Parse(connectionString));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SharedAccessKey=k", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mismatched_EntityPath_and_hub_name_are_rejected()
    {
        Assert.Throws<FormatException>(() => EventHubsConnection.Parse(ConnectionString, "another-hub"));
    }

    [Fact]
    public void Endpoint_override_keeps_hub_and_key_and_ToString_hides_the_key()
    {
        var connection = EventHubsConnection.Parse(ConnectionString).WithEndpoint(new Uri("http://127.0.0.1:5000"));

        Assert.Equal(new Uri("http://127.0.0.1:5000/ledger-stream"), connection.HubUri);
        Assert.Equal("send", connection.SharedAccessKey!.KeyName);
        Assert.DoesNotContain("abc+/def=", connection.ToString(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => connection.WithEndpoint(new Uri("sb://contoso.servicebus.windows.net/")));
    }

    [Fact]
    public void Namespace_with_token_credential_uses_https()
    {
        var connection = EventHubsConnection.FromNamespace("contoso.servicebus.windows.net", "ledger-stream", new FixedTokenCredential("t"));

        Assert.Equal(new Uri("https://contoso.servicebus.windows.net/ledger-stream"), connection.HubUri);
        Assert.Null(connection.SharedAccessKey);
        Assert.NotNull(connection.TokenCredential);
    }
}
