using System.Text;
using System.Text.Json;
using Ledger.Azure.EventHubs;

namespace Ledger.Azure.Tests.EventHubs;

public sealed class EventHubsBatchSerializerTests
{
    [Fact]
    public void Batch_body_is_the_documented_json_with_base64_and_text_bodies()
    {
        var binary = new EventData(new BinaryData(new byte[] { 0xE0, 0x01, 0x00, 0xEA, 0xFB, 0xFF }), "ledger/s1/5/0", "application/x-amzn-ion");
        binary.Properties["recordType"] = "BLOCK_SUMMARY";
        var text = EventData.FromText("{\"a\":\"é<\"}", "ledger/s1/5/1");

        var bodies = EventHubsBatchSerializer.Split([binary, text], "s1", 1_000_000);

        var (body, count) = Assert.Single(bodies);
        Assert.Equal(2, count);
        Assert.Equal(
            "[{\"Body\":\"4AEA6vv/\",\"UserProperties\":{\"recordId\":\"ledger/s1/5/0\",\"bodyEncoding\":\"base64\",\"contentType\":\"application/x-amzn-ion\",\"recordType\":\"BLOCK_SUMMARY\"},\"BrokerProperties\":{\"PartitionKey\":\"s1\"}}," +
            "{\"Body\":\"{\\\"a\\\":\\\"é<\\\"}\",\"UserProperties\":{\"recordId\":\"ledger/s1/5/1\"},\"BrokerProperties\":{\"PartitionKey\":\"s1\"}}]",
            Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void Without_a_partition_key_there_are_no_BrokerProperties()
    {
        var body = EventHubsBatchSerializer.Split([EventData.FromText("x", "r1")], null, 1_000_000)[0].Body;

        Assert.Equal("[{\"Body\":\"x\",\"UserProperties\":{\"recordId\":\"r1\"}}]", Encoding.UTF8.GetString(body));
    }

    [Theory]
    [InlineData(2_000)]
    [InlineData(10_000)]
    [InlineData(1_000_000)]
    public void Splitting_keeps_every_request_within_the_limit_and_the_order(int limit)
    {
        var events = Enumerable.Range(0, 400)
            .Select(i => new EventData(new BinaryData(Enumerable.Repeat((byte)i, 1 + (i * 37 % 1400)).ToArray()), $"r{i}"))
            .ToList();

        var bodies = EventHubsBatchSerializer.Split(events, "pk", limit);

        Assert.All(bodies, b => Assert.True(b.Body.Length <= limit, $"{b.Body.Length} > {limit}"));
        var ids = new List<string>();
        foreach (var (body, count) in bodies)
        {
            using var document = JsonDocument.Parse(body);
            Assert.Equal(count, document.RootElement.GetArrayLength());
            ids.AddRange(document.RootElement.EnumerateArray().Select(m => m.GetProperty("UserProperties").GetProperty("recordId").GetString()!));
        }
        Assert.Equal(events.Select(e => e.RecordId), ids);
        if (limit < 1_000_000)
        {
            Assert.True(bodies.Count > 1);
            // Greedy packing: the next event would not have fitted into the previous request.
            for (var i = 0; i + 1 < bodies.Count; i++)
            {
                var next = EventHubsBatchSerializer.SerializeMessage(events[bodies.Take(i + 1).Sum(b => b.EventCount)], "pk");
                Assert.True(bodies[i].Body.Length + 1 + next.Length > limit);
            }
        }
        else
        {
            Assert.Single(bodies);
        }
    }

    [Fact]
    public void An_event_that_alone_exceeds_the_limit_is_rejected_before_sending()
    {
        var events = new[] { EventData.FromText("small", "r0"), new EventData(new BinaryData(new byte[2000]), "r1") };

        var error = Assert.Throws<ArgumentException>(() => EventHubsBatchSerializer.Split(events, null, 1024));

        Assert.Contains("r1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reserved_user_properties_are_rejected()
    {
        var data = EventData.FromText("x", "r1");
        data.Properties["recordId"] = "spoofed";

        Assert.Throws<ArgumentException>(() => EventHubsBatchSerializer.Split([data], null, 1024));
    }
}
