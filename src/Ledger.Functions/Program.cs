using Ledger.Functions;

var builder = WebApplication.CreateSlimBuilder(args);
builder.ConfigureLedgerHost();

var app = builder.Build();
app.MapLedgerRoutes();
await app.RunAsync();

/// <summary>The custom handler's entry point; public so tests can find the assembly.</summary>
public partial class Program;
