using System.Diagnostics;
using System.Globalization;
using Ledger.Azure.Blobs;
using Ledger.Azure.Core;
using Ledger.Azure.Storage;
using Ledger.Engine;
using Ledger.Engine.Exports;
using Ledger.Engine.InMemory;
using Ledger.Engine.Ports;
using Ledger.Tests.Shared;

namespace Ledger.Benchmarks;

/// <summary>
/// The export load tool: writes a synthetic journal into in-memory engine ports, exports it in each format to memory
/// or to Azurite's Blob service with a progress line, verifies the export offline, and prints MB/s.
/// <c>dotnet run -c Release --project tests/Ledger.Benchmarks -- export-load [--blocks 20000] [--payload 1024] [--target memory|azurite]</c>.
/// </summary>
public static class ExportLoad
{
    private const string Prefix = "load/";

    public static async Task<int> RunAsync(string[] args)
    {
        var blocks = IntOption(args, "--blocks", 20_000);
        var payload = IntOption(args, "--payload", 1024);
        var toAzurite = Option(args, "--target") is "azurite";
        var start = new DateTimeOffset(2026, 11, 22, 4, 0, 0, TimeSpan.Zero);
        var clock = new FixedClock(start + TimeSpan.FromDays(1));
        var ports = EnginePorts.InMemory(clock);
        var ledger = new LedgerRecord("load", LedgerState.Active, start, "ALLOW_ALL", false, "KmA3ZZca7vAIiJAK9S5Iwl");
        await ports.Ledgers.TryCreateAsync(ledger);
        var watch = Stopwatch.StartNew();
        await SyntheticJournal.AppendAsync(ports.Journal, ledger.Name, ledger.StrandId, blocks, start, TimeSpan.FromSeconds(1), payload);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"journal: {blocks} blocks of ~{payload} B payload written in {watch.Elapsed.TotalSeconds:F1} s"));

        var container = "load-" + Guid.NewGuid().ToString("N")[..12];
        var (target, source, cleanup) = await TargetAsync(toAzurite, container);
        try
        {
            foreach (var format in new[] { JournalExportFormat.IonText, JournalExportFormat.IonBinary, JournalExportFormat.Json })
            {
                var exports = new JournalExports(new InMemoryJournalExportStore(), ports, clock);
                var export = await exports.ExportAsync(new ExportRequest(ledger.Name, start, start + TimeSpan.FromSeconds(blocks), container, Prefix + format + "/", OutputFormat: format));
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                watch.Restart();
                var pass = await exports.RunAsync(export, target, new ProgressLine(watch));
                var seconds = watch.Elapsed.TotalSeconds;
                var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                Console.WriteLine();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"export {format}: {pass.Status}, {pass.ObjectsWritten} objects, {pass.BytesWritten / 1e6:F1} MB in {seconds:F2} s = {pass.BytesWritten / 1e6 / seconds:F1} MB/s wall, {pass.BytesWritten / 1e6 / cpuSeconds:F1} MB per CPU-second"));

                watch.Restart();
                var verification = await ExportVerifier.VerifyAsync(source, container, Prefix + format + "/", export.ExportId);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"verify {format}: {verification} in {watch.Elapsed.TotalSeconds:F2} s = {pass.BytesWritten / 1e6 / watch.Elapsed.TotalSeconds:F1} MB/s"));
                if (!verification.IsValid)
                {
                    return 1;
                }
            }
        }
        finally
        {
            await cleanup();
        }

        return 0;
    }

    private static async Task<(IExportTarget Target, IExportSource Source, Func<Task> Cleanup)> TargetAsync(bool toAzurite, string container)
    {
        if (!toAzurite)
        {
            var bucket = new InMemoryExportBucket();
            return (bucket, bucket, () => Task.CompletedTask);
        }

        var connection = StorageConnection.ForDevelopmentStorage(10000, 10002);
        var blobs = new BlobServiceClient(connection).GetBlobContainerClient(container);
        await blobs.CreateIfNotExistsAsync();
        var target = new BlobExportTarget(connection);
        return (target, target, async () => await blobs.DeleteIfExistsAsync());
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int IntOption(string[] args, string name, int fallback) =>
        Option(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    // The progress indicator: one line rewritten after every data object.
    private sealed class ProgressLine(Stopwatch watch) : IProgress<ExportProgress>
    {
        public void Report(ExportProgress value)
        {
            var percent = value.JournalSize == 0 ? 100 : 100.0 * value.NextSequenceNo / value.JournalSize;
            Console.Write(string.Create(CultureInfo.InvariantCulture, $"\r  block {value.NextSequenceNo}/{value.JournalSize} ({percent:F0}%), {value.ObjectsWritten} objects, {value.BytesWritten / 1e6:F1} MB, {value.BytesWritten / 1e6 / Math.Max(watch.Elapsed.TotalSeconds, 1e-3):F1} MB/s   "));
        }
    }
}
