using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Ledger.Azure.Core;
using Ledger.Azure.Storage;
using Ledger.Azure.Tables;
using Ledger.Engine;
using Ledger.Ion;
using Ledger.Ion.Binary;
using Ledger.Journal.Model;

// Load on Azurite: single-insert transactions through the engine on the Azure ports with concurrent writers, and
// the raw Table rates for entities of the same shape (the ceiling the engine's storage round trips are held to).
// Usage: dotnet run -c Release --project tests/Ledger.LoadTest -- [--writers 64] [--seconds 20] [--mode engine|raw|both]
//        ... -- --mode stream [--rate 500] [--seconds 20] [--pump-ms 500] [--storage azurite|memory]   (issue 9: stream latency)
//        ... -- --mode revision [--blocks 100000] [--calls 2000]   (issue 7: GetRevision with proof on a big journal)
var writers = Option("--writers", 64);
var seconds = Option("--seconds", 20);
var mode = OptionText("--mode", "both");
var connection = StorageConnection.ForDevelopmentStorage(
    Option("--blob-port", EnvironmentPort("AZURITE_BLOB_PORT", 10000)), Option("--table-port", EnvironmentPort("AZURITE_TABLE_PORT", 10002)));
var options = new AzureStorageOptions("load" + Guid.NewGuid().ToString("N")[..10]);
Console.WriteLine($"Azurite {connection.TableEndpoint}, {writers} writers, {seconds} s per run, {Environment.ProcessorCount} cores, prefix {options.Prefix}");
try
{
    byte[] blockBytes = [];
    if (mode is "engine" or "both")
    {
        blockBytes = await RunEngineAsync(connection, options, writers, TimeSpan.FromSeconds(seconds), Option("--engines", 1));
    }

    if (mode is "stream")
    {
        await StreamScenario.RunAsync(connection, options, OptionText("--storage", "azurite") == "azurite", Option("--rate", 500), TimeSpan.FromSeconds(seconds), TimeSpan.FromMilliseconds(Option("--pump-ms", 500)));
    }

    if (mode is "revision")
    {
        await GetRevisionScenario.RunAsync(connection, options, Option("--blocks", 100_000), Option("--calls", 2000));
    }

    if (mode is "raw" or "both")
    {
        if (blockBytes.Length == 0)
        {
            blockBytes = new byte[900];
        }

        await RunRawAsync(connection, options, writers, TimeSpan.FromSeconds(seconds), blockBytes);
    }
}
finally
{
    await AzureEnginePorts.DeleteAllAsync(connection, options);
}

return 0;

// --engines N: N engines with their own ports over the same storage, writers spread over them (several handler
// instances of one ledger; every instance sequences, docs/engine.md "Several instances").
static async Task<byte[]> RunEngineAsync(StorageConnection connection, AzureStorageOptions options, int writers, TimeSpan duration, int engineCount)
{
    var ports = await AzureEnginePorts.CreateAsync(connection, TimeProvider.System, options);
    await using var engine = new LedgerEngine(ports, TimeProvider.System);
    var others = Enumerable.Range(1, Math.Max(0, engineCount - 1)).Select(_ => new LedgerEngine(AzureEnginePorts.Create(connection, TimeProvider.System, options), TimeProvider.System)).ToList();
    LedgerEngine[] engines = [engine, .. others];
    const string ledger = "load";
    await engine.CreateLedgerAsync(ledger, deletionProtection: false);
    var setup = await engine.StartSessionAsync(ledger);
    await CommitAsync(engine, setup, "CREATE TABLE Orders", []);
    await CommitAsync(engine, setup, "CREATE INDEX ON Orders (orderId)", []);

    var latencies = new ConcurrentBag<double>();
    var failures = new ConcurrentDictionary<string, int>();
    var stopwatch = Stopwatch.StartNew();
    var deadline = stopwatch.Elapsed + duration;
    var sessions = await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => engine.StartSessionAsync(ledger)));
    await Task.WhenAll(sessions.Select((session, writer) => Task.Run(async () =>
    {
        var writerEngine = engines[writer % engines.Length];
        for (var n = 0; stopwatch.Elapsed < deadline; n++)
        {
            var document = IonStruct.Of(
                new IonField("orderId", IonString.Of($"w{writer}-{n}")),
                new IonField("customer", IonString.Of("customer-" + (n % 97).ToString(CultureInfo.InvariantCulture))),
                new IonField("amount", IonInt.Of(n * 7 % 1000)),
                new IonField("lines", IonList.Of(Enumerable.Range(0, 5).Select(i => (IonValue)IonString.Of("item-" + i.ToString(CultureInfo.InvariantCulture))))));
            var started = stopwatch.Elapsed;
            try
            {
                await CommitAsync(writerEngine, session, "INSERT INTO Orders ?", [document]);
                latencies.Add((stopwatch.Elapsed - started).TotalMilliseconds);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.AddOrUpdate(e.GetType().Name, 1, (_, count) => count + 1);
            }
        }
    })));
    var elapsed = stopwatch.Elapsed;
    Report($"engine: single-insert transactions, {writers} writers on {engines.Length} engine(s)", latencies.Count, elapsed, [.. latencies]);
    foreach (var other in others)
    {
        await other.DisposeAsync();
    }

    foreach (var (type, count) in failures)
    {
        Console.WriteLine($"  failed: {count} x {type}");
    }

    var tip = await ports.Journal.GetTipAsync(ledger);
    var last = (await ports.Journal.ReadBlocksAsync(ledger, tip.Size - 1, tip.Size, 1)).Blocks[0];
    var audit = await JournalAudit.VerifyAsync(ports.Journal, ledger);
    Console.WriteLine($"  journal: {tip.Size} blocks, audit: {audit}");
    return IonBinary.Write(last.ToIon(includeSystemRevisionData: true));
}

