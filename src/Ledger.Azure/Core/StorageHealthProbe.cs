using Ledger.Azure.Blobs;
using Ledger.Azure.Tables;

namespace Ledger.Azure.Core;

/// <summary>Both storage services' answers to a health probe.</summary>
/// <param name="Table">The Table service's answer.</param>
/// <param name="Blob">The Blob service's answer.</param>
public sealed record StorageHealthReport(StoragePingResult Table, StoragePingResult Blob)
{
    /// <summary>True when both services answered.</summary>
    public bool IsHealthy => Table.Reachable && Blob.Reachable;
}

/// <summary>
/// Answers whether Table and Blob storage respond to a valid signed request (list tables with $top=1; list
/// containers with maxresults=1). Never throws for network or authentication failures: they become results.
/// Uses its own pipelines without retries, so an outage is reported within <c>timeout</c>.
/// </summary>
public sealed class StorageHealthProbe
{
    private readonly TableServiceClient _tables;
    private readonly BlobServiceClient _blobs;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a probe for <paramref name="connection"/>; each probe call gives up after <paramref name="timeout"/> (default 5 s).</summary>
    public StorageHealthProbe(StorageConnection connection, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _timeout = timeout ?? TimeSpan.FromSeconds(5);
        var tableOptions = new TableClientOptions();
        tableOptions.Retry.MaxRetries = 0;
        tableOptions.Retry.NetworkTimeout = _timeout;
        var blobOptions = new BlobClientOptions();
        blobOptions.Retry.MaxRetries = 0;
        blobOptions.Retry.NetworkTimeout = _timeout;
        _tables = new TableServiceClient(connection, tableOptions);
        _blobs = new BlobServiceClient(connection, blobOptions);
    }

    /// <summary>Probes Table and Blob concurrently.</summary>
    public async Task<StorageHealthReport> ProbeAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var table = PingOrTimeoutAsync(_tables.PingAsync(timeout.Token), _tables.Endpoint, "Table", cancellationToken);
        var blob = PingOrTimeoutAsync(_blobs.PingAsync(timeout.Token), _blobs.Endpoint, "Blob", cancellationToken);
        return new StorageHealthReport(await table, await blob);
    }

    private async Task<StoragePingResult> PingOrTimeoutAsync(Task<StoragePingResult> ping, Uri endpoint, string service, CancellationToken callerToken)
    {
        try
        {
            return await ping;
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            return new StoragePingResult(service, endpoint, false, null, "Timed out waiting for the service.", _timeout);
        }
    }
}
