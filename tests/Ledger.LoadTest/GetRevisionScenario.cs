using System.Diagnostics;
using System.Globalization;
using Ledger.Azure.Core;
using Ledger.Azure.Storage;
using Ledger.Azure.Tables;
using Ledger.Engine;
using Ledger.Journal.Model;
using Ledger.Journal.Tree;
using Ledger.Tests.Shared;

/// <summary>
/// Issue 7's GetRevision figure: a journal of N blocks (a table, then one inserted document each) is written straight
/// through the journal store's batch append and node store by <see cref="SyntheticJournal"/>, as the importer does
/// (not N engine commits), then GetRevision with its proof to the tip is timed for random blocks through the engine,
/// one call at a time.
/// </summary>
internal static class GetRevisionScenario
{
    private const string LedgerName = "revisions";
    private const int PayloadBytes = 200;

    public static async Task RunAsync(StorageConnection connection, AzureStorageOptions options, int blockCount, int calls)
    {
        var ports = await AzureEnginePorts.CreateAsync(connection, TimeProvider.System, options);
        await using var engine = new LedgerEngine(ports, TimeProvider.System);
        await engine.CreateLedgerAsync(LedgerName, deletionProtection: false);
        var ledger = await ports.Ledgers.GetAsync(LedgerName) ?? throw new InvalidOperationException("the ledger was not created");
        if ((await ports.Journal.GetTipAsync(LedgerName)).Size != 0)
        {
            throw new InvalidOperationException("a new ledger is expected to have no blocks");
        }

        var build = Stopwatch.StartNew();
        // Blocks and their tree nodes, then the watermark, in the order the sequencer stores them; views are not needed
        // by GetRevision, so none are written.
        var documentIds = await SyntheticJournal.AppendAsync(ports.Journal, LedgerName, ledger.StrandId, blockCount, DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(1), PayloadBytes);
        await ports.Views.SetWatermarkAsync(LedgerName, blockCount);
        Console.WriteLine($"journal of {blockCount} blocks written in {build.Elapsed.TotalSeconds:F1} s");

        var tip = new BlockAddress(ledger.StrandId, blockCount - 1);
        var random = new Random(7);
        var latencies = new double[calls];
        var requests = options.RequestObserver as StorageRequestCounter;
        for (var i = -50; i < calls; i++)
        {
            // The first 50 warm the connection pool and the sequencer's recovery; they are not counted.
            // Block 0 creates the table; every later block inserts one document.
            var sequenceNo = 1 + random.NextInt64(blockCount - 1);
            var watch = Stopwatch.StartNew();
            var result = await engine.GetRevisionAsync(LedgerName, new BlockAddress(ledger.StrandId, sequenceNo), documentIds[(int)sequenceNo]!, tip);
            var elapsed = watch.Elapsed.TotalMilliseconds;
            if (result.Proof is null)
            {
                throw new InvalidOperationException($"no proof for block {sequenceNo}");
            }

            if (i == -1)
            {
                requests?.Reset();
            }

            if (i >= 0)
            {
                latencies[i] = elapsed;
            }
        }

        var storageRequests = requests?.Operations ?? 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GetRevision with proof, journal {blockCount} blocks, {calls} calls: ms {Percentiles(latencies)}; {(double)storageRequests / calls:F2} storage requests per call"));

        // Where a call's time goes on this store: the block read (a range query of one row) against one tree node (a
        // point read) and a point read of the block's own row (what a point-read block read would cost), each alone.
        var blockReads = new double[Math.Min(calls, 200)];
        var nodeReads = new double[blockReads.Length];
        var blockRowReads = new double[blockReads.Length];
        var nodes = ports.Journal.Nodes(LedgerName);
        var journalTable = new TableServiceClient(connection).GetTableClient(options.Prefix + "Journal");
        for (var i = 0; i < blockReads.Length; i++)
        {
            var sequenceNo = random.NextInt64(blockCount);
            var watch = Stopwatch.StartNew();
            await ports.Journal.ReadBlocksAsync(LedgerName, sequenceNo, sequenceNo + 1, 1);
            blockReads[i] = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            await nodes.GetNodesAsync([new NodeId(0, sequenceNo)]);
            nodeReads[i] = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            _ = (await journalTable.GetEntityIfExistsAsync(LedgerName, sequenceNo.ToString("D19", CultureInfo.InvariantCulture))).Value
                ?? throw new InvalidOperationException($"no row for block {sequenceNo}");
            blockRowReads[i] = watch.Elapsed.TotalMilliseconds;
        }

        Console.WriteLine($"  alone: block read (query) ms {Percentiles(blockReads)}; one node (point read) ms {Percentiles(nodeReads)}; block row (point read) ms {Percentiles(blockRowReads)}");
    }

    private static string Percentiles(double[] latencies)
    {
        Array.Sort(latencies);
        double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)(p * latencies.Length))];
        return string.Create(CultureInfo.InvariantCulture,
            $"p50 {Percentile(0.50):F2}, p95 {Percentile(0.95):F2}, p99 {Percentile(0.99):F2}, max {latencies[^1]:F2}");
    }
}
