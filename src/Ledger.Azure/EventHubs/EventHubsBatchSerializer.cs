using System.Text.Encodings.Web;
using System.Text.Json;

namespace Ledger.Azure.EventHubs;

/// <summary>
/// Writes the Event Hubs JSON batch format
/// (<c>[{"Body":"..","UserProperties":{..},"BrokerProperties":{"PartitionKey":".."}}, ..]</c>) and splits a list of
/// events into request bodies that each stay within a byte limit, keeping the events' order. Sizes are the real
/// serialized bytes: a body is exactly "[" + messages joined by "," + "]".
/// </summary>
internal static class EventHubsBatchSerializer
{
    /// <summary>The Content-Type of a batch send.</summary>
    public const string BatchContentType = "application/vnd.microsoft.servicebus.json";

    // Base64 bodies contain '+' and '/': the default encoder would write '+' as \u002B and inflate every body.
    // The request body is never embedded in HTML, so the relaxed encoder is safe here.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One message object of the batch array.</summary>
    public static byte[] SerializeMessage(EventData eventData, string? partitionKey)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("Body", eventData.BodyText);
            writer.WriteStartObject("UserProperties");
            writer.WriteString(EventData.RecordIdProperty, eventData.RecordId);
            if (eventData.BodyEncoding == EventBodyEncoding.Base64)
            {
                writer.WriteString(EventData.BodyEncodingProperty, "base64");
            }
            if (eventData.ContentType is { } contentType)
            {
                writer.WriteString(EventData.ContentTypeProperty, contentType);
            }
            foreach (var (name, value) in eventData.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (name is EventData.RecordIdProperty or EventData.BodyEncodingProperty or EventData.ContentTypeProperty)
                {
                    throw new ArgumentException($"The user property '{name}' is reserved.", nameof(eventData));
                }
                writer.WriteString(name, value);
            }
            writer.WriteEndObject();
            if (partitionKey is not null)
            {
                writer.WriteStartObject("BrokerProperties");
                writer.WriteString("PartitionKey", partitionKey);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Splits <paramref name="events"/> into request bodies of at most <paramref name="maxBodyBytes"/> bytes each, in
    /// order. Every event is serialized before anything is sent, so a too-large event fails the whole call up front.
    /// </summary>
    /// <returns>Each body with the number of events it holds.</returns>
    /// <exception cref="ArgumentException">One event alone exceeds the limit.</exception>
    public static IReadOnlyList<(byte[] Body, int EventCount)> Split(IReadOnlyList<EventData> events, string? partitionKey, int maxBodyBytes)
    {
        var bodies = new List<(byte[], int)>();
        var pending = new List<byte[]>();
        var pendingBytes = 0L;
        for (var index = 0; index < events.Count; index++)
        {
            var message = SerializeMessage(events[index], partitionKey);
            if (message.Length + 2 > maxBodyBytes)
            {
                throw new ArgumentException(
                    $"Event #{index} (recordId {events[index].RecordId}) serializes to {message.Length + 2} bytes; one request may carry {maxBodyBytes}.",
                    nameof(events));
            }
            // The array's brackets plus one comma per message after the first.
            var grown = pending.Count == 0 ? 2 + message.Length : pendingBytes + 1 + message.Length;
            if (grown > maxBodyBytes)
            {
                bodies.Add((Join(pending, pendingBytes), pending.Count));
                pending.Clear();
                grown = 2 + message.Length;
            }
            pending.Add(message);
            pendingBytes = grown;
        }
        if (pending.Count > 0)
        {
            bodies.Add((Join(pending, pendingBytes), pending.Count));
        }
        return bodies;
    }

    private static byte[] Join(List<byte[]> messages, long totalBytes)
    {
        var body = new byte[totalBytes];
        var position = 0;
        body[position++] = (byte)'[';
        for (var i = 0; i < messages.Count; i++)
        {
            if (i > 0)
            {
                body[position++] = (byte)',';
            }
            messages[i].CopyTo(body, position);
            position += messages[i].Length;
        }
        body[position] = (byte)']';
        return body;
    }
}
