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
//        [--engines 1] [--rate 0]   (--rate N: the writers start N transactions per second in all, 0 = back to back)
//        ... -- --mode stream [--rate 500] [--seconds 20] [--pump-ms 500] [--storage azurite|memory]   (issue 9: stream latency)
//        ... -- --mode revision [--blocks 100000] [--calls 2000]   (issue 7: GetRevision with proof on a big journal)
var writers = Option("--writers", 64);
var seconds = Option("--seconds", 20);
var mode = OptionText("--mode", "both");
var connection = StorageConnection.ForDevelopmentStorage(
    Option("--blob-port", EnvironmentPort("AZURITE_BLOB_PORT", 10000)), Option("--table-port", EnvironmentPort("AZURITE_TABLE_PORT", 10002)));
var prefix = "load" + Guid.NewGuid().ToString("N")[..10];
var requests = new StorageRequestCounter(prefix);
var options = new AzureStorageOptions(prefix) { RequestObserver = requests };
Console.WriteLine($"Azurite {connection.TableEndpoint}, {writers} writers, {seconds} s per run, {Environment.ProcessorCount} cores, prefix {options.Prefix}");
try
{
    byte[] blockBytes;
    EngineRun? engineRun = null;
    if (mode is "engine" or "both")
    {
        engineRun = await RunEngineAsync(connection, options, requests, writers, TimeSpan.FromSeconds(seconds), Option("--engines", 1), Option("--rate", 0));
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
        blockBytes = engineRun?.LastBlock ?? new byte[900];

        var batchCeiling = await RunRawAsync(connection, options, writers, TimeSpan.FromSeconds(seconds), blockBytes);
        if (engineRun is not null)
        {
            // The engine's entity writes per second against what the same Azurite takes in batches of 100 into one
            // partition, in the same run.
            var engineEntities = engineRun.TransactionsPerSecond * engineRun.EntityOperationsPerTransaction;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio: engine {engineRun.TransactionsPerSecond:F1} tx/s x {engineRun.EntityOperationsPerTransaction:F2} storage operations per tx = {engineEntities:F0} operations/s; raw $batch of 100 ceiling {batchCeiling:F0} entities/s; engine at {100 * engineEntities / batchCeiling:F1}% of it; the ceiling allows {batchCeiling / engineRun.EntityOperationsPerTransaction:F0} tx/s at this many operations per tx"));
        }
    }
}
finally
{
    await AzureEnginePorts.DeleteAllAsync(connection, options);
}

return 0;

