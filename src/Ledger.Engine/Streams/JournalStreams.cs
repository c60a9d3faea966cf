using System.Text;
using Ledger.Engine.Errors;
using Ledger.Engine.Ledgers;
using Ledger.Engine.Model;
using Ledger.Engine.Ports;
using Ledger.Ion;
using Ledger.Ion.Binary;

namespace Ledger.Engine.Streams;

/// <summary>What StreamJournalToKinesis asks for.</summary>
/// <param name="LedgerName">The ledger to stream.</param>
/// <param name="StreamName">QLDB's stream name rule (the ledger name rule).</param>
/// <param name="Arn">The stream's ARN, built by the caller from its region and account (the id is appended).</param>
/// <param name="RoleArn">Kept for DescribeJournalKinesisStream; access goes through the handler's identity.</param>
/// <param name="InclusiveStartTime">Blocks committed at or after it are streamed (clamped to the ledger's creation).</param>
/// <param name="ExclusiveEndTime">Blocks committed before it are streamed; null streams until cancelled.</param>
/// <param name="DestinationArn">KinesisConfiguration.StreamArn: which Event Hub receives the records.</param>
/// <param name="AggregationEnabled">KPL-aggregate several records per event (QLDB's default: true).</param>
/// <param name="Format">Ion binary (QLDB's) or JSON.</param>
public sealed record StreamRequest(
    string LedgerName,
    string StreamName,
    Func<string, string> Arn,
    string? RoleArn,
    DateTimeOffset InclusiveStartTime,
    DateTimeOffset? ExclusiveEndTime,
    string DestinationArn,
    bool AggregationEnabled = true,
    StreamRecordFormat Format = StreamRecordFormat.IonBinary);

/// <summary>A page of streams; <see cref="NextToken"/> is null on the last page.</summary>
public sealed record JournalStreamPage(IReadOnlyList<JournalStreamRecord> Streams, string? NextToken);

/// <summary>What one pump pass did to one stream.</summary>
public sealed record StreamPumpResult(string StreamId, JournalStreamStatus Status, long NextSequenceNo, int RecordsSent, int EventsSent);

/// <summary>
/// QLDB's journal streams: StreamJournalToKinesis, Describe, List and Cancel, and the pump that tails the journal
/// from each stream's durable checkpoint and delivers QLDB-shaped records at least once, in journal order. The
/// checkpoint moves only after the destination acknowledged the send, and only by an ETag-conditional write, so a
/// second pump instance can at worst repeat records (same record ids), never skip them.
/// </summary>
public sealed class JournalStreams
{
    /// <summary>QLDB's quota of active streams per ledger.</summary>
    public const int MaxActiveStreamsPerLedger = 5;

    /// <summary>How many blocks one send covers at most.</summary>
    public const int BlocksPerSend = 100;

    /// <summary>Consecutive transient failures after which a stream reports IMPAIRED.</summary>
    public const int TransientFailuresBeforeImpaired = 3;

    /// <summary>
    /// A block's timestamp is taken when it is sequenced, slightly before it is durable: a stream completes only
    /// once its end time is this far in the past, so no block stamped before the end can still be on its way.
    /// </summary>
    public static readonly TimeSpan CompletionGrace = TimeSpan.FromSeconds(10);

    /// <summary>Raw bytes per KPL aggregate; leaves room for base64 in a 1 MB Event Hubs request.</summary>
    public const int MaxAggregateBytes = 256 * 1024;

    /// <summary>Records per KPL aggregate.</summary>
    public const int MaxRecordsPerAggregate = 500;

    private readonly IJournalStreamStore _streams;
    private readonly EnginePorts _ports;
    private readonly TimeProvider _clock;
    private readonly JobAdmission<JournalStreamRecord> _admission;

