namespace Ledger.Engine.Ports;

/// <summary>QLDB's stream states (DescribeJournalKinesisStream <c>Status</c>).</summary>
public enum JournalStreamStatus
{
    /// <summary>Streaming.</summary>
    Active,

    /// <summary>Reached its exclusive end time; a CONTROL COMPLETED record was written.</summary>
    Completed,

    /// <summary>Cancelled by CancelJournalKinesisStream.</summary>
    Canceled,

    /// <summary>Stopped for good by an unrecoverable error.</summary>
    Failed,

    /// <summary>The destination refuses or fails; the stream keeps its position and recovers when the cause clears.</summary>
    Impaired,
}

/// <summary>How record bodies are written.</summary>
public enum StreamRecordFormat
{
    /// <summary>Ion binary, as QLDB wrote to Kinesis.</summary>
    IonBinary,

    /// <summary>Ion down-converted to JSON text (docs/ion-json-mapping.md); not re-hashable.</summary>
    Json,
}

/// <summary>
/// A journal stream's definition and progress. <see cref="NextSequenceNo"/> is the durable checkpoint: every block
/// before it has been acknowledged by the destination. <see cref="ETag"/> guards conditional updates, so two pump
/// instances never both move a checkpoint.
/// </summary>
public sealed record JournalStreamRecord(
    string LedgerName,
    string StreamId,
    string StreamName,
    string Arn,
    string? RoleArn,
    DateTimeOffset CreationTime,
    DateTimeOffset InclusiveStartTime,
    DateTimeOffset? ExclusiveEndTime,
    string DestinationArn,
    bool AggregationEnabled,
    StreamRecordFormat Format,
    JournalStreamStatus Status,
    string? ErrorCause,
    long NextSequenceNo,
    bool CreatedRecordSent,
    int ConsecutiveFailures,
    string? ETag = null)
{
    /// <summary>Whether the pump still works on the stream.</summary>
    public bool IsLive => Status is JournalStreamStatus.Active or JournalStreamStatus.Impaired;
}

/// <summary>
/// Stream definitions and checkpoints (Azure Table: partition = ledger, row = stream id). Conditional writes:
/// insert-if-absent for create, ETag match for update.
/// </summary>
public interface IJournalStreamStore
{
    /// <summary>Inserts the stream; false when its id is taken.</summary>
    ValueTask<bool> TryCreateAsync(JournalStreamRecord stream, CancellationToken cancellationToken = default);

    /// <summary>The stream with its current ETag, or null.</summary>
    ValueTask<JournalStreamRecord?> GetAsync(string ledgerName, string streamId, CancellationToken cancellationToken = default);

    /// <summary>Every stream of the ledger, in creation order.</summary>
    ValueTask<IReadOnlyList<JournalStreamRecord>> ListAsync(string ledgerName, CancellationToken cancellationToken = default);

    /// <summary>Replaces the stream if its ETag still matches; false on a concurrent change.</summary>
    ValueTask<bool> TryUpdateAsync(JournalStreamRecord stream, CancellationToken cancellationToken = default);
}

/// <summary>One event for a stream destination: a record (or a KPL aggregate of records) and its identity.</summary>
/// <param name="RecordId">Deterministic id for de-duplication (an aggregate: <c>first..last</c>).</param>
/// <param name="PartitionKey">Keeps the stream's events in one ordered partition.</param>
/// <param name="Body">Ion binary, JSON text or a KPL aggregate.</param>
/// <param name="ContentType"><c>application/x-amzn-ion</c>, <c>application/json</c> or <c>application/x-kpl-aggregated</c>.</param>
/// <param name="RecordCount">How many stream records the event carries.</param>
public sealed record StreamEvent(string RecordId, string PartitionKey, ReadOnlyMemory<byte> Body, string ContentType, int RecordCount);

/// <summary>Whether a destination failure may clear by itself.</summary>
public enum StreamFailureKind
{
    /// <summary>Throttling, timeouts, 5xx: retry later; IMPAIRED only when it persists.</summary>
    Transient,

    /// <summary>Bad credentials, missing destination, refused payload: IMPAIRED at once.</summary>
    Persistent,
}

/// <summary>A destination refused or failed a send; nothing after the checkpoint counts as delivered.</summary>
public sealed class StreamSinkException : Exception
{
    /// <summary>Creates the failure.</summary>
    public StreamSinkException(StreamFailureKind kind, string errorCause, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        ErrorCause = errorCause;
    }

    /// <summary>Creates a transient failure with a message.</summary>
    public StreamSinkException()
        : this(StreamFailureKind.Transient, StreamErrorCauses.DestinationNotFound, "The stream destination failed.")
    {
    }

    /// <summary>Creates a transient failure with a message.</summary>
    public StreamSinkException(string message)
        : this(StreamFailureKind.Transient, StreamErrorCauses.DestinationNotFound, message)
    {
    }

    /// <summary>Creates a transient failure with a message and cause.</summary>
    public StreamSinkException(string message, Exception innerException)
        : this(StreamFailureKind.Transient, StreamErrorCauses.DestinationNotFound, message, innerException)
    {
    }

    /// <summary>Whether it may clear by itself.</summary>
    public StreamFailureKind Kind { get; }

    /// <summary>The <c>ErrorCause</c> an IMPAIRED stream reports (<see cref="StreamErrorCauses"/>).</summary>
    public string ErrorCause { get; }
}

/// <summary>QLDB's <c>ErrorCause</c> values for an impaired stream.</summary>
public static class StreamErrorCauses
{
    /// <summary>The destination does not exist or cannot be reached.</summary>
    public const string DestinationNotFound = "KINESIS_STREAM_NOT_FOUND";

    /// <summary>The destination refuses our credentials.</summary>
    public const string PermissionRevoked = "IAM_PERMISSION_REVOKED";
}

/// <summary>Delivers a stream's events, in order, acknowledging only what the destination accepted.</summary>
public interface IStreamSink
{
    /// <summary>Sends the events in order; returns once all are acknowledged or throws <see cref="StreamSinkException"/>.</summary>
    ValueTask SendAsync(JournalStreamRecord stream, IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken = default);
}
