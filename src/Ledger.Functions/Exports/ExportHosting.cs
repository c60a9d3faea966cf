using Ledger.Azure.Storage;
using Ledger.Engine;
using Ledger.Engine.Exports;
using Ledger.Engine.InMemory;
using Ledger.Engine.Ports;
using Ledger.Functions.Hosting;
using Ledger.Functions.Invocations;
using Microsoft.Extensions.Options;

namespace Ledger.Functions.Exports;

/// <summary>Settings of the journal export worker (<c>Ledger:Exports</c>).</summary>
public sealed class ExportHostOptions
{
    public const string SectionName = "Ledger:Exports";

    /// <summary>
    /// Run the worker inside the handler on a timer of its own. Default: on when the handler runs by itself (no
    /// Functions host), off under the Functions host, whose ExportWorker timer function calls <c>POST /ExportWorker</c>.
    /// </summary>
    public bool? LocalWorker { get; set; }

    /// <summary>How often the in-process worker runs.</summary>
    public TimeSpan LocalWorkerInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Registers journal exports: the export store (Azure Table, or memory with in-memory storage), the Blob target that
/// is also the source imports and offline verification read, the service and the ExportWorker work.
/// </summary>
public static class ExportHosting
{
    public static IServiceCollection AddLedgerExports(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new ExportHostOptions();
        configuration.GetSection(ExportHostOptions.SectionName).Bind(options);
        services.AddSingleton(options);

        services.AddStoreByStorageKind<IJournalExportStore, InMemoryJournalExportStore>(
            configuration, (connection, storage) => new TableJournalExportStore(connection, storage));
        if (StorageKindServices.UsesInMemoryStorage(configuration))
        {
            services.AddSingleton<InMemoryExportBucket>();
            services.AddSingleton<IExportTarget>(provider => provider.GetRequiredService<InMemoryExportBucket>());
            services.AddSingleton<IExportSource>(provider => provider.GetRequiredService<InMemoryExportBucket>());
        }
        else
        {
            services.AddSingleton(provider => new BlobExportTarget(StorageConnectionFactory.Create(provider.GetRequiredService<IOptions<LedgerHostOptions>>().Value)));
            services.AddSingleton<IExportTarget>(provider => provider.GetRequiredService<BlobExportTarget>());
            services.AddSingleton<IExportSource>(provider => provider.GetRequiredService<BlobExportTarget>());
        }

        services.AddSingleton(provider => new JournalExports(
            provider.GetRequiredService<IJournalExportStore>(),
            provider.GetRequiredService<EnginePorts>(),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IScheduledWork, ExportWorkerWork>();

        if (options.LocalWorker ?? !LocalPeriodicWork.UnderFunctionsHost(configuration))
        {
            services.AddHostedService<LocalExportWorker>();
        }

        return services;
    }
}

/// <summary>The ExportWorker timer function: one pass over every export in progress.</summary>
internal sealed class ExportWorkerWork(JournalExports exports, IExportTarget target) : IScheduledWork
{
    public string FunctionName => "ExportWorker";

    public async Task<IReadOnlyList<string>> RunOnceAsync(InvocationRequest invocation, CancellationToken cancellationToken)
    {
        var results = await exports.RunAllAsync(target, cancellationToken: cancellationToken);
        if (results.Count == 0)
        {
            return ["export worker: no journal exports are in progress"];
        }

        return [.. results.Select(r => $"export {r.ExportId}: {ExportStatusName(r.Status)}, {r.ObjectsWritten} objects ({r.BytesWritten} bytes) written, next block {r.NextSequenceNo?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "not located"}")];
    }

    internal static string ExportStatusName(JournalExportStatus status) => status switch
    {
        JournalExportStatus.InProgress => "IN_PROGRESS",
        JournalExportStatus.Completed => "COMPLETED",
        _ => "CANCELLED",
    };
}

/// <summary>The worker in-process, for a handler that runs without the Functions host (the local run).</summary>
internal sealed partial class LocalExportWorker(JournalExports exports, IExportTarget target, ExportHostOptions options, ILogger<LocalExportWorker> logger)
    : LocalPeriodicWork(options.LocalWorkerInterval, logger)
{
    private readonly LoggedProgress _progress = new(logger);

    protected override string WorkName => "export worker";

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        foreach (var result in await exports.RunAllAsync(target, _progress, cancellationToken))
        {
            if (result.ObjectsWritten > 0 || result.Status is not JournalExportStatus.InProgress)
            {
                LogPass(logger, result.ExportId, ExportWorkerWork.ExportStatusName(result.Status), result.ObjectsWritten, result.BytesWritten);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId}: {Status}, {Objects} objects ({Bytes} bytes) written this pass")]
    private static partial void LogPass(ILogger logger, string exportId, string status, int objects, long bytes);

    // The progress indicator of long exports: one line per data object.
    private sealed partial class LoggedProgress(ILogger logger) : IProgress<ExportProgress>
    {
        public void Report(ExportProgress value) =>
            LogProgress(logger, value.ExportId, value.NextSequenceNo, value.JournalSize, value.ObjectsWritten, value.BytesWritten);

        [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId}: block {NextSequenceNo} of {JournalSize}, {Objects} objects, {Bytes} bytes")]
        private static partial void LogProgress(ILogger logger, string exportId, long nextSequenceNo, long journalSize, int objects, long bytes);
    }
}
