using global::Azure;
using Ledger.Azure.Blobs;
using Ledger.Azure.Core;
using Ledger.Engine.Ports;

namespace Ledger.Azure.Storage;

/// <summary>
/// Export objects in Blob storage: the export's bucket is a container (which must exist, as an S3 bucket must for
/// QLDB) and its keys are blob names. A put is a single Put Blob that replaces the blob, so a repeated put after a
/// crash leaves the same bytes. Missing containers and refused credentials are permanent failures; the rest is retried
/// by the next pass.
/// </summary>
public sealed class BlobExportTarget : IExportTarget, IExportSource
{
    private readonly BlobServiceClient _blobs;

    /// <summary>Creates the target over the storage account of <paramref name="connection"/>.</summary>
    public BlobExportTarget(StorageConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _blobs = new BlobServiceClient(connection);
    }

    /// <inheritdoc/>
    public async ValueTask PutObjectAsync(string bucket, string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken = default)
    {
        try
        {
            await _blobs.GetBlobContainerClient(bucket).GetBlobClient(key).UploadAsync(new BinaryData(content), contentType: contentType, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException failure)
        {
            // The message carries the status and error code only: never the request's signature or SAS.
            var permanent = failure.Status is 400 or 401 or 403 or 404;
            throw new ExportTargetException($"Writing {bucket}/{key} failed: {failure.Status} {failure.ErrorCode}", permanent, failure);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ReadOnlyMemory<byte>?> GetObjectAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var download = await _blobs.GetBlobContainerClient(bucket).GetBlobClient(key).DownloadContentAsync(cancellationToken: cancellationToken);
            return download.Value.Content.ToMemory();
        }
        catch (RequestFailedException failure) when (failure.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<string>> ListKeysAsync(string bucket, string prefix, CancellationToken cancellationToken = default)
    {
        var keys = new List<string>();
        try
        {
            await foreach (var item in _blobs.GetBlobContainerClient(bucket).GetBlobsAsync(prefix, cancellationToken: cancellationToken))
            {
                keys.Add(item.Name);
            }
        }
        catch (RequestFailedException failure) when (failure.Status == 404)
        {
            return [];
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
