using global::Azure;

namespace Ledger.Azure.EventHubs;

/// <summary>Whether a failed send may succeed later without anyone changing anything.</summary>
public enum EventHubsFailureKind
{
    /// <summary>Throttling, timeouts, service or network errors (0, 408, 429, 500, 502, 503, 504): keep retrying; a stream stays ACTIVE for a while.</summary>
    Transient = 0,

    /// <summary>Bad payload, credentials, permissions, missing hub, too large (400, 401, 403, 404, 413, …): retrying will not help; a stream is IMPAIRED.</summary>
    Persistent = 1,
}

/// <summary>
/// A send that failed after the pipeline's retries. <see cref="RequestFailedException.Status"/> is the last HTTP
/// status (0 for network errors and timeouts), <see cref="Kind"/> tells a pump whether to mark its stream IMPAIRED, and
/// <see cref="EventsSent"/> says how many leading events of the call were accepted by earlier requests (they are
/// published; resending them makes duplicates, which consumers drop by record id).
/// </summary>
public sealed class EventHubsSendException : RequestFailedException
{
    /// <summary>Creates the exception.</summary>
    public EventHubsSendException(int status, string message, string? errorCode, EventHubsFailureKind kind, int eventsSent, Exception? innerException)
        : base(status, message, errorCode, innerException)
    {
        Kind = kind;
        EventsSent = eventsSent;
    }

    /// <summary>Transient or persistent.</summary>
    public EventHubsFailureKind Kind { get; }

    /// <summary>True for <see cref="EventHubsFailureKind.Transient"/>.</summary>
    public bool IsTransient => Kind == EventHubsFailureKind.Transient;

    /// <summary>How many leading events of the failed call earlier requests delivered.</summary>
    public int EventsSent { get; }

    /// <summary>Classifies an HTTP status (0: no response) the way the send contract does.</summary>
    public static EventHubsFailureKind Classify(int status) => status switch
    {
        0 or 408 or 429 or 500 or 502 or 503 or 504 => EventHubsFailureKind.Transient,
        _ => EventHubsFailureKind.Persistent,
    };
}
