using Azure.Core;
using Azure.Identity;
using Ledger.Azure.Core;

namespace Ledger.Functions.Hosting;

/// <summary>
/// Chooses how the handler reaches storage: token credentials (managed identity) when account endpoints are
/// configured, as in Azure; otherwise the connection string with its account key, as on Azurite.
/// </summary>
public static class StorageConnectionFactory
{
    public static StorageConnection Create(LedgerHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TableEndpoint is not null || options.BlobEndpoint is not null)
        {
            if (options.TableEndpoint is null || options.BlobEndpoint is null)
            {
                throw new InvalidOperationException(
                    "Set both Ledger__TableEndpoint and Ledger__BlobEndpoint for managed-identity access, or neither.");
            }

            return StorageConnection.FromTokenCredential(options.BlobEndpoint, options.TableEndpoint, CreateCredential(options));
        }

        return StorageConnection.Parse(options.StorageConnectionString);
    }

    private static TokenCredential CreateCredential(LedgerHostOptions options) =>
        string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
}
