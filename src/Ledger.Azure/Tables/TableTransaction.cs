using global::Azure;

namespace Ledger.Azure.Tables;

/// <summary>How an update or upsert combines the new entity with the stored one.</summary>
public enum TableUpdateMode
{
    /// <summary>Keeps stored properties that the new entity does not mention (HTTP MERGE).</summary>
    Merge,

    /// <summary>Replaces the stored entity entirely (HTTP PUT).</summary>
    Replace,
}

/// <summary>The kind of one operation in a <see cref="TableTransaction"/>.</summary>
public enum TableTransactionActionType
{
    /// <summary>Insert; fails with 409 EntityAlreadyExists when present.</summary>
    Add,

    /// <summary>Insert or merge.</summary>
    UpsertMerge,

    /// <summary>Insert or replace.</summary>
    UpsertReplace,

    /// <summary>Merge into an existing entity, conditional on an ETag (or <see cref="ETag.All"/>).</summary>
    UpdateMerge,

    /// <summary>Replace an existing entity, conditional on an ETag (or <see cref="ETag.All"/>).</summary>
    UpdateReplace,

    /// <summary>Delete, conditional on an ETag (or <see cref="ETag.All"/>).</summary>
    Delete,
}

/// <summary>
/// An entity group transaction (<c>$batch</c>) under construction. The service's rules are enforced here as each
/// operation is added, because Azurite does not enforce them: one partition key, at most
/// <see cref="MaxOperations"/> operations, each entity at most once, and at most <see cref="MaxPayloadBytes"/> of
/// payload. Entities are serialized when added, so later changes to the entity objects do not affect the batch.
/// </summary>
public sealed class TableTransaction
{
    /// <summary>The service's limit on operations per change set.</summary>
    public const int MaxOperations = 100;

    /// <summary>The service's limit on the whole request body.</summary>
    public const int MaxPayloadBytes = 4 * 1024 * 1024;

    // Multipart framing per operation: part headers, request line with the absolute URL, inner headers.
    // Generous so that EstimatedPayloadBytes never underestimates what BuildBody produces.
    private const int OperationOverheadBytes = 512;
    private const int EnvelopeOverheadBytes = 256;

    private readonly List<TableTransactionAction> _actions = [];
    private readonly HashSet<string> _rowKeys = new(StringComparer.Ordinal);

    /// <summary>What the operations of one transaction may weigh together (<see cref="OperationBytes"/>): the payload limit less the envelope.</summary>
    public const long MaxOperationsBytes = MaxPayloadBytes - EnvelopeOverheadBytes;

