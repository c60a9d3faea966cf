using Ledger.Engine.Errors;
using Ledger.Engine.InMemory;
using Ledger.Engine.Ports;
using Ledger.Engine.Streams;
using Ledger.Ion;

namespace Ledger.Engine.Tests.Streams;

public sealed class JournalStreamsTests
{
    [Fact]
    public async Task The_pump_delivers_a_created_record_then_every_block_in_order_and_moves_the_checkpoint_to_the_tip()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (streams, _) = Service(fixture);
        var stream = await streams.CreateAsync(Request(fixture, aggregation: false));
        await fixture.RunAsync("CREATE TABLE Person");
        for (var i = 0; i < 5; i++)
        {
            await fixture.RunAsync($"INSERT INTO Person {{'n': {i}}}");
        }

        var sink = new RecordingSink();
        var result = await streams.PumpAsync(stream, sink);

        var records = sink.Records();
        Assert.Equal("CONTROL", records[0].RecordType);
        Assert.Equal($"{stream.StreamId}/created", records[0].RecordId);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)i), records.Where(r => r.RecordType == "BLOCK_SUMMARY").Select(r => r.SequenceNo));
        Assert.Equal(5, records.Count(r => r.RecordType == "REVISION_DETAILS"));
        Assert.Equal(6, result.NextSequenceNo);
        Assert.Equal(6, (await streams.DescribeAsync(fixture.LedgerName, stream.StreamId)).NextSequenceNo);

        // Nothing new: a second pass sends nothing.
        var again = await streams.PumpAsync(await streams.DescribeAsync(fixture.LedgerName, stream.StreamId), sink);
        Assert.Equal(0, again.RecordsSent);
    }

    [Fact]
    public async Task A_failing_destination_keeps_the_checkpoint_so_a_restarted_pump_leaves_no_gap()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (streams, _) = Service(fixture);
        var stream = await streams.CreateAsync(Request(fixture, aggregation: true));
        await fixture.RunAsync("CREATE TABLE Person");
        for (var i = 0; i < 250; i++)
        {
            await fixture.RunAsync($"INSERT INTO Person {{'n': {i}}}");
        }

        // The destination accepts the CONTROL record and one batch, then fails (as a killed pump or a dead hub would).
        var sink = new RecordingSink { FailAfterSends = 2 };
        var first = await streams.PumpAsync(stream, sink);
        Assert.Equal(BlocksPerSend(), first.NextSequenceNo);
        sink.FailAfterSends = null;

        for (var pass = 0; pass < 5; pass++)
        {
            await streams.PumpAsync(await streams.DescribeAsync(fixture.LedgerName, stream.StreamId), sink);
        }

        var summaries = sink.Records().Where(r => r.RecordType == "BLOCK_SUMMARY").Select(r => r.SequenceNo).ToList();
        Assert.Equal(Enumerable.Range(0, 251).Select(i => (long)i), summaries.Distinct().Order());
        Assert.Equal(251, (await streams.DescribeAsync(fixture.LedgerName, stream.StreamId)).NextSequenceNo);
        Assert.Equal(Enumerable.Range(0, 251).Select(i => (long)i), summaries);
    }

    [Fact]
    public async Task Only_blocks_in_the_time_window_are_streamed_and_the_end_completes_the_stream()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (streams, _) = Service(fixture);
        await fixture.RunAsync("CREATE TABLE Person");
        await fixture.RunAsync("INSERT INTO Person {'n': 0}");
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var start = fixture.Clock.GetUtcNow();
        await fixture.RunAsync("INSERT INTO Person {'n': 1}");
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var end = fixture.Clock.GetUtcNow();
        await fixture.RunAsync("INSERT INTO Person {'n': 2}");

        var stream = await streams.CreateAsync(Request(fixture, aggregation: false) with { InclusiveStartTime = start, ExclusiveEndTime = end });
        var sink = new RecordingSink();
        var result = await streams.PumpAsync(stream, sink);

        var records = sink.Records();
        Assert.Equal(["CONTROL", "BLOCK_SUMMARY", "REVISION_DETAILS", "CONTROL"], records.Select(r => r.RecordType));
        Assert.Equal(2, records[1].SequenceNo);
        Assert.Equal("COMPLETED", ((IonString)((IonStruct)records[^1].Value["payload"]!)["controlRecordType"]!).Value);
        Assert.Equal(JournalStreamStatus.Completed, result.Status);
        Assert.Equal(JournalStreamStatus.Completed, (await streams.DescribeAsync(fixture.LedgerName, stream.StreamId)).Status);
    }

    [Fact]
    public async Task A_stream_whose_end_has_passed_completes_even_without_a_later_block()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (streams, _) = Service(fixture);
        await fixture.RunAsync("CREATE TABLE Person");
        var stream = await streams.CreateAsync(Request(fixture, aggregation: false) with { ExclusiveEndTime = fixture.Clock.GetUtcNow() + TimeSpan.FromSeconds(5) });

        var sink = new RecordingSink();
        Assert.Equal(JournalStreamStatus.Active, (await streams.PumpAsync(stream, sink)).Status);
        fixture.Clock.Advance(TimeSpan.FromSeconds(5) + JournalStreams.CompletionGrace);
        var done = await streams.PumpAsync(await streams.DescribeAsync(fixture.LedgerName, stream.StreamId), sink);

        Assert.Equal(JournalStreamStatus.Completed, done.Status);
        Assert.Equal("CONTROL", sink.Records()[^1].RecordType);
    }

    [Fact]
    public async Task A_persistent_failure_impairs_the_stream_at_once_and_a_success_restores_it()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (streams, _) = Service(fixture);
        var stream = await streams.CreateAsync(Request(fixture, aggregation: false));
        await fixture.RunAsync("CREATE TABLE Person");

        var broken = new RecordingSink { Failure = new StreamSinkException(StreamFailureKind.Persistent, StreamErrorCauses.PermissionRevoked, "401") };
        var impaired = await streams.PumpAsync(stream, broken);
        var described = await streams.DescribeAsync(fixture.LedgerName, stream.StreamId);
        Assert.Equal(JournalStreamStatus.Impaired, impaired.Status);
        Assert.Equal(StreamErrorCauses.PermissionRevoked, described.ErrorCause);
        Assert.Equal(0, described.NextSequenceNo);

        var healed = await streams.PumpAsync(described, new RecordingSink());
        var after = await streams.DescribeAsync(fixture.LedgerName, stream.StreamId);
        Assert.Equal(JournalStreamStatus.Active, healed.Status);
        Assert.Null(after.ErrorCause);
        Assert.Equal(1, after.NextSequenceNo);
    }

    [Fact]
    public async Task Transient_failures_impair_the_stream_only_when_they_persist()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (streams, _) = Service(fixture);
        var stream = await streams.CreateAsync(Request(fixture, aggregation: false));
        var throttled = new RecordingSink { Failure = new StreamSinkException(StreamFailureKind.Transient, StreamErrorCauses.DestinationNotFound, "503") };

        var statuses = new List<JournalStreamStatus>();
        for (var i = 0; i < JournalStreams.TransientFailuresBeforeImpaired; i++)
        {
            statuses.Add((await streams.PumpAsync(await streams.DescribeAsync(fixture.LedgerName, stream.StreamId), throttled)).Status);
        }

        Assert.Equal([JournalStreamStatus.Active, JournalStreamStatus.Active, JournalStreamStatus.Impaired], statuses);
    }

    [Fact]
    public async Task Cancel_stops_the_pump_without_a_completed_record_and_cannot_be_repeated()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (streams, _) = Service(fixture);
        var stream = await streams.CreateAsync(Request(fixture, aggregation: false));
        await fixture.RunAsync("CREATE TABLE Person");

        var canceled = await streams.CancelAsync(fixture.LedgerName, stream.StreamId);
        var sink = new RecordingSink();
        var results = await streams.PumpAllAsync(_ => sink);

        Assert.Equal(JournalStreamStatus.Canceled, canceled.Status);
        Assert.Empty(results);
        Assert.Empty(sink.Records());
        await Assert.ThrowsAsync<ResourcePreconditionNotMetException>(() => streams.CancelAsync(fixture.LedgerName, stream.StreamId));
    }

    [Fact]
    public async Task Two_pumps_racing_on_one_stream_never_leave_a_gap()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (streams, _) = Service(fixture);
        var stream = await streams.CreateAsync(Request(fixture, aggregation: true));
        await fixture.RunAsync("CREATE TABLE Person");
        for (var i = 0; i < 300; i++)
        {
            await fixture.RunAsync($"INSERT INTO Person {{'n': {i}}}");
        }

        var sink = new RecordingSink();
        for (var round = 0; round < 6; round++)
        {
            var current = await streams.DescribeAsync(fixture.LedgerName, stream.StreamId);
            await Task.WhenAll(Task.Run(() => streams.PumpAsync(current, sink)), Task.Run(() => streams.PumpAsync(current, sink)));
        }

        var delivered = sink.Records().Where(r => r.RecordType == "BLOCK_SUMMARY").Select(r => r.SequenceNo).Distinct().Order();
        Assert.Equal(Enumerable.Range(0, 301).Select(i => (long)i), delivered);
        Assert.Equal(301, (await streams.DescribeAsync(fixture.LedgerName, stream.StreamId)).NextSequenceNo);
    }

    [Fact]
    public async Task Creation_refuses_bad_names_future_starts_inverted_windows_and_a_sixth_active_stream()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (streams, _) = Service(fixture);
        var request = Request(fixture, aggregation: true);

        await Assert.ThrowsAsync<InvalidParameterException>(() => streams.CreateAsync(request with { StreamName = "bad--name" }));
        await Assert.ThrowsAsync<InvalidParameterException>(() => streams.CreateAsync(request with { InclusiveStartTime = fixture.Clock.GetUtcNow().AddMinutes(1) }));
        await Assert.ThrowsAsync<InvalidParameterException>(() => streams.CreateAsync(request with { ExclusiveEndTime = request.InclusiveStartTime }));
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => streams.CreateAsync(request with { LedgerName = "no-such-ledger" }));
        for (var i = 0; i < JournalStreams.MaxActiveStreamsPerLedger; i++)
        {
            await streams.CreateAsync(request);
        }

        await Assert.ThrowsAsync<LimitExceededException>(() => streams.CreateAsync(request));
        var firstPage = await streams.ListAsync(fixture.LedgerName, maxResults: 3);
        var secondPage = await streams.ListAsync(fixture.LedgerName, maxResults: 3, firstPage.NextToken);
        Assert.Equal(3, firstPage.Streams.Count);
        Assert.Equal(2, secondPage.Streams.Count);
        Assert.Null(secondPage.NextToken);
        Assert.Equal(5, firstPage.Streams.Concat(secondPage.Streams).Select(s => s.StreamId).Distinct().Count());
    }

    [Fact]
    public async Task The_start_time_is_clamped_to_the_ledger_creation()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (streams, _) = Service(fixture);
        var ledger = await fixture.Engine.DescribeLedgerAsync(fixture.LedgerName);

        var stream = await streams.CreateAsync(Request(fixture, aggregation: true) with { InclusiveStartTime = ledger.CreationDateTime.AddYears(-1) });

        Assert.Equal(ledger.CreationDateTime, stream.InclusiveStartTime);
        Assert.Equal($"arn:aws:qldb:us-east-1:000000000000:stream/{fixture.LedgerName}/{stream.StreamId}", stream.Arn);
    }

    [Fact]
    public async Task Json_records_are_the_down_converted_Ion()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (streams, _) = Service(fixture);
        var stream = await streams.CreateAsync(Request(fixture, aggregation: false) with { Format = StreamRecordFormat.Json });
        await fixture.RunAsync("CREATE TABLE Person");

        var sink = new RecordingSink();
        await streams.PumpAsync(stream, sink);

        var events = sink.Events();
        Assert.All(events, e => Assert.Equal("application/json", e.ContentType));
        using var summary = System.Text.Json.JsonDocument.Parse(events[1].Body);
        Assert.Equal("BLOCK_SUMMARY", summary.RootElement.GetProperty("recordType").GetString());
    }

    private static int BlocksPerSend() => JournalStreams.BlocksPerSend;

    private static (JournalStreams Streams, InMemoryJournalStreamStore Store) Service(EngineFixture fixture)
    {
        var store = new InMemoryJournalStreamStore();
        return (new JournalStreams(store, fixture.Ports, fixture.Clock), store);
    }

    private static StreamRequest Request(EngineFixture fixture, bool aggregation) => new(
        fixture.LedgerName,
        "my-stream",
        id => $"arn:aws:qldb:us-east-1:000000000000:stream/{fixture.LedgerName}/{id}",
        "arn:aws:iam::000000000000:role/stream",
        fixture.Clock.GetUtcNow().AddMinutes(-1),
        null,
        "arn:aws:kinesis:us-east-1:000000000000:stream/ledger-blocks",
        aggregation);
}

