using Ledger.Engine;
using Ledger.Functions.Hosting;
using Ledger.Functions.Invocations;

namespace Ledger.Functions.Sessions;

/// <summary>Settings of the expired-session sweep (<c>Ledger:Sessions</c>).</summary>
public sealed class SessionSweepOptions
{
    public const string SectionName = "Ledger:Sessions";

    /// <summary>
    /// Run the sweep inside the handler on a timer of its own. Default: on when the handler runs by itself (no
    /// Functions host), off under the Functions host, whose SessionSweeper timer function calls <c>POST /SessionSweeper</c>.
    /// </summary>
    public bool? LocalSweep { get; set; }

    /// <summary>How often the in-process sweep runs (the SessionSweeper timer runs every 5 minutes).</summary>
    public TimeSpan LocalSweepInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Registers the sweep of sessions that clients abandoned: the timer function and, for local runs, its in-process timer.</summary>
public static class SessionSweepHosting
{
    public static IServiceCollection AddSessionSweep(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new SessionSweepOptions();
        configuration.GetSection(SessionSweepOptions.SectionName).Bind(options);
        services.AddSingleton(options);
        services.AddSingleton<IScheduledWork, SessionSweepWork>();
        if (options.LocalSweep ?? !LocalPeriodicWork.UnderFunctionsHost(configuration))
        {
            services.AddHostedService<LocalSessionSweep>();
        }

        return services;
    }
}

/// <summary>The SessionSweeper timer function: deletes sessions past their lifetime, with their stored state.</summary>
internal sealed class SessionSweepWork(LedgerEngine engine) : IScheduledWork
{
    public string FunctionName => "SessionSweeper";

    public async Task<IReadOnlyList<string>> RunOnceAsync(InvocationRequest invocation, CancellationToken cancellationToken)
    {
        var deleted = await engine.SweepExpiredSessionsAsync(cancellationToken);
        return [$"session sweep: {deleted} expired sessions deleted"];
    }
}

/// <summary>The sweep in-process, for a handler that runs without the Functions host (the local run).</summary>
internal sealed partial class LocalSessionSweep(LedgerEngine engine, SessionSweepOptions options, ILogger<LocalSessionSweep> logger)
    : LocalPeriodicWork(options.LocalSweepInterval, logger)
{
    protected override string WorkName => "session sweep";

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var deleted = await engine.SweepExpiredSessionsAsync(cancellationToken);
        if (deleted > 0)
        {
            LogPass(logger, deleted);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session sweep: {Deleted} expired sessions deleted")]
    private static partial void LogPass(ILogger logger, int deleted);
}
