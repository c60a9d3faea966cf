using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Ledger.Azure.Core;
using Ledger.Azure.Storage;
using Ledger.Engine;
using Ledger.Engine.Model;
using Ledger.Engine.Ports;
using Ledger.Ion;
using Ledger.Journal;
using Ledger.Journal.Model;
using Ledger.Journal.Tree;
using JournalBlock = Ledger.Engine.Model.JournalBlock;

/// <summary>
/// Issue 7's GetRevision figure: a journal of N blocks (one inserted document each) is written straight through the
/// journal store's batch append and node store, as the importer does (not N engine commits), then GetRevision with
/// its proof to the tip is timed for random blocks through the engine, one call at a time.
/// </summary>
internal static class GetRevisionScenario
{
    private const string LedgerName = "revisions";
    private const string TableId = "RevisionsTable00000000";
    private const int AppendBatch = 100;

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
        var documentIds = await WriteJournalAsync(ports, ledger.StrandId, blockCount);
        Console.WriteLine($"journal of {blockCount} blocks written in {build.Elapsed.TotalSeconds:F1} s");

        var tip = new BlockAddress(ledger.StrandId, blockCount - 1);
        var random = new Random(7);
        var latencies = new double[calls];
        for (var i = -50; i < calls; i++)
        {
            // The first 50 warm the connection pool and the sequencer's recovery; they are not counted.
            var sequenceNo = random.NextInt64(blockCount);
            var watch = Stopwatch.StartNew();
            var result = await engine.GetRevisionAsync(LedgerName, new BlockAddress(ledger.StrandId, sequenceNo), documentIds[sequenceNo], tip);
            var elapsed = watch.Elapsed.TotalMilliseconds;
            if (result.Proof is null)
            {
                throw new InvalidOperationException($"no proof for block {sequenceNo}");
            }

            if (i >= 0)
            {
                latencies[i] = elapsed;
            }
        }

        Array.Sort(latencies);
        double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)(p * latencies.Length))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GetRevision with proof, journal {blockCount} blocks, {calls} calls: ms p50 {Percentile(0.50):F2}, p95 {Percentile(0.95):F2}, p99 {Percentile(0.99):F2}, max {latencies[^1]:F2}"));
    }

    // Blocks, their tree nodes, then the watermark, in the order the sequencer stores them; views are not needed by
    // GetRevision, so none are written.
    private static async Task<string[]> WriteJournalAsync(EnginePorts ports, string strandId, int blockCount)
    {
        var tree = new JournalTreeAppender();
        var documentIds = new string[blockCount];
        var statementTime = QldbTime.ToTimestamp(DateTimeOffset.UtcNow);
        const string statement = "INSERT INTO Revisions ?";
        var statements = ImmutableArray.Create(new StatementRecord(statement, statementTime, CommitDigest.StatementDigest(statement)));
        Hash32? previous = null;
        var batch = new List<JournalBlock>(AppendBatch);
        var pendingNodes = new List<Task>();
        for (long sequenceNo = 0; sequenceNo < blockCount; sequenceNo++)
        {
            var documentId = QldbId.New();
            documentIds[sequenceNo] = documentId;
            var transactionId = QldbId.New();
            var data = IonStruct.Of(
                new IonField("n", IonInt.Of(sequenceNo)),
                new IonField("customer", IonString.Of("customer-" + (sequenceNo % 97).ToString(CultureInfo.InvariantCulture))));
            var revision = DocumentRevision.Create(TableId, documentId, 0, data, statementTime, transactionId, strandId, sequenceNo);
            var block = JournalBlock.Build(
                strandId, sequenceNo, transactionId, statementTime, previous, statements,
                [new DocumentTouch(documentId, "Revisions", TableId, [0])], [], [revision]);
            previous = block.Hashes.BlockHash;
            batch.Add(block);
            if (batch.Count == AppendBatch || sequenceNo == blockCount - 1)
            {
                if (await ports.Journal.TryAppendAsync(LedgerName, batch) is not AppendOutcome.Appended)
                {
                    throw new InvalidOperationException($"append of blocks up to {sequenceNo} was refused");
                }

                // Node writes of different batches do not depend on each other; a few in flight hide Azurite's latency.
                pendingNodes.Add(ports.Journal.AddNodesAsync(LedgerName, [.. batch.SelectMany(b => tree.Append(b.Hashes.BlockHash))]).AsTask());
                if (pendingNodes.Count >= 8)
                {
                    await Task.WhenAll(pendingNodes);
                    pendingNodes.Clear();
                }

                batch.Clear();
            }
        }

        await Task.WhenAll(pendingNodes);
        await ports.Views.SetWatermarkAsync(LedgerName, blockCount);
        return documentIds;
    }
}
