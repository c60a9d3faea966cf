using System.Text;

namespace Ledger.Azure.EventHubs;

/// <summary>How an event's bytes travel in the JSON batch's string <c>Body</c>.</summary>
public enum EventBodyEncoding
{
    /// <summary>Base64 text; the <c>bodyEncoding</c> user property says <c>base64</c>. Any bytes survive (Ion binary).</summary>
    Base64 = 0,

    /// <summary>The bytes are UTF-8 text and travel as that text (JSON, Ion text).</summary>
    Utf8Text = 1,
}

/// <summary>
/// One event: its body, a deterministic record id (so consumers can deduplicate the at-least-once stream) and string
/// user properties.
/// </summary>
public sealed class EventData
{
    /// <summary>The user property that carries <see cref="RecordId"/>.</summary>
    public const string RecordIdProperty = "recordId";

    /// <summary>The user property that says the body is base64 (value <c>base64</c>).</summary>
    public const string BodyEncodingProperty = "bodyEncoding";

    /// <summary>The user property that carries <see cref="ContentType"/>.</summary>
    public const string ContentTypeProperty = "contentType";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Creates an event from bytes sent as base64 (any bytes survive).</summary>
    public EventData(BinaryData body, string recordId, string? contentType = null)
        : this(body, recordId, contentType, EventBodyEncoding.Base64)
    {
    }

    private EventData(BinaryData body, string recordId, string? contentType, EventBodyEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentException.ThrowIfNullOrWhiteSpace(recordId);
        Body = body;
        RecordId = recordId;
        ContentType = contentType;
        BodyEncoding = encoding;
    }

    /// <summary>Creates an event whose body is <paramref name="text"/>, sent as that text.</summary>
    public static EventData FromText(string text, string recordId, string? contentType = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new EventData(BinaryData.FromString(text), recordId, contentType, EventBodyEncoding.Utf8Text);
    }

    /// <summary>The body bytes.</summary>
    public BinaryData Body { get; }

    /// <summary>A deterministic id (e.g. stream id + block sequence + record index) sent as the <c>recordId</c> user property.</summary>
    public string RecordId { get; }

    /// <summary>The body's media type, sent as the <c>contentType</c> user property when set.</summary>
    public string? ContentType { get; }

    /// <summary>How the body travels in the JSON batch.</summary>
    public EventBodyEncoding BodyEncoding { get; }

    /// <summary>
    /// More user properties. <c>recordId</c>, <c>bodyEncoding</c> and <c>contentType</c> are reserved for the
    /// values above.
    /// </summary>
    public IDictionary<string, string> Properties { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The <c>Body</c> string of the JSON batch format.</summary>
    internal string BodyText => BodyEncoding == EventBodyEncoding.Base64
        ? Convert.ToBase64String(Body.ToMemory().Span)
        : StrictUtf8.GetString(Body.ToMemory().Span);
}
