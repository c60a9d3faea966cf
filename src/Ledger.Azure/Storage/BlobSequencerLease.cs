using global::Azure;
using Ledger.Azure.Blobs;
using Ledger.Engine.Ports;

namespace Ledger.Azure.Storage;

/// <summary>
/// The sequencer election on Blob leases: one empty blob per ledger, leased for 15-60 s. Another holder's active
/// lease (409) means "not ours"; an expired lease can be renewed by its holder until someone else takes it, exactly
/// as Blob storage behaves. <see cref="SequencerLease.ExpiresAt"/> is this instance's own estimate from its clock.
/// </summary>
public sealed class BlobSequencerLease : ISequencerLease
{
    /// <summary>The shortest lease Blob storage grants.</summary>
    public static readonly TimeSpan MinimumDuration = TimeSpan.FromSeconds(15);

    /// <summary>The longest finite lease Blob storage grants.</summary>
    public static readonly TimeSpan MaximumDuration = TimeSpan.FromSeconds(60);

    private readonly AzureLedgerStorage _storage;
    private readonly TimeProvider _clock;

    internal BlobSequencerLease(AzureLedgerStorage storage, TimeProvider clock)
    {
        _storage = storage;
        _clock = clock;
    }

    /// <inheritdoc/>
    public async ValueTask<SequencerLease?> TryAcquireAsync(string ledgerName, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        if (duration < MinimumDuration || duration > MaximumDuration || duration.TotalSeconds != Math.Floor(duration.TotalSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A Blob lease lasts 15 to 60 whole seconds.");
        }

        await _storage.EnsureCreatedAsync(cancellationToken);
        var blob = LeaseBlob(ledgerName);
        await EnsureBlobAsync(blob, cancellationToken);
        var started = _clock.GetUtcNow();
        try
        {
            var lease = await blob.GetBlobLeaseClient().AcquireAsync(duration, cancellationToken: cancellationToken);
            return new SequencerLease(ledgerName, lease.Value.LeaseId, duration, started + duration);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> RenewAsync(SequencerLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await _storage.EnsureCreatedAsync(cancellationToken);
        try
        {
            await LeaseBlob(lease.LedgerName).GetBlobLeaseClient(lease.LeaseId).RenewAsync(cancellationToken: cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async ValueTask ReleaseAsync(SequencerLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await _storage.EnsureCreatedAsync(cancellationToken);
        try
        {
            await LeaseBlob(lease.LedgerName).GetBlobLeaseClient(lease.LeaseId).ReleaseAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409)
        {
            // Already lost to another holder, or gone: there is nothing of ours to give up.
        }
    }

    // Blob names allow what ledger names hold; the escaped form keeps the name one path segment.
    private BlobClient LeaseBlob(string ledgerName) => _storage.Leases.GetBlobClient(StorageKeys.Escape(ledgerName));

    private static async Task EnsureBlobAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            await blob.UploadAsync(BinaryData.Empty, new BlobRequestConditions { IfNoneMatch = ETag.All }, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // It exists (possibly leased): that is all we need.
        }
    }
}
