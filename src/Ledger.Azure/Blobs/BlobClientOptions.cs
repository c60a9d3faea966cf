using Ledger.Azure.Core;

namespace Ledger.Azure.Blobs;

/// <summary>Options for <see cref="BlobServiceClient"/> and the clients it hands out.</summary>
public sealed class BlobClientOptions : StorageClientOptions
{
    /// <summary>Blob service REST versions this client speaks.</summary>
    public enum ServiceVersion
    {
        /// <summary>2025-11-05 (accepted by Azurite 3.37.0 and Azure).</summary>
        V2025_11_05 = 1,
    }

    /// <summary>Creates options for <paramref name="version"/>.</summary>
    public BlobClientOptions(ServiceVersion version = ServiceVersion.V2025_11_05)
    {
        Version = version;
    }

    /// <summary>The service version sent as x-ms-version.</summary>
    public ServiceVersion Version { get; }

    internal override string VersionString => Version switch
    {
        ServiceVersion.V2025_11_05 => "2025-11-05",
        _ => throw new NotSupportedException($"Unknown Blob service version {Version}."),
    };
}
