using Ledger.Azure.Core;

namespace Ledger.Azure.Tables;

/// <summary>Options for <see cref="TableServiceClient"/> and TableClient.</summary>
public sealed class TableClientOptions : StorageClientOptions
{
    /// <summary>Table service REST versions this client speaks.</summary>
    public enum ServiceVersion
    {
        /// <summary>2019-02-02, the version Azure.Data.Tables pins.</summary>
        V2019_02_02 = 1,
    }

    /// <summary>Creates options for <paramref name="version"/>.</summary>
    public TableClientOptions(ServiceVersion version = ServiceVersion.V2019_02_02)
    {
        Version = version;
    }

    /// <summary>The service version sent as x-ms-version.</summary>
    public ServiceVersion Version { get; }

    internal override string VersionString => Version switch
    {
        ServiceVersion.V2019_02_02 => "2019-02-02",
        _ => throw new NotSupportedException($"Unknown Table service version {Version}."),
    };
}
