using System.Diagnostics;
using global::Azure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace Ledger.Azure.Core;

/// <summary>The answer of one storage service to a signed, cheap request.</summary>
/// <param name="Service">"Table" or "Blob".</param>
/// <param name="Endpoint">The endpoint that was asked (no secrets).</param>
/// <param name="Reachable">True when the service answered the signed request successfully (2xx).</param>
/// <param name="Status">The HTTP status, or null when no response arrived (network error, timeout).</param>
/// <param name="Error">Why it is not reachable: error code and message, or the network error; null when reachable.</param>
/// <param name="Elapsed">Wall time of the probe.</param>
public sealed record StoragePingResult(string Service, Uri Endpoint, bool Reachable, int? Status, string? Error, TimeSpan Elapsed);

internal static class StoragePing
{
    private static readonly ResponseClassifier AnyStatusIsAnAnswer = new StatusCodeClassifier(
        Enumerable.Range(100, 500).Select(s => (ushort)s).ToArray());

    /// <summary>Sends the request built by <paramref name="buildRequest"/> and turns every outcome except caller cancellation into a result.</summary>
    public static async Task<StoragePingResult> PingAsync(HttpPipeline pipeline, string service, Uri endpoint,
        Action<Request> buildRequest, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            using var message = pipeline.CreateMessage();
            message.ResponseClassifier = AnyStatusIsAnAnswer;
            buildRequest(message.Request);
            await pipeline.SendAsync(message, cancellationToken);
            var response = message.Response;
            if (response.Status is >= 200 and < 300)
            {
                return new(service, endpoint, true, response.Status, null, stopwatch.Elapsed);
            }
            var failure = new RequestFailedException(response);
            var error = string.IsNullOrEmpty(failure.ErrorCode)
                ? $"HTTP {response.Status} {response.ReasonPhrase}"
                : $"HTTP {response.Status} {failure.ErrorCode}";
            return new(service, endpoint, false, response.Status, error, stopwatch.Elapsed);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // A health probe reports; it never throws for network errors, timeouts or refused credentials.
            var error = e is OperationCanceledException ? "Timed out waiting for the service." : $"{e.GetType().Name}: {FirstLine(e.Message)}";
            return new(service, endpoint, false, null, error, stopwatch.Elapsed);
        }
    }

    private static string FirstLine(string text)
    {
        var newline = text.IndexOfAny(['\r', '\n']);
        return newline < 0 ? text : text[..newline];
    }
}
