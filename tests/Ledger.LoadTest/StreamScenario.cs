using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Ledger.Azure.Core;
using Ledger.Azure.Storage;
using Ledger.Engine;
using Ledger.Engine.InMemory;
using Ledger.Engine.Ports;
using Ledger.Engine.Streams;
using Ledger.Ion;
using Ledger.Journal.Model;

/// <summary>
/// Issue 9's figures: single-insert transactions committed at a paced rate while the stream pump runs beside them
/// (as the handler's in-process pump does), into a destination that acknowledges at once. Reports the
/// block-to-record latency (from a block's commit timestamp to the moment its BLOCK_SUMMARY was handed to the
/// destination) and the pump's record rate, plus a catch-up pass over the whole journal.
/// </summary>
internal static class StreamScenario
{
    public static async Task RunAsync(StorageConnection connection, AzureStorageOptions options, bool onAzurite, int rate, TimeSpan duration, TimeSpan pumpInterval)
    {
        var ports = onAzurite ? await AzureEnginePorts.CreateAsync(connection, TimeProvider.System, options) : EnginePorts.InMemory(TimeProvider.System);
        IJournalStreamStore store = onAzurite ? new TableJournalStreamStore(connection, options) : new InMemoryJournalStreamStore();
        await using var engine = new LedgerEngine(ports, TimeProvider.System);
        const string ledger = "streamload";
        await engine.CreateLedgerAsync(ledger, deletionProtection: false);
        var setup = await engine.StartSessionAsync(ledger);
        await CommitAsync(engine, setup, "CREATE TABLE Orders", []);

        var streams = new JournalStreams(store, ports);
        var stream = await streams.CreateAsync(new StreamRequest(
            ledger, "load", id => $"arn:aws:qldb:us-east-1:000000000000:stream/{ledger}/{id}", null,
            DateTimeOffset.UtcNow.AddMinutes(-1), null, "load-hub", AggregationEnabled: true));
        var sink = new TimingSink();

        using var stop = new CancellationTokenSource();
        var pump = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(pumpInterval);
            while (await timer.WaitForNextTickAsync(stop.Token).AsTask().ContinueWith(t => !t.IsCanceled && t.Result, TaskScheduler.Default))
            {
                var current = await store.GetAsync(ledger, stream.StreamId);
                await streams.PumpAsync(current!, sink);
            }
        });

        // Writers paced to the target rate: 64 sessions, each taking the next slot of a shared schedule.
        var committed = 0;
        var stopwatch = Stopwatch.StartNew();
        var sessions = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => engine.StartSessionAsync(ledger)));
        long slot = -1;
        await Task.WhenAll(sessions.Select(session => Task.Run(async () =>
        {
            while (true)
            {
                var due = TimeSpan.FromSeconds(Interlocked.Increment(ref slot) / (double)rate);
                if (due >= duration)
                {
                    return;
                }

                if (due > stopwatch.Elapsed)
                {
                    await Task.Delay(due - stopwatch.Elapsed);
                }

                var document = IonStruct.Of(new IonField("orderId", IonString.Of(Guid.NewGuid().ToString("N"))), new IonField("amount", IonInt.Of(7)));
                await CommitAsync(engine, session, "INSERT INTO Orders ?", [document]);
                Interlocked.Increment(ref committed);
            }
        })));
        var writing = stopwatch.Elapsed;
        await Task.Delay(pumpInterval * 4);
        await stop.CancelAsync();
        await pump;

        var latencies = sink.Latencies();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stream ({(onAzurite ? "Azurite" : "in-memory")} storage, pump every {pumpInterval.TotalMilliseconds:F0} ms): {committed} transactions in {writing.TotalSeconds:F1} s = {committed / writing.TotalSeconds:F1}/s committed (target {rate}/s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  block-to-record latency ms over {latencies.Length} blocks: p50 {Percentile(latencies, 0.50):F0}, p95 {Percentile(latencies, 0.95):F0}, p99 {Percentile(latencies, 0.99):F0}, max {(latencies.Length == 0 ? double.NaN : latencies[^1]):F0}"));

        // Throughput: a new stream catching up over the whole journal in one pass.
        var catchUp = await streams.CreateAsync(new StreamRequest(
            ledger, "catchup", id => $"arn:aws:qldb:us-east-1:000000000000:stream/{ledger}/{id}", null,
            DateTimeOffset.UtcNow.AddMinutes(-5), null, "load-hub", AggregationEnabled: true));
        var timer2 = Stopwatch.StartNew();
        var pass = await streams.PumpAsync(catchUp, new TimingSink());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  catch-up pass: {pass.RecordsSent} records in {pass.EventsSent} events in {timer2.Elapsed.TotalSeconds:F2} s = {pass.RecordsSent / timer2.Elapsed.TotalSeconds:F0} records/s"));
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static async Task CommitAsync(LedgerEngine engine, string session, string statement, IonValue[] parameters)
    {
        var transactionId = await engine.StartTransactionAsync(session);
        await engine.ExecuteStatementAsync(session, transactionId, statement, parameters);
        var digest = new CommitDigest(transactionId);
        digest.AddStatement(statement, parameters);
        await engine.CommitTransactionAsync(session, transactionId, digest.Value);
    }

    /// <summary>Acknowledges at once and notes, per block summary, how long after its commit it was handed over.</summary>
    private sealed class TimingSink : IStreamSink
    {
        private readonly ConcurrentBag<double> _latencies = [];

        public ValueTask SendAsync(JournalStreamRecord stream, IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken = default)
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var streamEvent in events)
            {
                var bodies = KinesisAggregation.IsAggregate(streamEvent.Body.Span)
                    ? KinesisAggregation.Deaggregate(streamEvent.Body.Span).Select(r => r.Data)
                    : [streamEvent.Body.ToArray()];
                foreach (var body in bodies)
                {
                    var record = (IonStruct)Ledger.Ion.Binary.IonBinary.Read(body);
                    if (((IonString)record["recordType"]!).Value == "BLOCK_SUMMARY")
                    {
                        var committed = ((IonTimestampValue)((IonStruct)record["payload"]!)["blockTimestamp"]!).Value.ToDateTimeOffset();
                        _latencies.Add((now - committed).TotalMilliseconds);
                    }
                }
            }

            return ValueTask.CompletedTask;
        }

        public double[] Latencies()
        {
            var sorted = _latencies.ToArray();
            Array.Sort(sorted);
            return sorted;
        }
    }
}
