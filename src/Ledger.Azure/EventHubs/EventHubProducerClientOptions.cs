using global::Azure.Core;

namespace Ledger.Azure.EventHubs;

/// <summary>
/// Options for <see cref="EventHubProducerClient"/>: Azure.Core's retries, diagnostics and transport, plus the
/// Event Hubs specifics (the ServerBusy back-off floor, the request size limit and the SAS token lifetime).
/// </summary>
public sealed class EventHubProducerClientOptions : ClientOptions
{
    /// <summary>The Standard tier's 1 MB limit minus headroom for the service's own envelope.</summary>
    public const int DefaultMaxRequestBodyBytes = 1_000_000;

    /// <summary>The service's limit for one HTTP send (Standard, Premium and Dedicated: 1 MB).</summary>
    public const int ServiceMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Creates the defaults: exponential retries, a 4 s ServerBusy floor, 1,000,000-byte requests, 1 h SAS tokens.</summary>
    public EventHubProducerClientOptions()
    {
        // Not secrets, and they explain throttling in the logs. Authorization stays REDACTED.
        Diagnostics.LoggedHeaderNames.Add("Retry-After");
        Diagnostics.LoggedHeaderNames.Add("x-ms-retrypolicy");
        Diagnostics.LoggedQueryParameters.Add("api-version");
        Diagnostics.LoggedQueryParameters.Add("timeout");
        RetryPolicy = new EventHubsRetryPolicy(this);
    }

    /// <summary>
    /// The least wait after a 503 ServerBusy (throttling), whatever the exponential back-off says. The Event Hubs SDKs
    /// wait at least 4 s; tests lower it.
    /// </summary>
    public TimeSpan ServerBusyMinimumDelay { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>The largest serialized JSON batch body one request may carry.</summary>
    public int MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>How long a SAS token is valid; it is renewed before it expires.</summary>
    public TimeSpan SharedAccessSignatureLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The clock for SAS expiry (tests substitute one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
