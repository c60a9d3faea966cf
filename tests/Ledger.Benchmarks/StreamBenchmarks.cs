using BenchmarkDotNet.Attributes;
using Ledger.Engine;
using Ledger.Engine.InMemory;
using Ledger.Engine.Ports;
using Ledger.Engine.Streams;
using Ledger.Ion;
using Ledger.Ion.Hash;
using Ledger.Journal;

namespace Ledger.Benchmarks;

/// <summary>
/// The stream pump's own cost (issue 9: at least 5,000 records per second): one pass over 1,000 committed
/// single-insert blocks (2,000 records: a BLOCK_SUMMARY and a REVISION_DETAILS each) from the journal into a sink
/// that acknowledges at once, with and without KPL aggregation. The destination's latency is not part of it.
/// </summary>
[MemoryDiagnoser]
public class StreamBenchmarks
{
    private const int Blocks = 1000;
    private EnginePorts _ports = null!;
    private const string LedgerName = "bench";
    private readonly AcknowledgingSink _sink = new();

    [Params(false, true)]
    public bool Aggregation { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _ports = EnginePorts.InMemory(TimeProvider.System);
        await using var engine = new LedgerEngine(_ports);
        await engine.CreateLedgerAsync(LedgerName, deletionProtection: false);
        await RunAsync(engine, "CREATE TABLE Person");
        for (var i = 1; i < Blocks; i++)
        {
            await RunAsync(engine, $"INSERT INTO Person {{'name': 'person {i}', 'n': {i}, 'address': '{i} Main Street, Seattle, WA'}}");
        }
    }

    /// <summary>One pump pass over the whole journal; 1,999 records per operation (the catalog block has none).</summary>
    [Benchmark]
    public async Task<int> PumpPass()
    {
        var streams = new JournalStreams(new InMemoryJournalStreamStore(), _ports);
        var stream = await streams.CreateAsync(new StreamRequest(
            LedgerName, "bench", id => "arn:aws:qldb:us-east-1:000000000000:stream/bench/" + id, null,
            DateTimeOffset.UtcNow.AddHours(-1), null, "hub", Aggregation));
        var result = await streams.PumpAsync(stream, _sink);
        return result.RecordsSent;
    }

    private static async Task RunAsync(LedgerEngine engine, string statement)
    {
        var session = await engine.StartSessionAsync("bench");
        var transaction = await engine.StartTransactionAsync(session);
        await engine.ExecuteStatementAsync(session, transaction, statement);
        var digest = QldbHash.Dot(new Hash32(IonHash.Compute(IonString.Of(transaction))), new Hash32(IonHash.Compute(IonString.Of(statement))));
        await engine.CommitTransactionAsync(session, transaction, digest);
        await engine.EndSessionAsync(session);
    }

    private sealed class AcknowledgingSink : IStreamSink
    {
        public ValueTask SendAsync(JournalStreamRecord stream, IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken = default) =>
            ValueTask.CompletedTask;
    }
}
