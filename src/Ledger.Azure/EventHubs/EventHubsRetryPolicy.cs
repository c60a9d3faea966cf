using global::Azure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace Ledger.Azure.EventHubs;

/// <summary>
/// Azure.Core's retry policy (408/429/500/502/503/504 and network errors; Retry-After honoured) reading its limits from
/// the options when a request is sent, so changes made after constructing the options still apply.
/// </summary>
internal sealed class EventHubsRetryPolicy(EventHubProducerClientOptions options)
    : RetryPolicy(int.MaxValue, new EventHubsDelayStrategy(options))
{
    // HttpMessage.RetryNumber is internal to Azure.Core, so the policy counts attempts in the message's property bag.
    protected override void OnSendingRequest(HttpMessage message)
    {
        message.SetProperty(typeof(EventHubsRetryPolicy), AttemptsOf(message) + 1);
        base.OnSendingRequest(message);
    }

    protected override ValueTask OnSendingRequestAsync(HttpMessage message)
    {
        message.SetProperty(typeof(EventHubsRetryPolicy), AttemptsOf(message) + 1);
        return base.OnSendingRequestAsync(message);
    }

    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        AttemptsOf(message) <= options.Retry.MaxRetries && base.ShouldRetry(message, exception);

    protected override async ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        AttemptsOf(message) <= options.Retry.MaxRetries && await base.ShouldRetryAsync(message, exception);

    private static int AttemptsOf(HttpMessage message) =>
        message.TryGetProperty(typeof(EventHubsRetryPolicy), out var attempts) && attempts is int count ? count : 0;
}

/// <summary>
/// Exponential back-off with up to 20 % extra jitter, at least <see cref="EventHubProducerClientOptions.ServerBusyMinimumDelay"/>
/// after a 503, at most <c>Retry.MaxDelay</c>. The base class takes the larger of this and the server's Retry-After.
/// </summary>
internal sealed class EventHubsDelayStrategy(EventHubProducerClientOptions options) : DelayStrategy(maxDelay: null, jitterFactor: 0)
{
    protected override TimeSpan GetNextDelayCore(Response? response, int retryNumber)
    {
        var exponential = options.Retry.Delay * Math.Pow(2, Math.Max(0, retryNumber - 1)) * (1 + (Random.Shared.NextDouble() * 0.2));
        var delay = Min(exponential, options.Retry.MaxDelay);
        return response?.Status == 503 ? Max(delay, options.ServerBusyMinimumDelay) : delay;
    }
}