    /// <summary>
    /// An upper bound of what one operation on <paramref name="entity"/> adds to a transaction's payload (its body,
    /// none for a delete, plus framing and the keys in the URL), so that writers grouping operations ahead of a
    /// transaction (a write coalescer) cut groups the transaction accepts.
    /// </summary>
    public static long OperationBytes(TableEntity entity, bool withBody = true)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return OperationOverheadBytes + (withBody ? TableEntityJson.Serialize(entity).Length : 0) + (2 * (entity.PartitionKey.Length + entity.RowKey.Length) * 3);
    }

    /// <summary>The partition key shared by all operations; null while empty.</summary>
    public string? PartitionKey { get; private set; }

    /// <summary>The number of operations.</summary>
    public int Count => _actions.Count;

    /// <summary>The operations in order.</summary>
    public IReadOnlyList<TableTransactionAction> Actions => _actions;

    /// <summary>An upper bound of the request body size; the exact size is checked again before sending.</summary>
    public long EstimatedPayloadBytes { get; private set; } = EnvelopeOverheadBytes;

    /// <summary>Whether an operation on (<paramref name="partitionKey"/>, <paramref name="rowKey"/>) with a body of about <paramref name="entityBytes"/> would still fit the rules.</summary>
    public bool CanAdd(string partitionKey, string rowKey, int entityBytes = 0) =>
        _actions.Count < MaxOperations
        && (PartitionKey is null || PartitionKey == partitionKey)
        && !_rowKeys.Contains(rowKey)
        && EstimatedPayloadBytes + OperationOverheadBytes + entityBytes + (2 * (partitionKey.Length + rowKey.Length) * 3) <= MaxPayloadBytes;

    /// <summary>Inserts <paramref name="entity"/>.</summary>
    public TableTransaction AddEntity(TableEntity entity) => Append(TableTransactionActionType.Add, entity, null);

    /// <summary>Inserts or merges/replaces <paramref name="entity"/>.</summary>
    public TableTransaction UpsertEntity(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Merge) =>
        Append(mode == TableUpdateMode.Merge ? TableTransactionActionType.UpsertMerge : TableTransactionActionType.UpsertReplace, entity, null);

    /// <summary>Merges/replaces <paramref name="entity"/> if its stored ETag equals <paramref name="ifMatch"/>.</summary>
    public TableTransaction UpdateEntity(TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Merge) =>
        Append(mode == TableUpdateMode.Merge ? TableTransactionActionType.UpdateMerge : TableTransactionActionType.UpdateReplace, entity, RequireETag(ifMatch));

    /// <summary>Deletes the entity if its stored ETag equals <paramref name="ifMatch"/> (default: any).</summary>
    public TableTransaction DeleteEntity(string partitionKey, string rowKey, ETag ifMatch = default) =>
        Append(TableTransactionActionType.Delete, new TableEntity(partitionKey, rowKey), ifMatch == default ? ETag.All : ifMatch);

    private static ETag RequireETag(ETag etag) =>
        etag == default ? throw new ArgumentException("A conditional update needs an ETag; use ETag.All for any.", nameof(etag)) : etag;

    private TableTransaction Append(TableTransactionActionType type, TableEntity entity, ETag? ifMatch)
    {
        ArgumentNullException.ThrowIfNull(entity);
        TableKeys.Validate(entity.PartitionKey, entity.RowKey);
        entity.ValidateLimits();
        if (_actions.Count >= MaxOperations)
        {
            throw new InvalidOperationException($"A table transaction holds at most {MaxOperations} operations.");
        }
        if (PartitionKey is not null && PartitionKey != entity.PartitionKey)
        {
            throw new ArgumentException(
                $"All operations of a table transaction must share one partition key: '{PartitionKey}' was first, operation #{_actions.Count} has '{entity.PartitionKey}'.",
                nameof(entity));
        }
        if (_rowKeys.Contains(entity.RowKey))
        {
            throw new ArgumentException(
                $"A table transaction may touch an entity only once: RowKey '{entity.RowKey}' is already in it.", nameof(entity));
        }
        var body = type == TableTransactionActionType.Delete ? null : TableEntityJson.Serialize(entity);
        var size = OperationOverheadBytes + (body?.Length ?? 0) + (2 * (entity.PartitionKey.Length + entity.RowKey.Length) * 3);
        if (EstimatedPayloadBytes + size > MaxPayloadBytes)
        {
            throw new InvalidOperationException(
                $"A table transaction's payload is at most {MaxPayloadBytes} bytes; adding operation #{_actions.Count} would exceed it.");
        }

        PartitionKey = entity.PartitionKey;
        _rowKeys.Add(entity.RowKey);
        // A null array must stay a null body: ReadOnlyMemory's implicit conversion would turn null into an empty body.
        var bodyMemory = body is null ? default(ReadOnlyMemory<byte>?) : new ReadOnlyMemory<byte>(body);
        _actions.Add(new TableTransactionAction(type, entity.PartitionKey, entity.RowKey, ifMatch, bodyMemory));
        EstimatedPayloadBytes += size;
        return this;
    }
}

/// <summary>One operation of a <see cref="TableTransaction"/>.</summary>
/// <param name="ActionType">What the operation does.</param>
/// <param name="PartitionKey">The entity's partition key.</param>
/// <param name="RowKey">The entity's row key.</param>
/// <param name="IfMatch">The ETag condition, if any.</param>
/// <param name="Body">The serialized entity (null for deletes).</param>
public sealed record TableTransactionAction(TableTransactionActionType ActionType, string PartitionKey, string RowKey, ETag? IfMatch, ReadOnlyMemory<byte>? Body);

/// <summary>The outcome of one successful operation of a committed transaction.</summary>
/// <param name="Status">The operation's HTTP status (204 for writes with return-no-content).</param>
/// <param name="ETag">The entity's new ETag (default for deletes).</param>
public sealed record TableTransactionResult(int Status, ETag ETag);

/// <summary>
/// A transaction the service rejected: nothing was committed. <see cref="FailedOperationIndex"/> is the zero-based
/// index of the operation that failed, when the service reported it.
/// </summary>
public sealed class TableTransactionFailedException : RequestFailedException
{
    /// <summary>Creates the exception for a failed operation.</summary>
    public TableTransactionFailedException(int status, string message, string? errorCode, int? failedOperationIndex, Exception? innerException = null)
        : base(status, message, errorCode, innerException)
    {
        FailedOperationIndex = failedOperationIndex;
    }

    /// <summary>The zero-based index of the failed operation, or null when unknown.</summary>
    public int? FailedOperationIndex { get; }
}
