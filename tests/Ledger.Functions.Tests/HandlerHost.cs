using System.Net;
using System.Net.Sockets;
using Ledger.Azure.Core;
using Ledger.Azure.Storage;

namespace Ledger.Functions.Tests;

/// <summary>The real handler (Kestrel, the production routes) on a free loopback port, for HTTP tests.</summary>
internal sealed class HandlerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _storagePrefix;

    private HandlerHost(WebApplication app, Uri baseAddress, string storagePrefix)
    {
        _app = app;
        _storagePrefix = storagePrefix;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    /// <summary>The handler's services, for tests that set up state the HTTP API under test does not write.</summary>
    public IServiceProvider Services => _app.Services;

    public static async Task<HandlerHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(Program).Assembly.GetName().Name,
        });
        // Each host gets tables and containers of its own on the shared Azurite; they are deleted on dispose.
        var storagePrefix = "fn" + Guid.NewGuid().ToString("N")[..12];
        var configuration = new Dictionary<string, string?>
        {
            ["Ledger:LocalUrl"] = $"http://127.0.0.1:{port}",
            ["Ledger:StoragePrefix"] = storagePrefix,
            ["Ledger:StorageConnectionString"] = LocalAzurite.ConnectionString,
            [Hosting.ListenAddress.CustomHandlerPortVariable] = null,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.ConfigureLedgerHost();
        var app = builder.Build();
        app.MapLedgerRoutes();
        await app.StartAsync();
        return new HandlerHost(app, new Uri($"http://127.0.0.1:{port}"), storagePrefix);
    }

    public static int FreePort()
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
        await AzureEnginePorts.DeleteAllAsync(StorageConnection.Parse(LocalAzurite.ConnectionString), new AzureStorageOptions(_storagePrefix));
    }
}
