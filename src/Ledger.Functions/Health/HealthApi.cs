using System.Reflection;
using Ledger.Azure.Core;
using Ledger.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Ledger.Functions.Health;

/// <summary>The body of <c>GET /health</c>.</summary>
public sealed record HealthReport(string Status, string Version, HealthStorage Storage);

/// <summary>Per-service storage reachability in the health report.</summary>
public sealed record HealthStorage(ServiceHealth Table, ServiceHealth Blob);

/// <summary>What one storage service answered to a signed probe request.</summary>
public sealed record ServiceHealth(bool Reachable, string Endpoint, int? Status, double ElapsedMilliseconds, string? Error)
{
    public static ServiceHealth From(StoragePingResult ping)
    {
        ArgumentNullException.ThrowIfNull(ping);
        return new ServiceHealth(ping.Reachable, ping.Endpoint.ToString(), ping.Status,
            Math.Round(ping.Elapsed.TotalMilliseconds, 1), ping.Error);
    }
}

/// <summary><c>GET /health</c>: the handler's version and whether Table and Blob storage answer.</summary>
public static class HealthApi
{
    private static readonly string Version =
        typeof(HealthApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            .Split('+')[0]
        ?? "0.0.0";

    public static IServiceCollection AddLedgerHealth(this IServiceCollection services)
    {
        services.AddSingleton(provider =>
            new StorageHealthProbe(StorageConnectionFactory.Create(provider.GetRequiredService<IOptions<LedgerHostOptions>>().Value)));
        return services;
    }

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", GetHealthAsync);
        return routes;
    }

    /// <summary>200 when both services answer, 503 (same body) when either does not.</summary>
    public static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> GetHealthAsync(
        StorageHealthProbe probe, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var storage = await probe.ProbeAsync(cancellationToken);
        var report = new HealthReport(
            storage.IsHealthy ? "healthy" : "unhealthy",
            Version,
            new HealthStorage(ServiceHealth.From(storage.Table), ServiceHealth.From(storage.Blob)));
        return storage.IsHealthy
            ? TypedResults.Ok(report)
            : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
