using Ledger.Functions.Api;
using Ledger.Functions.Auth;
using Ledger.Functions.Exports;
using Ledger.Functions.Health;
using Ledger.Functions.Hosting;
using Ledger.Functions.Invocations;
using Ledger.Functions.Sessions;
using Ledger.Functions.Streams;
using Microsoft.Extensions.Logging.Console;

namespace Ledger.Functions;

/// <summary>Service registration and routing for the custom handler.</summary>
public static class HostSetup
{
    public static WebApplicationBuilder ConfigureLedgerHost(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Structured logs: the Functions host captures stdout as information and stderr as errors.
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(options =>
        {
            options.IncludeScopes = false;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            options.UseUtcTimestamp = true;
        });
        // Framework request chatter stays out of the Functions log unless configured otherwise.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Error);

        builder.Services.Configure<LedgerHostOptions>(builder.Configuration.GetSection(LedgerHostOptions.SectionName));
        var hostOptions = builder.Configuration.GetSection(LedgerHostOptions.SectionName).Get<LedgerHostOptions>()
            ?? new LedgerHostOptions();
        var endpoint = ListenAddress.Resolve(
            builder.Configuration[ListenAddress.CustomHandlerPortVariable], hostOptions.LocalUrl);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endpoint));

        builder.Services.AddProblemDetails();
        builder.Services.AddLedgerAuth(builder.Configuration);
        builder.Services.AddLedgerEngine(builder.Configuration);
        builder.Services.AddSingleton<NativeSessionPool>();
        builder.Services.AddLedgerStreams(builder.Configuration);
        builder.Services.AddLedgerExports(builder.Configuration);
        builder.Services.AddSessionSweep(builder.Configuration);
        builder.Services.AddLedgerHealth();
        builder.Services.AddScheduledFunctions();
        return builder;
    }

    public static WebApplication MapLedgerRoutes(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // The Functions host polls GET / until the handler answers; any response means ready.
        app.MapGet("/", () => TypedResults.Ok(new { service = "Ledger.Serverless" }));
        app.MapHealthApi();
        app.MapSessionApi();
        app.MapNativeApi();
        app.MapControlPlaneApi();
        app.MapJournalRecordsApi();
        app.MapScheduledFunctions();
        return app;
    }
}
