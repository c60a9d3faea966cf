using global::Azure;

namespace Ledger.Azure.Blobs;

/// <summary>The kind of a blob.</summary>
public enum BlobType
{
    /// <summary>A block blob (uploaded whole or as committed blocks).</summary>
    Block,

    /// <summary>An append blob (only appends after creation).</summary>
    Append,

    /// <summary>A page blob (not written by these clients).</summary>
    Page,
}

/// <summary>A blob's lease state (x-ms-lease-state).</summary>
public enum LeaseState
{
    /// <summary>No lease; can be acquired.</summary>
    Available,

    /// <summary>Leased.</summary>
    Leased,

    /// <summary>The lease expired; can be acquired (or renewed with the same id).</summary>
    Expired,

    /// <summary>Being broken; the break period has not elapsed.</summary>
    Breaking,

    /// <summary>Broken; can be acquired.</summary>
    Broken,
}

/// <summary>A blob's lease status (x-ms-lease-status).</summary>
public enum LeaseStatus
{
    /// <summary>Writes need the lease id.</summary>
    Locked,

    /// <summary>No active lease.</summary>
    Unlocked,
}

/// <summary>A lease's duration kind (x-ms-lease-duration).</summary>
public enum LeaseDurationType
{
    /// <summary>Never expires; must be released or broken.</summary>
    Infinite,

    /// <summary>Expires after 15 to 60 seconds unless renewed.</summary>
    Fixed,
}

/// <summary>The outcome of a write that creates or replaces blob content.</summary>
/// <param name="ETag">The blob's new ETag.</param>
/// <param name="LastModified">The blob's new last-modified time.</param>
public sealed record BlobContentInfo(ETag ETag, DateTimeOffset LastModified);

/// <summary>The outcome of an append.</summary>
/// <param name="ETag">The blob's new ETag.</param>
/// <param name="LastModified">The blob's new last-modified time.</param>
/// <param name="AppendOffset">Where the appended block starts (x-ms-blob-append-offset).</param>
/// <param name="CommittedBlockCount">Blocks in the blob after the append.</param>
public sealed record BlobAppendInfo(ETag ETag, DateTimeOffset LastModified, long AppendOffset, int CommittedBlockCount);

/// <summary>A blob's system properties and metadata.</summary>
/// <param name="ContentLength">The blob's size in bytes.</param>
/// <param name="ContentType">The stored Content-Type.</param>
/// <param name="ETag">The current ETag.</param>
/// <param name="LastModified">The last-modified time.</param>
/// <param name="BlobType">Block, append or page.</param>
/// <param name="LeaseState">The lease state.</param>
/// <param name="LeaseStatus">The lease status.</param>
/// <param name="LeaseDuration">Fixed or infinite, when leased.</param>
/// <param name="Metadata">The x-ms-meta-* pairs (names lower-cased by the service on some paths).</param>
public sealed record BlobProperties(
    long ContentLength,
    string? ContentType,
    ETag ETag,
    DateTimeOffset LastModified,
    BlobType BlobType,
    LeaseState LeaseState,
    LeaseStatus LeaseStatus,
    LeaseDurationType? LeaseDuration,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>Downloaded blob content with the properties that came with it.</summary>
/// <param name="Content">The bytes (the requested range, or the whole blob).</param>
/// <param name="ETag">The blob's ETag.</param>
/// <param name="LastModified">The blob's last-modified time.</param>
/// <param name="BlobLength">The whole blob's size (from Content-Range for ranges).</param>
/// <param name="ContentRange">The Content-Range header for range reads (e.g. "bytes 0-9/100"), else null.</param>
/// <param name="ContentType">The stored Content-Type.</param>
public sealed record BlobDownloadResult(BinaryData Content, ETag ETag, DateTimeOffset LastModified, long BlobLength, string? ContentRange, string? ContentType);

/// <summary>One listing entry: a blob, or (with a delimiter) a virtual directory prefix.</summary>
/// <param name="Name">The blob name, or the prefix ending with the delimiter.</param>
/// <param name="IsPrefix">True for a virtual directory (BlobPrefix).</param>
/// <param name="ContentLength">The blob's size; null for prefixes.</param>
/// <param name="ETag">The blob's ETag; null for prefixes.</param>
/// <param name="LastModified">The blob's last-modified time; null for prefixes.</param>
/// <param name="BlobType">The blob's type; null for prefixes.</param>
public sealed record BlobItem(string Name, bool IsPrefix, long? ContentLength, ETag? ETag, DateTimeOffset? LastModified, BlobType? BlobType);

/// <summary>A lease as the service reported it.</summary>
/// <param name="LeaseId">The lease id (empty after a break).</param>
/// <param name="ETag">The blob's ETag.</param>
/// <param name="LastModified">The blob's last-modified time.</param>
/// <param name="LeaseTime">After a break: time left until the lease is broken.</param>
public sealed record BlobLease(string LeaseId, ETag ETag, DateTimeOffset LastModified, TimeSpan? LeaseTime);

/// <summary>ETag, date and lease conditions of a blob operation.</summary>
public class BlobRequestConditions : RequestConditions
{
    /// <summary>The lease id the blob's active lease must have (required to write a leased blob).</summary>
    public string? LeaseId { get; set; }
}

/// <summary>Conditions of an append: those of <see cref="BlobRequestConditions"/> plus position and size checks.</summary>
public sealed class AppendBlobRequestConditions : BlobRequestConditions
{
    /// <summary>Append only if the blob's current length equals this (412 AppendPositionConditionNotMet otherwise).</summary>
    public long? IfAppendPositionEqual { get; set; }

    /// <summary>Append only if the blob's length after the append would be at most this (412 MaxBlobSizeConditionNotMet).</summary>
    public long? IfMaxSizeLessThanOrEqual { get; set; }
}
