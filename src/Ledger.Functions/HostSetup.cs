namespace Ledger.Functions;

/// <summary>Service registration and routing for the custom handler.</summary>
public static class HostSetup
{
    public static WebApplicationBuilder ConfigureLedgerHost(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder;
    }

    public static WebApplication MapLedgerRoutes(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/", () => Results.Ok());
        return app;
    }
}
