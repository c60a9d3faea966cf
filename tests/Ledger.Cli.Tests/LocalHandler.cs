using System.Net;
using System.Net.Sockets;
using Ledger.Functions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Ledger.Cli.Tests;

/// <summary>The real handler (Kestrel, production routes, SigV4 with the local development keys) on in-memory storage.</summary>
internal sealed class LocalHandler : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalHandler(WebApplication app, string endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public string Endpoint { get; }

    public static async Task<LocalHandler> StartAsync()
    {
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Ledger.Functions" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ledger:Storage"] = "InMemory",
            ["Ledger:Auth:UseLocalDevelopmentKeys"] = "true",
            ["Ledger:LocalUrl"] = $"http://127.0.0.1:{port}",
            [Functions.Hosting.ListenAddress.CustomHandlerPortVariable] = null,
        });
        builder.ConfigureLedgerHost();
        var app = builder.Build();
        app.MapLedgerRoutes();
        await app.StartAsync();
        return new LocalHandler(app, $"http://127.0.0.1:{port}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
