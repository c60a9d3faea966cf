using Ledger.Azure.Core;

namespace Ledger.Azure.Blobs;

/// <summary>The Blob service of one storage account: containers, and a health ping.</summary>
public sealed class BlobServiceClient
{
    private readonly BlobRestClient _rest;

    /// <summary>Creates a client for the Blob endpoint of <paramref name="connection"/>.</summary>
    public BlobServiceClient(StorageConnection connection, BlobClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new BlobClientOptions();
        var pipeline = StoragePipeline.Build(options, connection, key => new BlobSharedKeyPolicy(key));
        _rest = new BlobRestClient(pipeline, connection.BlobEndpoint, options.VersionString);
    }

    /// <summary>The Blob service endpoint.</summary>
    public Uri Endpoint => _rest.Endpoint;

    internal BlobRestClient Rest => _rest;

    /// <summary>A client for container <paramref name="containerName"/> sharing this client's pipeline.</summary>
    public BlobContainerClient GetBlobContainerClient(string containerName) => new(_rest, containerName);

    /// <summary>
    /// Lists at most one container with a signed request: true reachability and credentials check.
    /// Never throws except when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public Task<StoragePingResult> PingAsync(CancellationToken cancellationToken = default) =>
        StoragePing.PingAsync(_rest.Pipeline, "Blob", Endpoint, request => _rest.BuildListContainersRequest(request, 1), cancellationToken);
}
