using Ledger.Azure.EventHubs;
using Ledger.Azure.Streams;
using Ledger.Azure.Tests.EventHubs;
using Ledger.Engine;
using Ledger.Engine.InMemory;
using Ledger.Engine.Ports;
using Ledger.Engine.Streams;
using Ledger.Ion;
using Ledger.Ion.Binary;
using Ledger.Ion.Hash;
using Ledger.Journal;

namespace Ledger.Azure.Tests.Streams;

/// <summary>
/// The stream pump against an HTTP endpoint that implements the documented Event Hubs send contract: every committed
/// block arrives as QLDB-shaped records, in order, across pump failures, kills and restarts (duplicates allowed, gaps
/// never), with SAS auth and the JSON batch format.
/// </summary>
public sealed class EventHubsStreamPumpTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_committed_block_arrives_in_order_across_failures_kills_and_restarts(bool aggregation)
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        await using var ledger = await LedgerUnderTest.CreateAsync();
        var store = new InMemoryJournalStreamStore();
        var stream = await new JournalStreams(store, ledger.Ports).CreateAsync(ledger.Request(aggregation));
        await ledger.RunAsync("CREATE TABLE Account");
        for (var i = 0; i < 120; i++)
        {
            await ledger.RunAsync($"INSERT INTO Account {{'n': {i}}}");
        }

        // 1. The hub fails for longer than the pipeline retries: nothing counts as sent, the checkpoint stays.
        fake.FailNext(3, 500); // the first try and both retries
        var failed = await new JournalStreams(store, ledger.Ports).PumpAsync(stream, Sink(fake));
        Assert.Equal(0, failed.NextSequenceNo);

        // 2. A pump killed mid-send: the request lands at the hub, but the pump dies before it can move its checkpoint.
        fake.DelayNext(1, TimeSpan.FromSeconds(2));
        using (var kill = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            var current = await store.GetAsync(ledger.Name, stream.StreamId);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new JournalStreams(store, ledger.Ports).PumpAsync(current!, Sink(fake), kill.Token));
        }

        // 3. Restarted pumps (new instances over the same store) finish the job while more transactions commit.
        for (var i = 120; i < 150; i++)
        {
            await ledger.RunAsync($"INSERT INTO Account {{'n': {i}}}");
            if (i % 10 == 0)
            {
                await PumpOnceAsync(store, ledger, stream, fake);
            }
        }

        await PumpOnceAsync(store, ledger, stream, fake);
        await PumpOnceAsync(store, ledger, stream, fake);

        var records = Records(fake.Events);
        var summaries = records.Where(r => r.Type == "BLOCK_SUMMARY").Select(r => r.SequenceNo).ToList();
        var firstSeen = summaries.Distinct().ToList();
        Assert.Equal(Enumerable.Range(0, 151).Select(i => (long)i), firstSeen);
        Assert.Equal(150, records.Where(r => r.Type == "REVISION_DETAILS").Select(r => r.RecordId).Distinct().Count());
        Assert.Equal("CONTROL", records[0].Type);
        Assert.Equal(151, (await store.GetAsync(ledger.Name, stream.StreamId))!.NextSequenceNo);

        // Duplicates only ever repeat a record with the same id and bytes.
        foreach (var group in records.GroupBy(r => r.RecordId))
        {
            Assert.Single(group.Select(r => IonText.Write(r.Value)).Distinct());
        }

        // The contract: SAS-signed JSON batches, one partition (the stream id) for every event, record ids on every event.
        Assert.All(fake.Requests.Where(r => r.Status == 201), r =>
        {
            Assert.Equal("SharedAccessSignature", r.AuthorizationScheme);
            Assert.Equal("application/vnd.microsoft.servicebus.json", r.ContentType);
        });
        Assert.All(fake.Events, e =>
        {
            Assert.Equal(stream.StreamId, e.PartitionKey);
            Assert.NotNull(e.RecordId);
            Assert.Equal(stream.StreamId, e.UserProperties[EventHubsStreamSink.StreamIdProperty]);
        });
    }

    [Fact]
    public async Task A_hub_that_refuses_the_key_impairs_the_stream_with_the_permission_cause_and_it_recovers()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        await using var ledger = await LedgerUnderTest.CreateAsync();
        var store = new InMemoryJournalStreamStore();
        var streams = new JournalStreams(store, ledger.Ports);
        var stream = await streams.CreateAsync(ledger.Request(aggregation: false));
        await ledger.RunAsync("CREATE TABLE Account");

        var wrongKey = EventHubsConnection.Parse(
            $"Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName={fake.Settings.KeyName};SharedAccessKey=not-the-key;EntityPath={fake.Settings.HubName}")
            .WithEndpoint(fake.BaseUri);
        var refused = await streams.PumpAsync(stream, new EventHubsStreamSink(new EventHubProducerClient(wrongKey, Options(fake))));
        var impaired = (await store.GetAsync(ledger.Name, stream.StreamId))!;

        Assert.Equal(JournalStreamStatus.Impaired, refused.Status);
        Assert.Equal(StreamErrorCauses.PermissionRevoked, impaired.ErrorCause);

        var healed = await streams.PumpAsync(impaired, Sink(fake));
        Assert.Equal(JournalStreamStatus.Active, healed.Status);
        Assert.Equal(1, healed.NextSequenceNo);
    }

    [Theory]
    [InlineData("arn:aws:kinesis:us-east-1:123456789012:stream/ledger-blocks", "ledger-blocks", null)]
    [InlineData("sb://contoso.servicebus.windows.net/ledger-blocks", "ledger-blocks", "contoso.servicebus.windows.net")]
    [InlineData("ledger-blocks", "ledger-blocks", null)]
    public void Destinations_name_an_event_hub(string destination, string hub, string? host)
    {
        Assert.Equal((hub, host), EventHubsDestination.Parse(destination));
    }

    [Theory]
    [InlineData("arn:aws:kinesis:us-east-1:123456789012:table/x")]
    [InlineData("sb://contoso.servicebus.windows.net/")]
    [InlineData("a/b")]
    public void Destinations_that_name_no_hub_are_refused(string destination)
    {
        Assert.Throws<FormatException>(() => EventHubsDestination.Parse(destination));
    }

    private static async Task PumpOnceAsync(InMemoryJournalStreamStore store, LedgerUnderTest ledger, JournalStreamRecord stream, FakeEventHubsEndpoint fake)
    {
        var current = (await store.GetAsync(ledger.Name, stream.StreamId))!;
        await new JournalStreams(store, ledger.Ports).PumpAsync(current, Sink(fake));
    }

    private static EventHubProducerClientOptions Options(FakeEventHubsEndpoint fake)
    {
        var options = new EventHubProducerClientOptions { Transport = fake.CreateTransport(), ServerBusyMinimumDelay = TimeSpan.FromMilliseconds(20) };
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        return options;
    }

    private static EventHubsStreamSink Sink(FakeEventHubsEndpoint fake)
    {
        var connection = EventHubsConnection.Parse(
            $"Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName={fake.Settings.KeyName};SharedAccessKey={fake.Settings.Key};EntityPath={fake.Settings.HubName}")
            .WithEndpoint(fake.BaseUri);
        return new EventHubsStreamSink(new EventHubProducerClient(connection, Options(fake)));
    }

    private static List<(string RecordId, string Type, long SequenceNo, IonStruct Value)> Records(IReadOnlyList<ReceivedEvent> events) =>
        events.SelectMany(e => KinesisAggregation.IsAggregate(e.BodyBytes) ? KinesisAggregation.Deaggregate(e.BodyBytes).Select(r => r.Data) : [e.BodyBytes])
            .Select(body => (IonStruct)IonBinary.Read(body))
            .Select(record =>
            {
                var type = ((IonString)record["recordType"]!).Value;
                var payload = (IonStruct)record["payload"]!;
                var address = type switch
                {
                    "BLOCK_SUMMARY" => (IonStruct?)payload["blockAddress"],
                    "REVISION_DETAILS" => (IonStruct?)((IonStruct)payload["revision"]!)["blockAddress"],
                    _ => null,
                };
                var sequenceNo = address is null ? -1 : (long)((IonInt)address["sequenceNo"]!).Value;
                var id = type == "REVISION_DETAILS" ? ((IonString)((IonStruct)((IonStruct)payload["revision"]!)["metadata"]!)["id"]!).Value : $"{type}/{sequenceNo}";
                return (id, type, sequenceNo, record);
            })
            .ToList();

    /// <summary>An engine over in-memory ports with one ledger, committing the way a driver does.</summary>
    private sealed class LedgerUnderTest : IAsyncDisposable
    {
        private LedgerUnderTest(EnginePorts ports, LedgerEngine engine, string name)
        {
            Ports = ports;
            Engine = engine;
            Name = name;
        }

        public EnginePorts Ports { get; }

        public LedgerEngine Engine { get; }

        public string Name { get; }

        public static async Task<LedgerUnderTest> CreateAsync()
        {
            var ports = EnginePorts.InMemory(TimeProvider.System);
            var engine = new LedgerEngine(ports);
            var name = "stream-" + Guid.NewGuid().ToString("N")[..8];
            await engine.CreateLedgerAsync(name, deletionProtection: false);
            return new LedgerUnderTest(ports, engine, name);
        }

        public StreamRequest Request(bool aggregation) => new(
            Name, "to-event-hubs", id => $"arn:aws:qldb:us-east-1:000000000000:stream/{Name}/{id}", null,
            DateTimeOffset.UtcNow.AddMinutes(-1), null, "arn:aws:kinesis:us-east-1:000000000000:stream/ledger-stream", aggregation);

        public async Task RunAsync(string statement)
        {
            var session = await Engine.StartSessionAsync(Name);
            var transaction = await Engine.StartTransactionAsync(session);
            await Engine.ExecuteStatementAsync(session, transaction, statement);
            var digest = QldbHash.Dot(Hash(IonString.Of(transaction)), Hash(IonString.Of(statement)));
            await Engine.CommitTransactionAsync(session, transaction, digest);
            await Engine.EndSessionAsync(session);
        }

        public ValueTask DisposeAsync() => Engine.DisposeAsync();

        private static Hash32 Hash(IonValue value) => new(IonHash.Compute(value));
    }
}
