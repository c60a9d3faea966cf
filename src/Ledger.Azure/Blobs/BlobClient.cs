using System.Globalization;
using global::Azure;

namespace Ledger.Azure.Blobs;

/// <summary>
/// One blob: block uploads (whole or staged blocks), append blobs, (range) downloads, properties, deletes, leases.
/// Writes accept <see cref="BlobRequestConditions"/>: <c>IfNoneMatch = ETag.All</c> creates only (409
/// BlobAlreadyExists when present), <c>IfMatch</c> overwrites only the version read (412 ConditionNotMet), and
/// <c>LeaseId</c> is required on a leased blob (412 LeaseIdMissing / LeaseIdMismatchWithBlobOperation).
/// </summary>
public sealed class BlobClient
{
    private readonly BlobRestClient _rest;

    internal BlobClient(BlobRestClient rest, string containerName, string blobName)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        if (blobName.Length > 1024)
        {
            throw new ArgumentException("A blob name is at most 1024 characters.", nameof(blobName));
        }
        _rest = rest;
        ContainerName = containerName;
        Name = blobName;
    }

    /// <summary>The container name.</summary>
    public string ContainerName { get; }

    /// <summary>The blob name.</summary>
    public string Name { get; }

    /// <summary>Uploads <paramref name="content"/> as a block blob in one request (replacing it unless conditions say otherwise).</summary>
    public async Task<Response<BlobContentInfo>> UploadAsync(BinaryData content, BlobRequestConditions? conditions = null, string? contentType = null,
        IDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var response = await _rest.PutBlobAsync(ContainerName, Name, BlobType.Block, content, contentType, metadata, conditions, allowExisting: false, cancellationToken);
        return Response.FromValue(ContentInfoOf(response), response);
    }

    /// <summary>Uploads an uncommitted block; <paramref name="blockId"/> is base64 of an id of the same length for every block of the blob.</summary>
    public Task<Response> StageBlockAsync(string blockId, BinaryData content, string? leaseId = null, CancellationToken cancellationToken = default)
    {
        ValidateBlockId(blockId);
        ArgumentNullException.ThrowIfNull(content);
        return _rest.PutBlockAsync(ContainerName, Name, blockId, content, leaseId, cancellationToken);
    }

    /// <summary>Commits the blob as the given blocks, in order (each may be staged or already committed).</summary>
    public async Task<Response<BlobContentInfo>> CommitBlockListAsync(IEnumerable<string> blockIds, BlobRequestConditions? conditions = null, string? contentType = null,
        IDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blockIds);
        var ids = blockIds.ToList();
        ids.ForEach(ValidateBlockId);
        var response = await _rest.PutBlockListAsync(ContainerName, Name, ids, contentType, metadata, conditions, cancellationToken);
        return Response.FromValue(ContentInfoOf(response), response);
    }

    /// <summary>Creates an empty append blob (replacing any blob of that name unless conditions say otherwise).</summary>
    public async Task<Response<BlobContentInfo>> CreateAppendBlobAsync(BlobRequestConditions? conditions = null, string? contentType = null,
        IDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        var response = await _rest.PutBlobAsync(ContainerName, Name, BlobType.Append, null, contentType, metadata, conditions, allowExisting: false, cancellationToken);
        return Response.FromValue(ContentInfoOf(response), response);
    }

    /// <summary>Creates an empty append blob unless a blob of that name exists; the value is true when this call created it.</summary>
    public async Task<Response<bool>> CreateAppendBlobIfNotExistsAsync(string? contentType = null, IDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        var response = await _rest.PutBlobAsync(ContainerName, Name, BlobType.Append, null, contentType, metadata,
            new BlobRequestConditions { IfNoneMatch = ETag.All }, allowExisting: true, cancellationToken);
        return Response.FromValue(response.Status == 201, response);
    }

    /// <summary>
    /// Appends a block to an append blob. <see cref="AppendBlobRequestConditions.IfAppendPositionEqual"/> makes the append
    /// exactly-once (412 AppendPositionConditionNotMet when someone else appended first).
    /// </summary>
    public async Task<Response<BlobAppendInfo>> AppendBlockAsync(BinaryData content, AppendBlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var response = await _rest.AppendBlockAsync(ContainerName, Name, content, conditions, cancellationToken);
        var headers = response.Headers;
        var offset = headers.TryGetValue("x-ms-blob-append-offset", out var o) ? long.Parse(o, CultureInfo.InvariantCulture) : 0;
        var blocks = headers.TryGetValue("x-ms-blob-committed-block-count", out var c) ? int.Parse(c, CultureInfo.InvariantCulture) : 0;
        return Response.FromValue(new BlobAppendInfo(headers.ETag ?? default, BlobRestClient.LastModifiedOf(response), offset, blocks), response);
    }

    /// <summary>
    /// Downloads the blob, or <paramref name="range"/> of it (e.g. <c>new HttpRange(10, 5)</c>; open-ended
    /// <c>new HttpRange(10)</c>). A range beyond the end throws 416 InvalidRange; a missing blob 404 BlobNotFound.
    /// </summary>
    public async Task<Response<BlobDownloadResult>> DownloadContentAsync(HttpRange range = default, BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var (content, response) = await _rest.GetBlobAsync(ContainerName, Name, range, conditions, cancellationToken);
        var headers = response.Headers;
        headers.TryGetValue("Content-Range", out var contentRange);
        var length = content.ToMemory().Length;
        long blobLength = length;
        if (contentRange is not null)
        {
            var slash = contentRange.LastIndexOf('/');
            if (slash >= 0 && long.TryParse(contentRange.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total))
            {
                blobLength = total;
            }
        }
        return Response.FromValue(
            new BlobDownloadResult(content, headers.ETag ?? default, BlobRestClient.LastModifiedOf(response), blobLength, contentRange, headers.ContentType),
            response);
    }

    /// <summary>Reads the blob's properties, including its lease state; throws 404 when missing.</summary>
    public async Task<Response<BlobProperties>> GetPropertiesAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var (properties, response) = await _rest.GetPropertiesAsync(ContainerName, Name, conditions, allowMissing: false, cancellationToken);
        return Response.FromValue(properties!, response);
    }

    /// <summary>Whether the blob exists.</summary>
    public async Task<Response<bool>> ExistsAsync(CancellationToken cancellationToken = default)
    {
        var (properties, response) = await _rest.GetPropertiesAsync(ContainerName, Name, null, allowMissing: true, cancellationToken);
        return Response.FromValue(properties is not null, response);
    }

    /// <summary>Deletes the blob; throws 404 BlobNotFound when missing.</summary>
    public Task<Response> DeleteAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default) =>
        _rest.DeleteBlobAsync(ContainerName, Name, conditions, allowMissing: false, cancellationToken);

    /// <summary>Deletes the blob; the value is false when it did not exist.</summary>
    public async Task<Response<bool>> DeleteIfExistsAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var response = await _rest.DeleteBlobAsync(ContainerName, Name, conditions, allowMissing: true, cancellationToken);
        return Response.FromValue(response.Status == 202, response);
    }

    /// <summary>A lease client for this blob; <paramref name="leaseId"/> defaults to a new GUID (the proposed id on acquire).</summary>
    public BlobLeaseClient GetBlobLeaseClient(string? leaseId = null) => new(_rest, ContainerName, Name, leaseId ?? Guid.NewGuid().ToString("D"));

    /// <summary>The base64 block id of <paramref name="index"/>, padded so that all ids of a blob have the same length.</summary>
    public static string BlockIdFromIndex(long index) =>
        Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(index.ToString("D20", CultureInfo.InvariantCulture)));

    private static void ValidateBlockId(string blockId)
    {
        ArgumentException.ThrowIfNullOrEmpty(blockId);
        Span<byte> decoded = stackalloc byte[blockId.Length];
        if (!Convert.TryFromBase64String(blockId, decoded, out var length) || length > 64)
        {
            throw new ArgumentException("A block id must be base64 of at most 64 bytes.", nameof(blockId));
        }
    }

    private static BlobContentInfo ContentInfoOf(Response response) => new(response.Headers.ETag ?? default, BlobRestClient.LastModifiedOf(response));
}
