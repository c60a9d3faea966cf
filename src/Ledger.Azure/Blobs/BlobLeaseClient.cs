using System.Globalization;
using global::Azure;

namespace Ledger.Azure.Blobs;

/// <summary>
/// Leases on one blob: acquire (with this client's id as the proposed id), renew, change, release, break. A lease
/// is a single-writer lock: writes to a leased blob must pass the lease id in <see cref="BlobRequestConditions.LeaseId"/>.
/// Conflicts are 409s with a Lease* error code (LeaseAlreadyPresent, LeaseIdMismatchWithLeaseOperation, ...).
/// </summary>
public sealed class BlobLeaseClient
{
    /// <summary>The duration of a lease that never expires.</summary>
    public static readonly TimeSpan InfiniteLeaseDuration = TimeSpan.FromSeconds(-1);

    private readonly BlobRestClient _rest;
    private readonly string _container;
    private readonly string _blob;

    internal BlobLeaseClient(BlobRestClient rest, string container, string blob, string leaseId)
    {
        _rest = rest;
        _container = container;
        _blob = blob;
        LeaseId = leaseId;
    }

    /// <summary>The lease id this client uses (it changes after <see cref="ChangeAsync"/>).</summary>
    public string LeaseId { get; private set; }

    /// <summary>
    /// Acquires the lease for 15..60 seconds or <see cref="InfiniteLeaseDuration"/>, proposing <see cref="LeaseId"/>.
    /// Re-acquiring with the same id renews; another holder's active lease gives 409 LeaseAlreadyPresent.
    /// </summary>
    public async Task<Response<BlobLease>> AcquireAsync(TimeSpan duration, RequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var seconds = duration == InfiniteLeaseDuration ? -1 : (int)duration.TotalSeconds;
        if (seconds != -1 && (seconds is < 15 or > 60 || duration.TotalSeconds != seconds))
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A lease lasts 15 to 60 whole seconds, or is infinite.");
        }
        var headers = new Dictionary<string, string>
        {
            ["x-ms-lease-duration"] = seconds.ToString(CultureInfo.InvariantCulture),
            ["x-ms-proposed-lease-id"] = LeaseId,
        };
        var response = await _rest.LeaseAsync(_container, _blob, "acquire", 201, headers, conditions, cancellationToken);
        return Response.FromValue(LeaseOf(response), response);
    }

    /// <summary>Renews the lease (409 LeaseIdMismatchWithLeaseOperation when it is no longer ours).</summary>
    public async Task<Response<BlobLease>> RenewAsync(RequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var response = await _rest.LeaseAsync(_container, _blob, "renew", 200, new Dictionary<string, string> { ["x-ms-lease-id"] = LeaseId }, conditions, cancellationToken);
        return Response.FromValue(LeaseOf(response), response);
    }

    /// <summary>Changes the lease id to <paramref name="proposedId"/>; this client then uses the new id.</summary>
    public async Task<Response<BlobLease>> ChangeAsync(string proposedId, RequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(proposedId);
        var headers = new Dictionary<string, string> { ["x-ms-lease-id"] = LeaseId, ["x-ms-proposed-lease-id"] = proposedId };
        var response = await _rest.LeaseAsync(_container, _blob, "change", 200, headers, conditions, cancellationToken);
        var lease = LeaseOf(response);
        LeaseId = lease.LeaseId.Length > 0 ? lease.LeaseId : proposedId;
        return Response.FromValue(lease with { LeaseId = LeaseId }, response);
    }

    /// <summary>Releases the lease so others can acquire it at once.</summary>
    public async Task<Response> ReleaseAsync(RequestConditions? conditions = null, CancellationToken cancellationToken = default) =>
        await _rest.LeaseAsync(_container, _blob, "release", 200, new Dictionary<string, string> { ["x-ms-lease-id"] = LeaseId }, conditions, cancellationToken);

    /// <summary>
    /// Breaks whatever lease the blob has (no id needed), after <paramref name="breakPeriod"/> (0..60 s; default: the
    /// remaining lease time). The value's <see cref="BlobLease.LeaseTime"/> is the time until it is broken.
    /// </summary>
    public async Task<Response<BlobLease>> BreakAsync(TimeSpan? breakPeriod = null, RequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var headers = new Dictionary<string, string>();
        if (breakPeriod is { } period)
        {
            if (period < TimeSpan.Zero || period > TimeSpan.FromSeconds(60))
            {
                throw new ArgumentOutOfRangeException(nameof(breakPeriod), breakPeriod, "A break period is 0 to 60 seconds.");
            }
            headers["x-ms-lease-break-period"] = ((int)period.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }
        var response = await _rest.LeaseAsync(_container, _blob, "break", 202, headers, conditions, cancellationToken);
        return Response.FromValue(LeaseOf(response), response);
    }

    private static BlobLease LeaseOf(Response response)
    {
        var headers = response.Headers;
        headers.TryGetValue("x-ms-lease-id", out var leaseId);
        TimeSpan? leaseTime = headers.TryGetValue("x-ms-lease-time", out var seconds)
            && int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s) : null;
        return new BlobLease(leaseId ?? string.Empty, headers.ETag ?? default, BlobRestClient.LastModifiedOf(response), leaseTime);
    }
}