// --engines N: N engines with their own ports over the same storage, writers spread over them (several handler
// instances of one ledger; the lease holder sequences, the others hand their commits over, docs/engine.md "Several instances").
static async Task<EngineRun> RunEngineAsync(StorageConnection connection, AzureStorageOptions options, StorageRequestCounter requests, int writers, TimeSpan duration, int engineCount, int rate)
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
    var sessions = await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => engine.StartSessionAsync(ledger)));
    using var phases = new SequencerPhaseListener();
    requests.Reset();
    var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
    var stopwatch = Stopwatch.StartNew();
    var deadline = stopwatch.Elapsed + duration;
    long scheduled = -1;
    var commands = new CommandTimes();
    await Task.WhenAll(sessions.Select((session, writer) => Task.Run(async () =>
    {
        var writerEngine = engines[writer % engines.Length];
        for (var n = 0; stopwatch.Elapsed < deadline; n++)
        {
            if (rate > 0)
            {
                // The next start time of the shared schedule; a writer that is late starts at once.
                var due = TimeSpan.FromSeconds((double)Interlocked.Increment(ref scheduled) / rate);
                if (due >= duration)
                {
                    break;
                }

                if (due > stopwatch.Elapsed)
                {
                    await Task.Delay(due - stopwatch.Elapsed);
                }
            }

            var document = IonStruct.Of(
                new IonField("orderId", IonString.Of($"w{writer}-{n}")),
                new IonField("customer", IonString.Of("customer-" + (n % 97).ToString(CultureInfo.InvariantCulture))),
                new IonField("amount", IonInt.Of(n * 7 % 1000)),
                new IonField("lines", IonList.Of(Enumerable.Range(0, 5).Select(i => (IonValue)IonString.Of("item-" + i.ToString(CultureInfo.InvariantCulture))))));
            var started = stopwatch.Elapsed;
            try
            {
                await CommitAsync(writerEngine, session, "INSERT INTO Orders ?", [document], commands);
                latencies.Add((stopwatch.Elapsed - started).TotalMilliseconds);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.AddOrUpdate(e.GetType().Name, 1, (_, count) => count + 1);
            }
        }
    })));
    var elapsed = stopwatch.Elapsed;
    var paced = rate > 0 ? $", paced at {rate}/s" : string.Empty;
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
    Report($"engine: single-insert transactions, {writers} writers on {engines.Length} engine(s){paced}", latencies.Count, elapsed, [.. latencies]);

    // The load tool's own CPU (engine, Azure adapters, HTTP client; not Azurite's) per committed transaction.
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  cpu: {cpu.TotalSeconds:F1} s of process CPU in {elapsed.TotalSeconds:F1} s ({100 * cpu / elapsed:F0}% of one core) = {cpu.TotalMilliseconds / Math.Max(1, latencies.Count):F3} ms per committed tx"));
    var operations = requests.Operations;
    requests.Report(latencies.Count);
    commands.Report();
    phases.Report(elapsed);
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
    return new EngineRun(latencies.Count / elapsed.TotalSeconds, (double)operations / Math.Max(1, latencies.Count), IonBinary.Write(last.ToIon(includeSystemRevisionData: true)));
}

// One transaction as a driver runs it; with `commands`, the time of each of its three commands is kept.
static async Task CommitAsync(LedgerEngine engine, string session, string statement, IonValue[] parameters, CommandTimes? commands = null)
{
    var started = Stopwatch.GetTimestamp();
    var transactionId = await engine.StartTransactionAsync(session);
    commands?.Start.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    started = Stopwatch.GetTimestamp();
    await engine.ExecuteStatementAsync(session, transactionId, statement, parameters);
    commands?.Execute.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    var digest = new CommitDigest(transactionId);
    digest.AddStatement(statement, parameters);
    started = Stopwatch.GetTimestamp();
    await engine.CommitTransactionAsync(session, transactionId, digest.Value);
    commands?.Commit.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
}

// The journal entity of a block (Hash, Chunks, D0) as the engine stores it, written three ways: one insert per
// request by every writer, and entity group transactions of 10 and 100 into one partition, as a group commit does.
static async Task<double> RunRawAsync(StorageConnection connection, AzureStorageOptions options, int writers, TimeSpan duration, byte[] blockBytes)
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
    var batchCeiling = 0.0;
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
        if (batchSize == 100 && concurrency == 1)
        {
            batchCeiling = latencies.Count * batchSize / elapsed.TotalSeconds;
        }
    }

    await table.DeleteAsync();
    return batchCeiling;
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

/// <summary>What the engine run measured, and its last block (the raw run writes entities of that shape).</summary>
internal sealed record EngineRun(double TransactionsPerSecond, double EntityOperationsPerTransaction, byte[] LastBlock);

/// <summary>How long each command of the engine run's transactions took.</summary>
internal sealed class CommandTimes
{
    public ConcurrentBag<double> Start { get; } = [];

    public ConcurrentBag<double> Execute { get; } = [];

    public ConcurrentBag<double> Commit { get; } = [];

    public void Report()
    {
        foreach (var (name, times) in new[] { ("StartTransaction", Start), ("ExecuteStatement", Execute), ("CommitTransaction", Commit) })
        {
            var sorted = times.Order().ToArray();
            double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-18} ms p50 {Percentile(0.50):F1}, p95 {Percentile(0.95):F1}, p99 {Percentile(0.99):F1}"));
        }
    }
}
