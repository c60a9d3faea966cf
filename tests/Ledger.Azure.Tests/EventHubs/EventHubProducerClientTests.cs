using System.Diagnostics;
using System.Diagnostics.Tracing;
using global::Azure.Core.Diagnostics;
using Ledger.Azure.EventHubs;

namespace Ledger.Azure.Tests.EventHubs;

public sealed class EventHubProducerClientTests
{
    private static EventHubProducerClient SasProducer(FakeEventHubsEndpoint fake, Action<EventHubProducerClientOptions>? configure = null)
    {
        var options = new EventHubProducerClientOptions { Transport = fake.CreateTransport(), ServerBusyMinimumDelay = TimeSpan.FromMilliseconds(50) };
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        configure?.Invoke(options);
        var connection = EventHubsConnection.Parse(
            $"Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName={fake.Settings.KeyName};SharedAccessKey={fake.Settings.Key};EntityPath={fake.Settings.HubName}")
            .WithEndpoint(fake.BaseUri);
        return new EventHubProducerClient(connection, options);
    }

    private static List<EventData> Records(int count, int size = 64, int first = 0) =>
        [.. Enumerable.Range(first, count).Select(i => new EventData(new BinaryData(Enumerable.Range(0, size).Select(b => (byte)(b + i)).ToArray()), $"stream-1/{i}"))];

    [Fact]
    public async Task Sas_signed_batches_are_accepted_and_binary_bodies_survive()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        var producer = SasProducer(fake);
        var events = Records(5);

        var result = (await producer.SendBatchAsync(events, "stream-1")).Value;