static async Task CommitAsync(LedgerEngine engine, string session, string statement, IonValue[] parameters)
{
    var transactionId = await engine.StartTransactionAsync(session);
    await engine.ExecuteStatementAsync(session, transactionId, statement, parameters);
    var digest = new CommitDigest(transactionId);
    digest.AddStatement(statement, parameters);
    await engine.CommitTransactionAsync(session, transactionId, digest.Value);
}

// The journal entity of a block (Hash, Chunks, D0) as the engine stores it, written three ways: one insert per
// request by every writer, and entity group transactions of 10 and 100 into one partition, as a group commit does.
static async Task RunRawAsync(StorageConnection connection, AzureStorageOptions options, int writers, TimeSpan duration, byte[] blockBytes)
{
    var table = new TableServiceClient(connection).GetTableClient(options.Prefix + "Raw");
    await table.CreateIfNotExistsAsync();
    var hash = new byte[32];
    TableEntity Entity(string partition, long row) => new(partition, row.ToString("D19", CultureInfo.InvariantCulture))
    {
        ["Hash"] = hash,
        ["Chunks"] = 1,
        ["D0"] = blockBytes,
    };

    Console.WriteLine($"raw: entities shaped like a journal block entity ({blockBytes.Length} bytes of block Ion)");
    long next = 0;
    foreach (var (label, concurrency, batchSize) in new[] { ($"single inserts, {writers} writers", writers, 1), ("batches of 10, 1 writer", 1, 10), ("batches of 100, 1 writer", 1, 100), ($"batches of 100, {writers} writers (own partitions)", writers, 100) })
    {
        var latencies = new ConcurrentBag<double>();
        var stopwatch = Stopwatch.StartNew();
        var deadline = stopwatch.Elapsed + duration;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(writer => Task.Run(async () =>
        {
            var partition = batchSize == 1 ? "single" : $"batch{batchSize}-{writer}";
            while (stopwatch.Elapsed < deadline)
            {
                var started = stopwatch.Elapsed;
                if (batchSize == 1)
                {
                    await table.AddEntityAsync(Entity(partition, Interlocked.Increment(ref next)));
                }
                else
                {
                    var transaction = new TableTransaction();
                    for (var i = 0; i < batchSize; i++)
                    {
                        transaction.AddEntity(Entity(partition, Interlocked.Increment(ref next)));
                    }

                    await table.SubmitTransactionAsync(transaction);
                }

                latencies.Add((stopwatch.Elapsed - started).TotalMilliseconds);
            }
        })));
        var elapsed = stopwatch.Elapsed;
        Report($"raw: {label}", latencies.Count * batchSize, elapsed, [.. latencies], batchSize == 1 ? "entities" : $"entities ({latencies.Count} requests)");
    }

    await table.DeleteAsync();
}

static void Report(string label, long count, TimeSpan elapsed, double[] latencies, string unit = "transactions")
{
    Array.Sort(latencies);
    double Percentile(double p) => latencies.Length == 0 ? double.NaN : latencies[Math.Min(latencies.Length - 1, (int)(p * latencies.Length))];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{label}: {count} {unit} in {elapsed.TotalSeconds:F1} s = {count / elapsed.TotalSeconds:F1}/s; latency ms p50 {Percentile(0.50):F1}, p95 {Percentile(0.95):F1}, p99 {Percentile(0.99):F1}, max {(latencies.Length == 0 ? double.NaN : latencies[^1]):F1}"));
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

string OptionText(string name, string fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}

static int EnvironmentPort(string variable, int fallback) =>
    Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
