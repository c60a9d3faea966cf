using Ledger.Azure.Storage;
using Ledger.Engine;
using Ledger.Engine.InMemory;
using Ledger.Engine.Ports;
using Ledger.Engine.Streams;
using Ledger.Functions.Hosting;
using Ledger.Functions.Invocations;

namespace Ledger.Functions.Streams;

/// <summary>Settings of the journal stream pump (<c>Ledger:Streams</c>).</summary>
public sealed class StreamHostOptions
{
    public const string SectionName = "Ledger:Streams";

    /// <summary>
    /// Run the pump inside the handler on a timer of its own. Default: on when the handler runs by itself (no
    /// Functions host), off under the Functions host, whose StreamPump timer function calls <c>POST /StreamPump</c>.
    /// </summary>
    public bool? LocalPump { get; set; }

    /// <summary>How often the in-process pump runs.</summary>
    public TimeSpan LocalPumpInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>Registers journal streams: the stream store, the service, the destination sinks and the pump.</summary>
public static class StreamHosting
{
    public static IServiceCollection AddLedgerStreams(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new StreamHostOptions();
        configuration.GetSection(StreamHostOptions.SectionName).Bind(options);
        services.AddSingleton(options);

        // Streams live beside the engine's state: in memory with the in-memory ports, else in Table storage.
        services.AddStoreByStorageKind<IJournalStreamStore, InMemoryJournalStreamStore>(
            configuration, (connection, storage) => new TableJournalStreamStore(connection, storage));
        services.AddSingleton(provider => new JournalStreams(
            provider.GetRequiredService<IJournalStreamStore>(),
            provider.GetRequiredService<EnginePorts>(),
            provider.GetRequiredService<TimeProvider>()));
        var eventHubs = new EventHubsOptions();
        configuration.GetSection(EventHubsOptions.SectionName).Bind(eventHubs);
        services.AddSingleton<IStreamSinkFactory>(new ConfiguredStreamSinkFactory(eventHubs, configuration["Ledger:ManagedIdentityClientId"]));
        services.AddSingleton<IScheduledWork, StreamPumpWork>();

        if (options.LocalPump ?? !LocalPeriodicWork.UnderFunctionsHost(configuration))
        {
            services.AddHostedService<LocalStreamPump>();
        }

        return services;
    }
}

/// <summary>The StreamPump timer function: one pump pass over every live stream.</summary>
internal sealed class StreamPumpWork(JournalStreams streams, IStreamSinkFactory sinks) : IScheduledWork
{
    public string FunctionName => "StreamPump";

    public async Task<IReadOnlyList<string>> RunOnceAsync(InvocationRequest invocation, CancellationToken cancellationToken)
    {
        var results = await streams.PumpAllAsync(sinks.SinkFor, cancellationToken);
        if (results.Count == 0)
        {
            return ["stream pump: no live journal streams"];
        }

        return results
            .Select(r => $"stream {r.StreamId}: {r.Status.ToString().ToUpperInvariant()}, {r.RecordsSent} records in {r.EventsSent} events, next block {r.NextSequenceNo}")
            .ToList();
    }
}

/// <summary>The pump in-process, for a handler that runs without the Functions host (the local run).</summary>
internal sealed partial class LocalStreamPump(JournalStreams streams, IStreamSinkFactory sinks, StreamHostOptions options, ILogger<LocalStreamPump> logger)
    : LocalPeriodicWork(options.LocalPumpInterval, logger)
{
    protected override string WorkName => "stream pump";

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        foreach (var result in await streams.PumpAllAsync(sinks.SinkFor, cancellationToken))
        {
            if (result.RecordsSent > 0 || result.Status is JournalStreamStatus.Impaired)
            {
                LogPass(logger, result.StreamId, result.Status, result.RecordsSent, result.NextSequenceNo);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {StreamId}: {Status}, {Records} records sent, next block {NextSequenceNo}")]
    private static partial void LogPass(ILogger logger, string streamId, JournalStreamStatus status, int records, long nextSequenceNo);
}
