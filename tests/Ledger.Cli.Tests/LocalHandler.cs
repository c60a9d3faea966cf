using System.Net;
using System.Net.Sockets;
using Ledger.Engine.InMemory;
using Ledger.Functions;
using Ledger.Ion;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Cli.Tests;

/// <summary>The real handler (Kestrel, production routes, SigV4 with the local development keys) on in-memory storage.</summary>
internal sealed class LocalHandler : IAsyncDisposable
{
    /// <summary>A statement containing this text waits on the handler until its request is aborted (or a minute passes).</summary>
    public const string SlowMarker = "__slow__";

    private readonly WebApplication _app;
    private int _slowRequestsAborted;

    private LocalHandler(WebApplication app, string endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public string Endpoint { get; }

    /// <summary>How many slow statements the client gave up on (their request was aborted while waiting).</summary>
    public int SlowRequestsAborted => Volatile.Read(ref _slowRequestsAborted);

    /// <summary>The handler's export bucket (in-memory storage): what ExportJournalToS3 wrote and import reads.</summary>
    public InMemoryExportBucket ExportBucket => _app.Services.GetRequiredService<InMemoryExportBucket>();

    /// <summary>Copies every object of <paramref name="bucket"/> into <paramref name="folder"/>, as a blob download would.</summary>
    public async Task DownloadAsync(string bucket, string folder)
    {
        foreach (var key in await ExportBucket.ListKeysAsync(bucket, string.Empty))
        {
            var path = Path.Combine(folder, key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, (await ExportBucket.GetObjectAsync(bucket, key))!.Value.ToArray());
        }
    }

    public async Task<string> CreateLedgerAsync()
    {
        var name = "cli" + Guid.NewGuid().ToString("N")[..10];
        var run = await Cli.RunAsync(["create-ledger", name, "--endpoint", Endpoint]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return name;
    }

    /// <summary>Creates table T with one document {a: 1}; returns the revision's block address (Ion text) and document id.</summary>
    public async Task<(string Address, string DocumentId)> InsertAsync(string ledger)
    {
        var run = await Cli.RunAsync(["shell", "--endpoint", Endpoint, "--ledger", ledger],
            "CREATE TABLE T\nINSERT INTO T {'a': 1}\nSELECT blockAddress, metadata.id FROM _ql_committed_T\n");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var committed = (IonStruct)IonText.ParseAll(run.Stdout)[^1];
        return (IonText.Write(committed["blockAddress"]!), ((IonString)committed["id"]!).Value!);
    }

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
        LocalHandler? handler = null;
        // A slow server without a slow query: the statement waits here, before the routes, until the client goes away.
        app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            context.Request.Body.Position = 0;
            if (body.Contains("ExecuteStatement", StringComparison.Ordinal) && body.Contains(SlowMarker, StringComparison.Ordinal))
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMinutes(1), context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref handler!._slowRequestsAborted);
                    return;
                }
            }

            await next(context);
        });
        app.MapLedgerRoutes();
        await app.StartAsync();
        handler = new LocalHandler(app, $"http://127.0.0.1:{port}");
        return handler;
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
