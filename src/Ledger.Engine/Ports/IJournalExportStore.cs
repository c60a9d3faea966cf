namespace Ledger.Engine.Ports;

/// <summary>QLDB's export states (DescribeJournalS3Export <c>Status</c>).</summary>
public enum JournalExportStatus
{
    /// <summary>The worker still copies blocks.</summary>
    InProgress,

    /// <summary>Every block of the time range was written and the completed manifest is in place.</summary>
    Completed,

    /// <summary>Stopped for good (the ledger was deleted, or the destination refused the export).</summary>
    Cancelled,
}

/// <summary>The output formats of ExportJournalToS3.</summary>
public enum JournalExportFormat
{
    /// <summary>Ion text, one block per line (QLDB's default).</summary>
    IonText,

    /// <summary>One Ion binary stream of blocks per object.</summary>
    IonBinary,

    /// <summary>JSON Lines, Ion down-converted (docs/ion-json-mapping.md); block hashes survive, revision hashes cannot be recomputed.</summary>
    Json,
}

/// <summary>
/// An export job's definition and progress. <see cref="NextSequenceNo"/> and <see cref="Keys"/> are the durable
/// checkpoint: every block before <see cref="NextSequenceNo"/> is in one of <see cref="Keys"/> (null until the first
/// block of the time range is found). <see cref="ETag"/> guards conditional updates, so two workers never both move it.
/// </summary>
/// <param name="LedgerName">The exported ledger.</param>
/// <param name="ExportId">QLDB-style 22-character id.</param>
/// <param name="ExportCreationTime">When ExportJournalToS3 was called.</param>
/// <param name="InclusiveStartTime">Blocks committed at or after it (already clamped to the ledger's creation).</param>
/// <param name="ExclusiveEndTime">Blocks committed before it.</param>
/// <param name="Bucket">S3ExportConfiguration.Bucket: the Blob container.</param>
/// <param name="Prefix">S3ExportConfiguration.Prefix, prepended verbatim to every key.</param>
/// <param name="EncryptionType">S3ExportConfiguration.EncryptionConfiguration.ObjectEncryptionType (kept for Describe).</param>
/// <param name="KmsKeyArn">Kept for Describe; Blob storage encrypts at rest itself.</param>
/// <param name="RoleArn">Kept for Describe; access goes through the handler's identity.</param>
/// <param name="OutputFormat">The format, null when the request named none (ION_TEXT then; the started manifest omits it).</param>
/// <param name="Status">IN_PROGRESS, COMPLETED or CANCELLED.</param>
/// <param name="StrandId">The ledger's strand (part of the data and completed-manifest keys).</param>
/// <param name="StartedManifestWritten">Whether the started manifest is in place.</param>
/// <param name="NextSequenceNo">The first block not yet exported; null until the start of the range was located.</param>
/// <param name="Keys">The data objects written so far, in sequence order.</param>
/// <param name="BytesWritten">Data bytes written so far (progress).</param>
/// <param name="ETag">The store's version of the record.</param>
public sealed record JournalExportRecord(
    string LedgerName,
    string ExportId,
    DateTimeOffset ExportCreationTime,
    DateTimeOffset InclusiveStartTime,
    DateTimeOffset ExclusiveEndTime,
    string Bucket,
    string Prefix,
    string EncryptionType,
    string? KmsKeyArn,
    string? RoleArn,
    JournalExportFormat? OutputFormat,
    JournalExportStatus Status,
    string StrandId,
    bool StartedManifestWritten,
    long? NextSequenceNo,
    IReadOnlyList<string> Keys,
    long BytesWritten,
    string? ETag = null)
{
    /// <summary>The format blocks are written in.</summary>
    public JournalExportFormat Format => OutputFormat ?? JournalExportFormat.IonText;

    /// <summary>Whether the worker still works on the export.</summary>
    public bool IsInProgress => Status is JournalExportStatus.InProgress;
}

/// <summary>
/// Export definitions and checkpoints (Azure Table: partition = ledger, row = export id). Conditional writes:
/// insert-if-absent for create, ETag match for update.
/// </summary>
public interface IJournalExportStore
{
    /// <summary>Inserts the export; false when its id is taken.</summary>
    ValueTask<bool> TryCreateAsync(JournalExportRecord export, CancellationToken cancellationToken = default);

    /// <summary>The export with its current ETag, or null.</summary>
    ValueTask<JournalExportRecord?> GetAsync(string ledgerName, string exportId, CancellationToken cancellationToken = default);

    /// <summary>Every export of the ledger, in creation order.</summary>
    ValueTask<IReadOnlyList<JournalExportRecord>> ListAsync(string ledgerName, CancellationToken cancellationToken = default);

    /// <summary>Replaces the export if its ETag still matches; false on a concurrent change.</summary>
    ValueTask<bool> TryUpdateAsync(JournalExportRecord export, CancellationToken cancellationToken = default);
}

/// <summary>The export destination failed; the checkpoint stays where it was and a later pass retries.</summary>
public sealed class ExportTargetException : Exception
{
    /// <summary>Creates the failure.</summary>
    public ExportTargetException(string message, bool isPermanent, Exception? innerException = null)
        : base(message, innerException)
    {
        IsPermanent = isPermanent;
    }

    /// <summary>Creates a transient failure.</summary>
    public ExportTargetException()
        : this("The export destination failed.", isPermanent: false)
    {
    }

    /// <summary>Creates a transient failure with a message.</summary>
    public ExportTargetException(string message)
        : this(message, isPermanent: false)
    {
    }

    /// <summary>Creates a transient failure with a message and cause.</summary>
    public ExportTargetException(string message, Exception innerException)
        : this(message, isPermanent: false, innerException)
    {
    }

    /// <summary>True when retrying cannot help (the container does not exist, access is refused).</summary>
    public bool IsPermanent { get; }
}

/// <summary>
/// Where export objects go (a Blob container; S3 in QLDB). A put replaces any object of the same key, which is what
/// makes a repeated pass after a crash harmless: it writes the same bytes under the same key.
/// </summary>
public interface IExportTarget
{
    /// <summary>Writes (or replaces) one object; throws <see cref="ExportTargetException"/> when the destination fails.</summary>
    ValueTask PutObjectAsync(string bucket, string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken = default);
}

/// <summary>Reads export objects back (offline verification, import).</summary>
public interface IExportSource
{
    /// <summary>The object's bytes, or null when there is no such object.</summary>
    ValueTask<ReadOnlyMemory<byte>?> GetObjectAsync(string bucket, string key, CancellationToken cancellationToken = default);

    /// <summary>The keys that start with <paramref name="prefix"/>, in ordinal order.</summary>
    ValueTask<IReadOnlyList<string>> ListKeysAsync(string bucket, string prefix, CancellationToken cancellationToken = default);
}
