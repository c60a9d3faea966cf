using System.Net;
using Ledger.Functions.Hosting;

namespace Ledger.Functions.Tests;

public class ListenAddressTests
{
    [Fact]
    public void Custom_handler_port_wins_and_binds_loopback()
    {
        var endpoint = ListenAddress.Resolve("54321", "http://127.0.0.1:7071");

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 54321), endpoint);
    }

    [Fact]
    public void Local_url_is_used_when_the_host_sets_no_port()
    {
        var endpoint = ListenAddress.Resolve(null, "http://127.0.0.1:7071");

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7071), endpoint);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("-5")]
    public void Malformed_custom_handler_port_is_refused_with_the_variable_name(string port)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ListenAddress.Resolve(port, "http://127.0.0.1:7071"));

        Assert.Contains("FUNCTIONS_CUSTOMHANDLER_PORT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_http_local_url_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => ListenAddress.Resolve(null, "ftp://127.0.0.1:21"));
    }
}
