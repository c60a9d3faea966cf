using Ledger.Azure.Core;
using Ledger.Azure.Storage;
using Microsoft.Extensions.Options;

namespace Ledger.Functions.Hosting;

/// <summary>
/// Registers a store the way the engine's own ports are chosen (<c>Ledger:Storage</c>): the in-memory
/// implementation with in-memory storage, else the Azure one built from the configured connection and table prefix.
/// </summary>
internal static class StorageKindServices
{
    /// <summary>True when <c>Ledger:Storage</c> selects in-memory storage.</summary>
    public static bool UsesInMemoryStorage(IConfiguration configuration) =>
        EngineSetup.ParseStorageKind(configuration[EngineSetup.StorageKey]) is EngineStorageKind.InMemory;

    /// <summary>Adds <typeparamref name="TService"/> as a singleton: <typeparamref name="TInMemory"/> or <paramref name="stored"/>.</summary>
    public static IServiceCollection AddStoreByStorageKind<TService, TInMemory>(
        this IServiceCollection services, IConfiguration configuration, Func<StorageConnection, AzureStorageOptions, TService> stored)
        where TService : class
        where TInMemory : class, TService
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (UsesInMemoryStorage(configuration))
        {
            return services.AddSingleton<TService, TInMemory>();
        }

        return services.AddSingleton(provider =>
        {
            var host = provider.GetRequiredService<IOptions<LedgerHostOptions>>().Value;
            return stored(StorageConnectionFactory.Create(host), new AzureStorageOptions(host.StoragePrefix));
        });
    }
}