    /// <summary>Creates the service over the stream store and the engine's journal and ledgers.</summary>
    public JournalStreams(IJournalStreamStore streams, EnginePorts ports, TimeProvider? clock = null)
    {
        _streams = streams ?? throw new ArgumentNullException(nameof(streams));
        _ports = ports ?? throw new ArgumentNullException(nameof(ports));
        _clock = clock ?? TimeProvider.System;
        _admission = new JobAdmission<JournalStreamRecord>(
            ports, MaxActiveStreamsPerLedger, streams.ListAsync, s => s.IsLive, WithdrawAsync,
            ledger => $"Exceeded the limit of {MaxActiveStreamsPerLedger} active streams on ledger {ledger}");
    }

    /// <summary>StreamJournalToKinesis: validates, persists an ACTIVE stream, and returns it.</summary>
    public Task<JournalStreamRecord> CreateAsync(StreamRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _admission.AdmitAsync(request.LedgerName, _ => Validate(request, _clock.GetUtcNow()), (ledger, ct) => CreateAsync(ledger, request, ct), cancellationToken);
    }

    private static void Validate(StreamRequest request, DateTimeOffset now)
    {
        if (!LedgerNames.IsValid(request.StreamName))
        {
            throw new InvalidParameterException("StreamName", $"Invalid stream name: {request.StreamName}");
        }

        if (string.IsNullOrWhiteSpace(request.DestinationArn))
        {
            throw new InvalidParameterException("KinesisConfiguration", "KinesisConfiguration.StreamArn is required");
        }

        if (request.InclusiveStartTime > now)
        {
            throw new InvalidParameterException("InclusiveStartTime", "InclusiveStartTime must be in the past");
        }

        if (request.ExclusiveEndTime is { } end && end <= request.InclusiveStartTime)
        {
            throw new InvalidParameterException("ExclusiveEndTime", "ExclusiveEndTime must be later than InclusiveStartTime");
        }
    }

    private async Task<JournalStreamRecord> CreateAsync(LedgerRecord ledger, StreamRequest request, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var start = request.InclusiveStartTime < ledger.CreationDateTime ? ledger.CreationDateTime : request.InclusiveStartTime;
        while (true)
        {
            var id = QldbId.New();
            var stream = new JournalStreamRecord(
                ledger.Name, id, request.StreamName, request.Arn(id), request.RoleArn, now, start, request.ExclusiveEndTime,
                request.DestinationArn, request.AggregationEnabled, request.Format, JournalStreamStatus.Active, null,
                NextSequenceNo: 0, CreatedRecordSent: false, ConsecutiveFailures: 0);
            if (await _streams.TryCreateAsync(stream, cancellationToken))
            {
                return await _streams.GetAsync(ledger.Name, id, cancellationToken) ?? stream;
            }
        }
    }

    /// <summary>DescribeJournalKinesisStream.</summary>
    public async Task<JournalStreamRecord> DescribeAsync(string ledgerName, string streamId, CancellationToken cancellationToken = default)
    {
        _ = await _ports.Ledgers.GetAsync(ledgerName, cancellationToken) ?? throw new ResourceNotFoundException("LEDGER", ledgerName);
        return await _streams.GetAsync(ledgerName, streamId, cancellationToken) ?? throw new ResourceNotFoundException("STREAM", streamId);
    }

    /// <summary>ListJournalKinesisStreamsForLedger, in creation order, paged (1-100 per page).</summary>
    public async Task<JournalStreamPage> ListAsync(string ledgerName, int maxResults = 100, string? nextToken = null, CancellationToken cancellationToken = default)
    {
        if (maxResults is < 1 or > 100)
        {
            throw new InvalidParameterException("MaxResults", "MaxResults must be between 1 and 100");
        }

        _ = await _ports.Ledgers.GetAsync(ledgerName, cancellationToken) ?? throw new ResourceNotFoundException("LEDGER", ledgerName);
        var all = await _streams.ListAsync(ledgerName, cancellationToken);
        var start = 0;
        if (nextToken is not null)
        {
            var after = DecodeToken(nextToken);
            start = all.ToList().FindIndex(s => s.StreamId == after) + 1;
            if (start == 0)
            {
                throw new InvalidParameterException("NextToken", "The NextToken is not valid");
            }
        }

        var page = all.Skip(start).Take(maxResults).ToList();
        var more = start + page.Count < all.Count;
        return new JournalStreamPage(page, more ? EncodeToken(page[^1].StreamId) : null);
    }

