using global::Azure;
using global::Azure.Core.Pipeline;

namespace Ledger.Azure.EventHubs;

/// <summary>What one send call delivered.</summary>
/// <param name="EventCount">Events accepted by the service.</param>
/// <param name="RequestCount">HTTP requests the events were split into (each within the size limit).</param>
public sealed record EventHubsSendResult(int EventCount, int RequestCount);

/// <summary>
/// Publishes events to one event hub over the REST send API. A call splits its events into JSON batch requests within
/// <see cref="EventHubProducerClientOptions.MaxRequestBodyBytes"/>, sends them in order with one partition key, and
/// retries throttling and transient failures with back-off (honouring Retry-After). Delivery is at-least-once: the
/// service has no duplicate detection for HTTP sends, so every event carries a deterministic record id.
/// A failure after retries throws <see cref="EventHubsSendException"/> (transient or persistent).
/// </summary>
public sealed class EventHubProducerClient
{
    /// <summary>The Entra ID scope for Event Hubs.</summary>
    public const string EventHubsScope = "https://eventhubs.azure.net/.default";

    /// <summary>The longest partition key Event Hubs accepts.</summary>
    public const int MaxPartitionKeyLength = 128;

    private readonly EventHubsRestClient _rest;
    private readonly int _maxRequestBodyBytes;

    /// <summary>Creates a producer with its own pipeline for <paramref name="connection"/>'s hub.</summary>
    public EventHubProducerClient(EventHubsConnection connection, EventHubProducerClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new EventHubProducerClientOptions();
        if (options.MaxRequestBodyBytes is < 1024 or > EventHubProducerClientOptions.ServiceMaxRequestBodyBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxRequestBodyBytes,
                $"MaxRequestBodyBytes must be 1024..{EventHubProducerClientOptions.ServiceMaxRequestBodyBytes} (the service's 1 MB).");
        }
        _maxRequestBodyBytes = options.MaxRequestBodyBytes;
        HubName = connection.HubName;
        var hubUri = connection.HubUri;
        HttpPipelinePolicy authentication = connection.SharedAccessKey is { } key
            ? new SharedAccessSignaturePolicy(new SharedAccessSignatureProvider(key, hubUri.AbsoluteUri, options.SharedAccessSignatureLifetime, options.TimeProvider))
            : new BearerTokenAuthenticationPolicy(connection.TokenCredential!, EventHubsScope);
        var pipelineOptions = new HttpPipelineOptions(options)
        {
            RequestFailedDetailsParser = EventHubsRequestFailedDetailsParser.Instance,
        };
        pipelineOptions.PerRetryPolicies.Add(authentication);
        _rest = new EventHubsRestClient(HttpPipelineBuilder.Build(pipelineOptions), hubUri);
    }

    /// <summary>The event hub name.</summary>
    public string HubName { get; }

    /// <summary>
    /// Sends <paramref name="events"/> in order, all with <paramref name="partitionKey"/> (null: the service picks a
    /// partition per request, so order is not kept across requests). Splits into as many requests as the size limit needs.
    /// </summary>
    /// <exception cref="ArgumentException">No events, a too-large event, a reserved or invalid property or partition key.</exception>
    /// <exception cref="EventHubsSendException">A request failed after retries; earlier requests' events were delivered.</exception>
    public async Task<Response<EventHubsSendResult>> SendBatchAsync(IReadOnlyList<EventData> events, string? partitionKey = null, CancellationToken cancellationToken = default)
    {
        if (partitionKey is not null && (partitionKey.Length is 0 or > MaxPartitionKeyLength))
        {
            throw new ArgumentException($"A partition key has 1..{MaxPartitionKeyLength} characters.", nameof(partitionKey));
        }
        return await SendAsync(events, partitionKey, partitionId: null, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="events"/> in order to partition <paramref name="partitionId"/> (no partition key: the
    /// service rejects both together).
    /// </summary>
    /// <exception cref="EventHubsSendException">A request failed after retries; earlier requests' events were delivered.</exception>
    public async Task<Response<EventHubsSendResult>> SendBatchToPartitionAsync(IReadOnlyList<EventData> events, string partitionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(partitionId);
        return await SendAsync(events, partitionKey: null, partitionId, cancellationToken);
    }

    private async Task<Response<EventHubsSendResult>> SendAsync(IReadOnlyList<EventData> events, string? partitionKey, string? partitionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("There are no events to send.", nameof(events));
        }
        if (events.Any(e => e is null))
        {
            throw new ArgumentException("An event is null.", nameof(events));
        }
        var bodies = EventHubsBatchSerializer.Split(events, partitionKey, _maxRequestBodyBytes);
        var sent = 0;
        Response? last = null;
        foreach (var (body, count) in bodies)
        {
            try
            {
                last = await _rest.SendBatchAsync(body, partitionId, cancellationToken);
            }
            catch (RequestFailedException e)
            {
                // The first line of Azure.Core's message is the service's error detail (or the network error).
                var detail = e.Message.Split('\n', 2)[0];
                throw new EventHubsSendException(e.Status, Describe(e.Status, e.ErrorCode, sent) + " " + detail, e.ErrorCode,
                    EventHubsSendException.Classify(e.Status), sent, e);
            }
            catch (AggregateException e) when (!cancellationToken.IsCancellationRequested
                && e.InnerExceptions.All(inner => inner is RequestFailedException or OperationCanceledException))
            {
                // Every attempt failed without a response (connection refused or reset, network timeout): the retry
                // policy aggregates them. Status 0 and transient, like a single network failure.
                var lastAttempt = e.InnerExceptions[^1];
                var (status, code) = lastAttempt is RequestFailedException failed ? (failed.Status, failed.ErrorCode) : (0, "NetworkTimeout");
                throw new EventHubsSendException(status, Describe(status, code, sent) + " " + lastAttempt.Message, code,
                    EventHubsSendException.Classify(status), sent, e);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                // The pipeline's network timeout, not the caller's cancellation: the send may or may not have landed.
                throw new EventHubsSendException(0, Describe(0, "NetworkTimeout", sent), "NetworkTimeout",
                    EventHubsFailureKind.Transient, sent, e);
            }
            sent += count;
        }
        return Response.FromValue(new EventHubsSendResult(sent, bodies.Count), last!);
    }

    private string Describe(int status, string? errorCode, int sent) =>
        $"Sending to event hub '{HubName}' failed with status {status}{(string.IsNullOrEmpty(errorCode) ? "" : $" ({errorCode})")} " +
        $"({EventHubsSendException.Classify(status)}); {sent} event(s) of the call were delivered before the failure.";
}