/// <summary>A destination that records what it acknowledged and can fail on demand.</summary>
internal sealed class RecordingSink : IStreamSink
{
    private readonly Lock _gate = new();
    private readonly List<StreamEvent> _events = [];
    private int _sends;

    public int? FailAfterSends { get; set; }

    public StreamSinkException? Failure { get; set; }

    public ValueTask SendAsync(JournalStreamRecord stream, IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (Failure is not null || (FailAfterSends is { } limit && _sends >= limit))
            {
                throw Failure ?? new StreamSinkException(StreamFailureKind.Transient, StreamErrorCauses.DestinationNotFound, "The destination is down.");
            }

            _sends++;
            _events.AddRange(events);
        }

        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<StreamEvent> Events()
    {
        lock (_gate)
        {
            return [.. _events];
        }
    }

    /// <summary>Every delivered stream record, de-aggregated, in delivery order.</summary>
    public IReadOnlyList<(string RecordId, string RecordType, long SequenceNo, IonStruct Value)> Records() =>
        Events().SelectMany(e => KinesisAggregation.IsAggregate(e.Body.Span)
                ? KinesisAggregation.Deaggregate(e.Body.Span).Select(r => r.Data)
                : [e.Body.ToArray()])
            .Select(body => (IonStruct)Ledger.Ion.Binary.IonBinary.Read(body))
            .Select(Describe)
            .ToList();

    private static (string, string, long, IonStruct) Describe(IonStruct record)
    {
        var type = ((IonString)record["recordType"]!).Value;
        var payload = (IonStruct)record["payload"]!;
        var address = type switch
        {
            "BLOCK_SUMMARY" => (IonStruct)payload["blockAddress"]!,
            "REVISION_DETAILS" => (IonStruct)((IonStruct)payload["revision"]!)["blockAddress"]!,
            _ => null,
        };
        var sequenceNo = address is null ? -1 : (long)((IonInt)address["sequenceNo"]!).Value;
        var id = type == "CONTROL" ? ((IonString)payload["controlRecordType"]!).Value : $"{sequenceNo}";
        return (id == "CREATED" ? ((IonString)record["qldbStreamArn"]!).Value.Split('/')[^1] + "/created" : id, type, sequenceNo, record);
    }
}
