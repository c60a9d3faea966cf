using global::Azure.Core;

namespace Ledger.Azure.Core;

/// <summary>Options shared by the Table and Blob clients: retries, diagnostics and the transport (tests inject a fake one).</summary>
public abstract class StorageClientOptions : ClientOptions
{
    /// <summary>
    /// Headers worth seeing in request logs. Everything else, and always Authorization, is logged as REDACTED.
    /// </summary>
    internal static readonly string[] SafeLoggedHeaderNames =
    [
        "x-ms-error-code", "x-ms-version", "x-ms-continuation-NextPartitionKey", "x-ms-continuation-NextRowKey",
        "x-ms-continuation-NextTableName", "x-ms-lease-state", "x-ms-lease-status", "x-ms-blob-type",
        "x-ms-blob-append-offset", "x-ms-blob-committed-block-count", "x-ms-lease-action", "x-ms-lease-duration",
        "x-ms-range", "x-ms-blob-condition-appendpos", "x-ms-blob-condition-maxsize", "Content-Range",
        "Preference-Applied", "Prefer", "DataServiceVersion",
    ];

    /// <summary>Initializes the defaults: exponential retries (Azure.Core's default) and the safe logged headers.</summary>
    protected StorageClientOptions()
    {
        foreach (var name in SafeLoggedHeaderNames)
        {
            Diagnostics.LoggedHeaderNames.Add(name);
        }
    }

    /// <summary>The <c>x-ms-version</c> header value to send.</summary>
    internal abstract string VersionString { get; }
}
