using System.Text.Json;

namespace Ledger.Functions.Invocations;

/// <summary>One unit of background work that a timer function runs (stream pump, export worker).</summary>
public interface IScheduledWork
{
    /// <summary>The Azure Function name, which is also the handler route (<c>POST /{Name}</c>).</summary>
    string FunctionName { get; }

    /// <summary>Runs one pass and returns the lines to write to the invocation log.</summary>
    Task<IReadOnlyList<string>> RunOnceAsync(InvocationRequest invocation, CancellationToken cancellationToken);
}

/// <summary>Routes the Functions host's timer invocations (<c>POST /{FunctionName}</c>) to scheduled work.</summary>
public static class ScheduledFunctions
{
    /// <summary>The work itself is registered by its feature (AddLedgerStreams, AddLedgerExports).</summary>
    public static IServiceCollection AddScheduledFunctions(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapScheduledFunctions(this IEndpointRouteBuilder routes)
    {
        foreach (var work in routes.ServiceProvider.GetServices<IScheduledWork>())
        {
            routes.MapPost($"/{work.FunctionName}", (HttpRequest request, ILoggerFactory loggers, CancellationToken ct) =>
                InvokeAsync(work, request, loggers.CreateLogger(typeof(ScheduledFunctions)), ct));
        }

        return routes;
    }

    private static async Task<IResult> InvokeAsync(
        IScheduledWork work, HttpRequest request, ILogger logger, CancellationToken cancellationToken)
    {
        InvocationRequest? invocation;
        try
        {
            invocation = await JsonSerializer.DeserializeAsync<InvocationRequest>(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException exception)
        {
            return TypedResults.Problem(
                title: "Malformed invocation payload",
                detail: $"The body is not a Functions invocation payload: {exception.Message}",
                statusCode: StatusCodes.Status400BadRequest);
        }

        invocation ??= new InvocationRequest();
        var logs = new List<string>();
        if (invocation.IsPastDue("timer"))
        {
            logs.Add($"{work.FunctionName}: timer is past due");
        }

        logs.AddRange(await work.RunOnceAsync(invocation, cancellationToken));
        LogInvocation(logger, work.FunctionName, logs.Count);
        return TypedResults.Json(new InvocationResponse { Logs = logs });
    }

    private static void LogInvocation(ILogger logger, string functionName, int lines) =>
        logger.LogInformation("Invocation of {FunctionName} finished with {LogLines} log lines", functionName, lines);
}