        Assert.Equal(new EventHubsSendResult(5, 1), result);
        var request = Assert.Single(fake.Requests);
        Assert.Equal(201, request.Status);
        Assert.Equal("SharedAccessSignature", request.AuthorizationScheme);
        Assert.Equal("application/vnd.microsoft.servicebus.json", request.ContentType);
        Assert.Equal("/ledger-stream/messages", request.Path);
        Assert.Equal(events.Select(e => e.RecordId), fake.Events.Select(e => e.RecordId));
        Assert.All(fake.Events, e => Assert.Equal("stream-1", e.PartitionKey));
        Assert.Equal(events.Select(e => e.Body.ToArray()), fake.Events.Select(e => e.BodyBytes));
    }

    [Fact]
    public async Task Partition_sends_go_to_the_partition_url_without_a_partition_key()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();

        await SasProducer(fake).SendBatchToPartitionAsync(Records(2), "3");

        Assert.Equal("/ledger-stream/partitions/3/messages", Assert.Single(fake.Requests).Path);
        Assert.All(fake.Events, e => Assert.Equal(("3", (string?)null), (e.PartitionId, e.PartitionKey)));
    }

    [Fact]
    public async Task Large_sends_are_split_below_the_limit_and_arrive_in_order()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        var producer = SasProducer(fake);
        // 40 records of ~100 KB serialize to ~5.4 MB: several requests, none above the real 1,000,000-byte budget.
        var events = Records(40, size: 100_000);

        var result = (await producer.SendBatchAsync(events, "stream-1")).Value;

        Assert.Equal(40, result.EventCount);
        Assert.True(result.RequestCount >= 6, $"{result.RequestCount} requests");
        Assert.Equal(result.RequestCount, fake.Requests.Count);
        Assert.All(fake.Requests, r => Assert.True(r.BodyLength <= 1_000_000 && r.Status == 201, $"{r.BodyLength} bytes, {r.Status}"));
        Assert.Equal(events.Select(e => e.RecordId), fake.Events.Select(e => e.RecordId));
    }

    [Fact]
    public async Task Throttling_is_retried_honouring_Retry_After_until_it_succeeds()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        fake.FailNext(2, 503, retryAfter: TimeSpan.FromSeconds(1));
        var producer = SasProducer(fake);

        var result = (await producer.SendBatchAsync(Records(3), "stream-1")).Value;

        Assert.Equal(3, result.EventCount);
        var requests = fake.Requests;
        Assert.Equal([503, 503, 201], requests.Select(r => r.Status));
        // Retry-After: 1 outweighs the 10 ms back-off and the 50 ms ServerBusy floor (allow for timer granularity).
        Assert.True(requests[1].ReceivedAfterStart - requests[0].ReceivedAfterStart >= TimeSpan.FromMilliseconds(950));
        Assert.True(requests[2].ReceivedAfterStart - requests[1].ReceivedAfterStart >= TimeSpan.FromMilliseconds(950));
        Assert.Equal(3, fake.Events.Count);
    }

    [Fact]
    public async Task ServerBusy_waits_at_least_the_configured_floor_without_Retry_After()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        fake.FailNext(1, 503);
        var producer = SasProducer(fake, o => o.ServerBusyMinimumDelay = TimeSpan.FromMilliseconds(400));

        await producer.SendBatchAsync(Records(1));

        var requests = fake.Requests;
        Assert.Equal([503, 201], requests.Select(r => r.Status));
        Assert.True(requests[1].ReceivedAfterStart - requests[0].ReceivedAfterStart >= TimeSpan.FromMilliseconds(380));
    }

    [Fact]
    public void ServerBusy_floor_defaults_to_four_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(4), new EventHubProducerClientOptions().ServerBusyMinimumDelay);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(400)]
    [InlineData(413)]
    public async Task Client_errors_are_persistent_and_not_retried(int status)
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        fake.FailNext(10, status);

        var error = await Assert.ThrowsAsync<EventHubsSendException>(() => SasProducer(fake).SendBatchAsync(Records(2), "stream-1"));

        Assert.Equal(status, error.Status);
        Assert.Equal(EventHubsFailureKind.Persistent, error.Kind);
        Assert.False(error.IsTransient);
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.ErrorCode);
        Assert.Single(fake.Requests);
        Assert.Empty(fake.Events);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_by_the_contract_endpoint_as_persistent_401()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        var options = new EventHubProducerClientOptions { Transport = fake.CreateTransport() };
        var connection = EventHubsConnection.FromSharedAccessKey(fake.BaseUri, fake.Settings.HubName,
            new EventHubsSharedAccessKeyCredential(fake.Settings.KeyName, "not-the-key"));

        var error = await Assert.ThrowsAsync<EventHubsSendException>(() => new EventHubProducerClient(connection, options).SendBatchAsync(Records(1)));

        Assert.Equal((401, EventHubsFailureKind.Persistent), (error.Status, error.Kind));
        Assert.Contains("InvalidSignature", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Persistent_500s_are_transient_after_the_retries_and_recovery_delivers_later()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        fake.FailNext(3, 500);
        var producer = SasProducer(fake, o => o.Retry.MaxRetries = 2);

        var error = await Assert.ThrowsAsync<EventHubsSendException>(() => producer.SendBatchAsync(Records(2), "stream-1"));
        var recovered = (await producer.SendBatchAsync(Records(2), "stream-1")).Value;

        Assert.Equal((500, EventHubsFailureKind.Transient, 0), (error.Status, error.Kind, error.EventsSent));
        Assert.True(error.IsTransient);
        Assert.Equal([500, 500, 500, 201], fake.Requests.Select(r => r.Status));
        Assert.Equal(2, recovered.EventCount);
        Assert.Equal(["stream-1/0", "stream-1/1"], fake.Events.Select(e => e.RecordId));
    }

    [Fact]
    public async Task A_failure_midway_reports_how_many_events_were_already_delivered()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        var producer = SasProducer(fake, o =>
        {
            o.MaxRequestBodyBytes = 4096;
            o.Retry.MaxRetries = 0;
        });
        var events = Records(30, size: 500);
        // Let the first request through, then fail the second.
        var first = EventHubsBatchSerializer.Split(events, "s", 4096)[0].EventCount;
        await producer.SendBatchAsync(events.Take(first).ToList(), "s");
        fake.FailNext(1, 503);

        var error = await Assert.ThrowsAsync<EventHubsSendException>(() => producer.SendBatchAsync(events.Skip(first).ToList(), "s"));

        Assert.Equal(0, error.EventsSent);
        Assert.Equal(first, fake.Events.Count);
        var resend = (await producer.SendBatchAsync(events, "s")).Value;
        Assert.Equal(30, resend.EventCount);
        // At-least-once: the first batch arrives twice, no record is missing, and order holds per send.
        Assert.Equal(events.Take(first).Concat(events).Select(e => e.RecordId), fake.Events.Select(e => e.RecordId));
    }

    [Fact]
    public async Task Entra_sends_a_bearer_token_for_the_event_hubs_scope()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync(new FakeEventHubsSettings { UseHttps = true, BearerToken = "entra-access-token-42" });
        var credential = new FixedTokenCredential("entra-access-token-42");
        var connection = EventHubsConnection.FromNamespace("contoso.servicebus.windows.net", fake.Settings.HubName, credential).WithEndpoint(fake.BaseUri);

        await new EventHubProducerClient(connection, new EventHubProducerClientOptions { Transport = fake.CreateTransport() }).SendBatchAsync(Records(2), "k");

        var request = Assert.Single(fake.Requests);
        Assert.Equal(("Bearer", 201), (request.AuthorizationScheme, request.Status));
        Assert.Equal(["https://eventhubs.azure.net/.default"], credential.RequestedScopes.Distinct());
        Assert.Equal(2, fake.Events.Count);
    }

    [Fact]
    public async Task Logs_redact_the_authorization_and_never_contain_the_key_signature_or_token()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync(new FakeEventHubsSettings { UseHttps = true, BearerToken = "entra-access-token-secret" });
        fake.FailNext(1, 503, retryAfter: TimeSpan.FromSeconds(1));
        var logs = new List<string>();
        using (new AzureEventSourceListener((e, message) =>
        {
            lock (logs)
            {
                logs.Add(message + " | " + string.Join(" | ", e.Payload ?? []));
            }
        }, EventLevel.Verbose))
        {
            await SasProducer(fake).SendBatchAsync(Records(1), "k");
            var entra = EventHubsConnection.FromNamespace("contoso.servicebus.windows.net", fake.Settings.HubName, new FixedTokenCredential("entra-access-token-secret"))
                .WithEndpoint(fake.BaseUri);
            await new EventHubProducerClient(entra, new EventHubProducerClientOptions { Transport = fake.CreateTransport() }).SendBatchAsync(Records(1), "k");
        }

        string all;
        lock (logs)
        {
            all = string.Join("\n", logs);
        }
        Assert.Contains("Authorization:REDACTED", all, StringComparison.Ordinal);
        Assert.Contains("Retry-After", all, StringComparison.Ordinal);
        Assert.DoesNotContain(fake.Settings.Key, all, StringComparison.Ordinal);
        Assert.DoesNotContain(System.Net.WebUtility.UrlEncode(fake.Settings.Key), all, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", all, StringComparison.Ordinal);
        Assert.DoesNotContain("SharedAccessSignature sr", all, StringComparison.Ordinal);
        Assert.DoesNotContain("entra-access-token-secret", all, StringComparison.Ordinal);
        Assert.Equal([503, 201, 201], fake.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task Network_failures_are_transient_with_status_zero()
    {
        Uri closed;
        await using (var fake = await FakeEventHubsEndpoint.StartAsync())
        {
            closed = fake.BaseUri;
        }
        var options = new EventHubProducerClientOptions();
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        var connection = EventHubsConnection.FromSharedAccessKey(closed, "ledger-stream", new EventHubsSharedAccessKeyCredential("send", "k"));
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<EventHubsSendException>(() => new EventHubProducerClient(connection, options).SendBatchAsync(Records(1)));

        Assert.Equal((0, EventHubsFailureKind.Transient), (error.Status, error.Kind));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_send_that_lands_after_the_client_timed_out_is_resent_duplicates_but_no_gaps()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        fake.DelayNext(1, TimeSpan.FromSeconds(1.5));
        var producer = SasProducer(fake, o => o.Retry.NetworkTimeout = TimeSpan.FromMilliseconds(300));

        var result = (await producer.SendBatchAsync(Records(3), "stream-1")).Value;

        Assert.Equal(3, result.EventCount);
        Assert.Equal(["stream-1/0", "stream-1/1", "stream-1/2", "stream-1/0", "stream-1/1", "stream-1/2"], fake.Events.Select(e => e.RecordId));
    }

    [Fact]
    public async Task Network_timeouts_after_the_retries_are_transient_with_status_zero()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        fake.DelayNext(2, TimeSpan.FromSeconds(1));
        var producer = SasProducer(fake, o =>
        {
            o.Retry.NetworkTimeout = TimeSpan.FromMilliseconds(200);
            o.Retry.MaxRetries = 1;
        });

        var error = await Assert.ThrowsAsync<EventHubsSendException>(() => producer.SendBatchAsync(Records(1), "stream-1"));

        Assert.Equal((0, EventHubsFailureKind.Transient, "NetworkTimeout"), (error.Status, error.Kind, error.ErrorCode));
        Assert.Equal(2, fake.Requests.Count);
    }

    [Fact]
    public async Task The_sas_token_is_reused_and_renewed_before_it_expires()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var producer = SasProducer(fake, o => o.TimeProvider = clock);

        await producer.SendBatchAsync(Records(1));
        clock.Advance(TimeSpan.FromMinutes(30));
        await producer.SendBatchAsync(Records(1));
        clock.Advance(TimeSpan.FromMinutes(26));
        await producer.SendBatchAsync(Records(1));

        var tokens = fake.Requests.Select(r => r.Authorization).ToList();
        Assert.All(fake.Requests, r => Assert.Equal(201, r.Status));
        Assert.Equal(tokens[0], tokens[1]);
        Assert.NotEqual(tokens[1], tokens[2]);
    }

    [Fact]
    public async Task Invalid_arguments_are_rejected_before_anything_is_sent()
    {
        await using var fake = await FakeEventHubsEndpoint.StartAsync();
        var producer = SasProducer(fake);

        await Assert.ThrowsAsync<ArgumentException>(() => producer.SendBatchAsync([]));
        await Assert.ThrowsAsync<ArgumentException>(() => producer.SendBatchAsync(Records(1), new string('k', 129)));
        await Assert.ThrowsAsync<ArgumentException>(() => producer.SendBatchAsync(Records(1), ""));
        await Assert.ThrowsAsync<ArgumentException>(() => producer.SendBatchToPartitionAsync(Records(1), " "));
        await Assert.ThrowsAsync<ArgumentException>(() => producer.SendBatchAsync([.. Records(1), new EventData(new BinaryData(new byte[1_000_000]), "huge")]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SasProducer(fake, o => o.MaxRequestBodyBytes = 2_000_000));
        Assert.Empty(fake.Requests);
    }
}
