using Ledger.Azure.Storage;
using Ledger.Engine;
using Ledger.Engine.Model;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ledger.Functions.Hosting;

/// <summary>Where the engine keeps its state (<c>Ledger:Storage</c>).</summary>
public enum EngineStorageKind
{
    /// <summary>Process memory: nothing survives a restart (tests, quick experiments).</summary>
    InMemory,

    /// <summary>Azure Table and Blob storage (Azurite locally).</summary>
    Azure,
}

/// <summary>Registers the one <see cref="LedgerEngine"/> of the handler and the storage ports it runs on.</summary>
public static class EngineSetup
{
    public const string StorageKey = "Ledger:Storage";

    public static IServiceCollection AddLedgerEngine(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var kind = ParseStorageKind(configuration[StorageKey]);
        var limits = new EngineLimits();
        configuration.GetSection("Ledger:Limits").Bind(limits);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => kind switch
        {
            EngineStorageKind.InMemory => EnginePorts.InMemory(provider.GetRequiredService<TimeProvider>()),

            // Tables and containers are created on first use, so start-up never waits on storage; /health reports it.
            _ => CreateAzurePorts(provider.GetRequiredService<IOptions<LedgerHostOptions>>().Value, provider.GetRequiredService<TimeProvider>()),
        });
        services.AddSingleton(provider => new LedgerEngine(
            provider.GetRequiredService<EnginePorts>(), provider.GetRequiredService<TimeProvider>(), limits));
        return services;
    }

    private static EnginePorts CreateAzurePorts(LedgerHostOptions options, TimeProvider clock) =>
        AzureEnginePorts.Create(StorageConnectionFactory.Create(options), clock, new AzureStorageOptions(options.StoragePrefix));

    internal static EngineStorageKind ParseStorageKind(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? EngineStorageKind.Azure
            : Enum.TryParse<EngineStorageKind>(value, ignoreCase: true, out var kind) && Enum.IsDefined(kind)
                ? kind
                : throw new InvalidOperationException($"{StorageKey} must be InMemory or Azure, not '{value}'.");
}
