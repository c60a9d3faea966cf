using System.Text;
using Ledger.Azure.EventHubs;
using Ledger.Engine.Ports;

namespace Ledger.Azure.Streams;

/// <summary>
/// A journal stream's destination on Event Hubs (the REST send API). Every event of a call goes out in order with
/// the stream's partition key; an event carries its deterministic record id, its content type and how many stream
/// records it holds. A failed send becomes a <see cref="StreamSinkException"/> the pump can act on: nothing after
/// the stream's checkpoint counts as delivered, so the pump resends (duplicates, never gaps).
/// </summary>
public sealed class EventHubsStreamSink : IStreamSink
{
    /// <summary>User property: the stream the event belongs to.</summary>
    public const string StreamIdProperty = "qldbStreamId";

    /// <summary>User property: how many stream records the event carries (more than one for a KPL aggregate).</summary>
    public const string RecordCountProperty = "recordCount";

    private readonly EventHubProducerClient _producer;

    /// <summary>Creates the sink over a producer for the stream's hub.</summary>
    public EventHubsStreamSink(EventHubProducerClient producer) =>
        _producer = producer ?? throw new ArgumentNullException(nameof(producer));

    /// <inheritdoc/>
    public async ValueTask SendAsync(JournalStreamRecord stream, IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(events);
        var start = 0;
        while (start < events.Count)
        {
            // One call per run of equal partition keys keeps the order the pump asked for.
            var end = start;
            while (end < events.Count && events[end].PartitionKey == events[start].PartitionKey)
            {
                end++;
            }

            var batch = new List<EventData>(end - start);
            for (var i = start; i < end; i++)
            {
                batch.Add(ToEventData(stream, events[i]));
            }

            try
            {
                await _producer.SendBatchAsync(batch, events[start].PartitionKey, cancellationToken);
            }
            catch (EventHubsSendException failure)
            {
                throw new StreamSinkException(
                    failure.IsTransient ? StreamFailureKind.Transient : StreamFailureKind.Persistent,
                    failure.Status is 401 or 403 ? StreamErrorCauses.PermissionRevoked : StreamErrorCauses.DestinationNotFound,
                    $"Event Hub {_producer.HubName} answered {(failure.Status == 0 ? "nothing" : failure.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))}" +
                    (failure.ErrorCode is null ? string.Empty : $" ({failure.ErrorCode})"),
                    failure);
            }
            catch (ArgumentException refused)
            {
                // An event the hub can never take (too large, bad key): retrying cannot help.
                throw new StreamSinkException(StreamFailureKind.Persistent, StreamErrorCauses.DestinationNotFound, refused.Message, refused);
            }

            start = end;
        }
    }

    private static EventData ToEventData(JournalStreamRecord stream, StreamEvent streamEvent)
    {
        // JSON records travel as text (readable as they are); Ion binary and KPL aggregates as base64.
        var data = streamEvent.ContentType == "application/json"
            ? EventData.FromText(Encoding.UTF8.GetString(streamEvent.Body.Span), streamEvent.RecordId, streamEvent.ContentType)
            : new EventData(new BinaryData(streamEvent.Body), streamEvent.RecordId, streamEvent.ContentType);
        data.Properties[StreamIdProperty] = stream.StreamId;
        data.Properties[RecordCountProperty] = streamEvent.RecordCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return data;
    }
}

/// <summary>
/// Reads a stream's <c>KinesisConfiguration.StreamArn</c> as an Event Hub: a Kinesis stream ARN
/// (<c>arn:aws:kinesis:region:account:stream/NAME</c>, the hub is NAME in the configured namespace), an Event Hubs
/// URL (<c>sb://</c> or <c>https://</c> namespace plus the hub as its path), or a bare hub name.
/// </summary>
public static class EventHubsDestination
{
    /// <summary>The hub name and, for a URL, its namespace host.</summary>
    /// <exception cref="FormatException">Nothing usable as a hub name.</exception>
    public static (string HubName, string? NamespaceHost) Parse(string destinationArn)
    {
        ArgumentNullException.ThrowIfNull(destinationArn);
        var text = destinationArn.Trim();
        string hub;
        string? host = null;
        if (text.StartsWith("arn:", StringComparison.Ordinal))
        {
            var resource = text.Split(':', 6);
            hub = resource.Length == 6 && resource[5].StartsWith("stream/", StringComparison.Ordinal) ? resource[5]["stream/".Length..] : string.Empty;
        }
        else if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "sb" or "https" or "http")
        {
            host = uri.Authority;
            hub = uri.AbsolutePath.Trim('/');
        }
        else
        {
            hub = text;
        }

        if (hub.Length is 0 or > 256 || hub.Contains('/', StringComparison.Ordinal))
        {
            throw new FormatException($"'{destinationArn}' names no Event Hub: use arn:aws:kinesis:<region>:<account>:stream/<hub>, sb://<namespace>/<hub> or a hub name.");
        }

        return (hub, host);
    }
}