    // A stream refused after its insert (over the limit across instances) ends as CANCELED; one the pump already
    // moved is re-read and cancelled, unless it already ended.
    private async Task WithdrawAsync(JournalStreamRecord stream, CancellationToken cancellationToken)
    {
        for (var current = stream; current is { IsLive: true };)
        {
            if (await _streams.TryUpdateAsync(current with { Status = JournalStreamStatus.Canceled }, cancellationToken))
            {
                return;
            }

            current = await _streams.GetAsync(stream.LedgerName, stream.StreamId, cancellationToken);
        }
    }

    /// <summary>CancelJournalKinesisStream: an ACTIVE or IMPAIRED stream becomes CANCELED (no COMPLETED record).</summary>
    public async Task<JournalStreamRecord> CancelAsync(string ledgerName, string streamId, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var stream = await DescribeAsync(ledgerName, streamId, cancellationToken);
            if (!stream.IsLive)
            {
                throw new ResourcePreconditionNotMetException("STREAM", streamId, $"Stream {streamId} is {stream.Status.ToString().ToUpperInvariant()} and cannot be canceled");
            }

            var canceled = stream with { Status = JournalStreamStatus.Canceled };
            if (await _streams.TryUpdateAsync(canceled, cancellationToken))
            {
                return canceled;
            }
        }
    }

    /// <summary>One pump pass over every live stream of every ledger (the timer function's work).</summary>
    public async Task<IReadOnlyList<StreamPumpResult>> PumpAllAsync(Func<JournalStreamRecord, IStreamSink> sinkFor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sinkFor);
        var results = new List<StreamPumpResult>();
        for (string? token = null; ;)
        {
            var page = await _ports.Ledgers.ListAsync(100, token, cancellationToken);
            foreach (var ledger in page.Ledgers.Where(l => l.State is LedgerState.Active))
            {
                foreach (var stream in await _streams.ListAsync(ledger.Name, cancellationToken))
                {
                    if (stream.IsLive)
                    {
                        results.Add(await PumpAsync(stream, sinkFor(stream), cancellationToken));
                    }
                }
            }

            if ((token = page.NextToken) is null)
            {
                return results;
            }
        }
    }

    /// <summary>
    /// Delivers one stream's records from its checkpoint up to the journal's durable tip. Stops early, keeping the
    /// checkpoint, when the destination fails (the stream becomes IMPAIRED once the failure persists) or when
    /// another pump instance moved the checkpoint.
    /// </summary>
    public async Task<StreamPumpResult> PumpAsync(JournalStreamRecord stream, IStreamSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sink);
        var recordsSent = 0;
        var eventsSent = 0;
        StreamPumpResult Result(JournalStreamRecord s) => new(s.StreamId, s.Status, s.NextSequenceNo, recordsSent, eventsSent);

        try
        {
            if (!stream.CreatedRecordSent)
            {
                var created = StreamRecordShaper.Created(stream.Arn, stream.StreamId);
                eventsSent += await SendAsync(stream, sink, [created], cancellationToken);
                recordsSent++;
                if (await SaveAsync(stream with { CreatedRecordSent = true }, cancellationToken) is not { } saved)
                {
                    return Result(stream);
                }

                stream = saved;
            }

            var tip = (await _ports.Journal.GetTipAsync(stream.LedgerName, cancellationToken)).Size;
            while (stream.NextSequenceNo < tip)
            {
                var page = await _ports.Journal.ReadBlocksAsync(stream.LedgerName, stream.NextSequenceNo, tip, BlocksPerSend, cancellationToken);
                if (page.Blocks.Count == 0)
                {
                    break;
                }

                var records = new List<StreamRecord>();
                var next = stream.NextSequenceNo;
                var reachedEnd = false;
                foreach (var block in page.Blocks)
                {
                    var committed = block.BlockTimestamp.ToDateTimeOffset();
                    if (stream.ExclusiveEndTime is { } end && committed >= end)
                    {
                        reachedEnd = true;
                        break;
                    }

                    if (committed >= stream.InclusiveStartTime)
                    {
                        records.AddRange(StreamRecordShaper.FromBlock(stream.Arn, stream.StreamId, block));
                    }

                    next = block.SequenceNo + 1;
                }

                if (records.Count > 0)
                {
                    eventsSent += await SendAsync(stream, sink, records, cancellationToken);
                    recordsSent += records.Count;
                }

                if (await SaveAsync(Recovered(stream) with { NextSequenceNo = next }, cancellationToken) is not { } saved)
                {
                    return Result(stream);
                }

                stream = saved;
                if (reachedEnd)
                {
                    return Result(await CompleteAsync(stream, sink, cancellationToken) ?? stream);
                }
            }

            if (stream.ExclusiveEndTime is { } endTime && _clock.GetUtcNow() >= endTime + CompletionGrace)
            {
                return Result(await CompleteAsync(stream, sink, cancellationToken) ?? stream);
            }

            if (stream.Status is JournalStreamStatus.Impaired || stream.ConsecutiveFailures > 0)
            {
                stream = await SaveAsync(Recovered(stream), cancellationToken) ?? stream;
            }

            return Result(stream);
        }
        catch (StreamSinkException failure)
        {
            var failures = stream.ConsecutiveFailures + 1;
            var impaired = failure.Kind is StreamFailureKind.Persistent || failures >= TransientFailuresBeforeImpaired;
            var updated = stream with
            {
                ConsecutiveFailures = failures,
                Status = impaired ? JournalStreamStatus.Impaired : stream.Status,
                ErrorCause = impaired ? failure.ErrorCause : stream.ErrorCause,
            };
            return Result(await SaveAsync(updated, cancellationToken) ?? stream);
        }
    }

    /// <summary>
    /// The records of the journal from <paramref name="fromSequenceNo"/> (at most <paramref name="maxBlocks"/> blocks),
    /// shaped as the stream <paramref name="streamId"/> would carry them: the local way to consume the stream.
    /// </summary>
    public async Task<(IReadOnlyList<StreamRecord> Records, long NextSequenceNo)> ReadRecordsAsync(
        string ledgerName, string streamArn, string streamId, long fromSequenceNo, int maxBlocks, CancellationToken cancellationToken = default)
    {
        if (fromSequenceNo < 0)
        {
            throw new InvalidParameterException("fromSequenceNo", "fromSequenceNo must not be negative");
        }

        var tip = (await _ports.Journal.GetTipAsync(ledgerName, cancellationToken)).Size;
        if (fromSequenceNo >= tip)
        {
            return ([], fromSequenceNo);
        }

        var page = await _ports.Journal.ReadBlocksAsync(ledgerName, fromSequenceNo, tip, Math.Clamp(maxBlocks, 1, BlocksPerSend), cancellationToken);
        var records = page.Blocks.SelectMany(b => StreamRecordShaper.FromBlock(streamArn, streamId, b)).ToList();
        var next = page.Blocks.Count == 0 ? fromSequenceNo : page.Blocks[^1].SequenceNo + 1;
        return (records, next);
    }

    /// <summary>A record's body in the stream's format.</summary>
    public static byte[] Encode(StreamRecord record, StreamRecordFormat format)
    {
        ArgumentNullException.ThrowIfNull(record);
        return format is StreamRecordFormat.Json
            ? Encoding.UTF8.GetBytes(IonJson.ToJson(record.Value))
            : IonBinary.Write(record.Value);
    }

    /// <summary>
    /// The events for <paramref name="records"/>: one per record, or KPL aggregates of consecutive records filled up
    /// to <see cref="MaxAggregateBytes"/> / <see cref="MaxRecordsPerAggregate"/>.
    /// </summary>
    public static IReadOnlyList<StreamEvent> ToEvents(JournalStreamRecord stream, IReadOnlyList<StreamRecord> records)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(records);
        var contentType = stream.Format is StreamRecordFormat.Json ? "application/json" : "application/x-amzn-ion";
        var bodies = records.Select(r => Encode(r, stream.Format)).ToList();
        if (!stream.AggregationEnabled)
        {
            return records.Select((r, i) => new StreamEvent(r.RecordId, r.PartitionKey, bodies[i], contentType, 1)).ToList();
        }

        var events = new List<StreamEvent>();
        var group = new List<int>();
        var groupBytes = KinesisAggregation.FrameOverhead;
        void Flush()
        {
            if (group.Count == 0)
            {
                return;
            }

            var first = records[group[0]];
            var last = records[group[^1]];
            var aggregate = KinesisAggregation.Aggregate(group.Select(i => (records[i].PartitionKey, (ReadOnlyMemory<byte>)bodies[i])).ToList());
            var id = group.Count == 1 ? first.RecordId : $"{first.RecordId}..{last.RecordId}";
            events.Add(new StreamEvent(id, first.PartitionKey, aggregate, "application/x-kpl-aggregated", group.Count));
            group.Clear();
            groupBytes = KinesisAggregation.FrameOverhead;
        }

        for (var i = 0; i < records.Count; i++)
        {
            var cost = KinesisAggregation.RecordCost(bodies[i].Length, records[i].PartitionKey.Length);
            if (group.Count > 0 && (groupBytes + cost > MaxAggregateBytes || group.Count >= MaxRecordsPerAggregate))
            {
                Flush();
            }

            group.Add(i);
            groupBytes += cost;
        }

        Flush();
        return events;
    }

    private static async Task<int> SendAsync(JournalStreamRecord stream, IStreamSink sink, IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken)
    {
        var events = ToEvents(stream, records);
        await sink.SendAsync(stream, events, cancellationToken);
        return events.Count;
    }

    private async Task<JournalStreamRecord?> CompleteAsync(JournalStreamRecord stream, IStreamSink sink, CancellationToken cancellationToken)
    {
        await SendAsync(stream, sink, [StreamRecordShaper.Completed(stream.Arn, stream.StreamId, stream.NextSequenceNo - 1)], cancellationToken);
        return await SaveAsync(Recovered(stream) with { Status = JournalStreamStatus.Completed }, cancellationToken);
    }

    private static JournalStreamRecord Recovered(JournalStreamRecord stream) => stream with
    {
        Status = stream.Status is JournalStreamStatus.Impaired ? JournalStreamStatus.Active : stream.Status,
        ErrorCause = stream.Status is JournalStreamStatus.Impaired ? null : stream.ErrorCause,
        ConsecutiveFailures = 0,
    };

    // A conditional write that lost means another pump instance (or a cancel) changed the stream: this pass stops
    // and leaves the stream to the newer state.
    private async Task<JournalStreamRecord?> SaveAsync(JournalStreamRecord stream, CancellationToken cancellationToken) =>
        await _streams.TryUpdateAsync(stream, cancellationToken)
            ? await _streams.GetAsync(stream.LedgerName, stream.StreamId, cancellationToken)
            : null;

    private static string EncodeToken(string streamId) => Convert.ToBase64String(Encoding.UTF8.GetBytes(streamId));

    private static string DecodeToken(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw new InvalidParameterException("NextToken", "The NextToken is not valid");
        }
    }
}
