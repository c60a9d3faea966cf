namespace Ledger.Functions.Hosting;

/// <summary>
/// Handler settings, bound from the <c>Ledger</c> configuration section. Environment variables use the
/// <c>Ledger__Name</c> form (for example <c>Ledger__StorageConnectionString</c>), as Azure app settings do.
/// </summary>
public sealed class LedgerHostOptions
{
    public const string SectionName = "Ledger";

    /// <summary>The well-known Azurite development account, used when nothing else is configured.</summary>
    public const string AzuriteConnectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;" +
        "QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;" +
        "TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    /// <summary>
    /// A storage connection string with an account key (Shared Key signing). Used when no token-based
    /// endpoints are configured; defaults to Azurite.
    /// </summary>
    public string StorageConnectionString { get; set; } = AzuriteConnectionString;

    /// <summary>Table endpoint for managed-identity access in Azure (for example https://acct.table.core.windows.net).</summary>
    public Uri? TableEndpoint { get; set; }

    /// <summary>Blob endpoint for managed-identity access in Azure (for example https://acct.blob.core.windows.net).</summary>
    public Uri? BlobEndpoint { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// Starts the names of the engine's tables and containers (letters and digits), so that deployments or test runs
    /// can share one storage account.
    /// </summary>
    public string StoragePrefix { get; set; } = "ledger";

    /// <summary>The address the handler listens on when the Functions host does not choose a port.</summary>
    public string LocalUrl { get; set; } = "http://127.0.0.1:7071";
}
