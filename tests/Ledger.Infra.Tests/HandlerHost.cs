using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ledger.Functions;
using Ledger.Functions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Ledger.Infra.Tests;

/// <summary>
/// The real handler in-process, started the way the Functions host starts it: FUNCTIONS_CUSTOMHANDLER_PORT
/// names a loopback port. Storage is never touched by these tests (the health probe is not called).
/// </summary>
internal sealed class HandlerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HandlerHost(WebApplication app, int port)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(20) };
    }

    public HttpClient Client { get; }

    public static async Task<HandlerHost> StartAsync()
    {
        var port = FreeLoopbackPort();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(Program).Assembly.GetName().Name,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ListenAddress.CustomHandlerPortVariable] = port.ToString(CultureInfo.InvariantCulture),
            ["Ledger:LocalUrl"] = "http://127.0.0.1:1",
        });
        builder.ConfigureLedgerHost();
        var app = builder.Build();
        app.MapLedgerRoutes();
        await app.StartAsync();
        return new HandlerHost(app, port);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
