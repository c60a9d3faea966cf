using System.Text.RegularExpressions;
using global::Azure;
using Ledger.Azure.Core;

namespace Ledger.Azure.Blobs;

/// <summary>One blob container: create/delete, listing, and clients for its blobs.</summary>
public sealed partial class BlobContainerClient
{
    private readonly BlobRestClient _rest;

    /// <summary>Creates a client for container <paramref name="containerName"/> with its own pipeline.</summary>
    public BlobContainerClient(StorageConnection connection, string containerName, BlobClientOptions? options = null)
        : this(new BlobServiceClient(connection, options).Rest, containerName)
    {
    }

    internal BlobContainerClient(BlobRestClient rest, string containerName)
    {
        ArgumentNullException.ThrowIfNull(containerName);
        if (!ContainerNamePattern().IsMatch(containerName) || containerName.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Container name '{containerName}' is invalid: 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.",
                nameof(containerName));
        }
        _rest = rest;
        Name = containerName;
    }

    /// <summary>The container name.</summary>
    public string Name { get; }

    /// <summary>Creates the container; throws 409 ContainerAlreadyExists when it exists.</summary>
    public Task<Response> CreateAsync(CancellationToken cancellationToken = default) =>
        _rest.CreateContainerAsync(Name, allowExisting: false, cancellationToken);

    /// <summary>Creates the container unless it exists; the value is true when this call created it.</summary>
    public async Task<Response<bool>> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        var response = await _rest.CreateContainerAsync(Name, allowExisting: true, cancellationToken);
        return Response.FromValue(response.Status == 201, response);
    }

    /// <summary>Deletes the container; the value is false when it did not exist.</summary>
    public async Task<Response<bool>> DeleteIfExistsAsync(CancellationToken cancellationToken = default)
    {
        var response = await _rest.DeleteContainerAsync(Name, allowMissing: true, cancellationToken);
        return Response.FromValue(response.Status == 202, response);
    }

    /// <summary>A client for blob <paramref name="blobName"/> in this container.</summary>
    public BlobClient GetBlobClient(string blobName) => new(_rest, Name, blobName);

    /// <summary>
    /// Lists blobs whose names start with <paramref name="prefix"/>, in name order. With a
    /// <paramref name="delimiter"/> (e.g. "/"), names below the next delimiter collapse into one prefix item.
    /// Pages follow the service's NextMarker; <paramref name="pageSize"/> is maxresults (at most 5000).
    /// </summary>
    public AsyncPageable<BlobItem> GetBlobsAsync(string? prefix = null, string? delimiter = null, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        if (pageSize is < 1 or > 5000)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "pageSize must be 1..5000.");
        }
        return new BlobListPageable(this, prefix, delimiter, pageSize, cancellationToken);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerNamePattern();

    private sealed class BlobListPageable(BlobContainerClient container, string? prefix, string? delimiter, int? pageSize, CancellationToken cancellationToken)
        : AsyncPageable<BlobItem>(cancellationToken)
    {
        public override async IAsyncEnumerable<Page<BlobItem>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
        {
            var marker = continuationToken;
            do
            {
                var (items, next, response) = await container._rest.ListBlobsAsync(
                    container.Name, prefix, delimiter, pageSizeHint ?? pageSize, marker, CancellationToken);
                marker = next;
                yield return Page<BlobItem>.FromValues(items, next, response);
            }
            while (marker is not null);
        }
    }
}
