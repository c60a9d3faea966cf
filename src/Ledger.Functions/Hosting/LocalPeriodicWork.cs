namespace Ledger.Functions.Hosting;

/// <summary>
/// Background work that a timer function does under the Functions host (stream pump, export worker), run in-process
/// on a timer of its own when the handler runs by itself (the local run). A failed pass is logged and the next tick
/// tries again, since every pass resumes from durable checkpoints.
/// </summary>
internal abstract partial class LocalPeriodicWork(TimeSpan interval, ILogger logger) : BackgroundService
{
    /// <summary>Whether the Functions host started the handler (it then drives the work through timer functions).</summary>
    public static bool UnderFunctionsHost(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[ListenAddress.CustomHandlerPortVariable]);

    /// <summary>What the work is called in logs.</summary>
    protected abstract string WorkName { get; }

    /// <summary>One pass.</summary>
    protected abstract Task RunPassAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await RunPassAsync(stoppingToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                // A storage hiccup must not stop the work for good: the next tick resumes from the checkpoints.
                LogFailure(logger, WorkName, failure);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A {Work} pass failed; it resumes on the next tick")]
    private static partial void LogFailure(ILogger logger, string work, Exception failure);
}
