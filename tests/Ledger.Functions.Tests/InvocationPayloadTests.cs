using System.Text.Json;
using Ledger.Functions.Invocations;

namespace Ledger.Functions.Tests;

/// <summary>The custom-handler invocation payload shapes of spec/azure-platform.md §1.4.</summary>
public class InvocationPayloadTests
{
    // A timer invocation as the host sends it: TimerInfo as an object, sys metadata as an object.
    internal const string TimerPayload = """
        {
          "Data": {
            "timer": {
              "Schedule": { "AdjustForDST": true },
              "ScheduleStatus": { "Last": "2026-11-22T03:00:00+00:00", "Next": "2026-11-22T03:00:10+00:00", "LastUpdated": "2026-11-22T03:00:00+00:00" },
              "IsPastDue": false
            }
          },
          "Metadata": {
            "sys": { "MethodName": "StreamPump", "UtcNow": "2026-11-22T03:00:10.22Z", "RandGuid": "0f8fad5b-d9cb-469f-a165-70867728950e" }
          }
        }
        """;

    // A queue invocation as the host's code produces it: strings and numbers are JSON-serialized, then
    // embedded as strings (double encoding).
    private const string QueuePayload = """
        {
          "Data": { "msg": "\"hello\"" , "json": "{\"a\":1}" },
          "Metadata": {
            "DequeueCount": "1",
            "Id": "\"5c9e1b0c-1111-2222-3333-444455556666\"",
            "PopReceipt": "AgAAAAMAAAAAAAAA",
            "sys": { "MethodName": "Work", "UtcNow": "2026-11-22T03:00:10.22Z", "RandGuid": "x" }
          }
        }
        """;

    [Fact]
    public void Timer_payload_deserializes_with_binding_and_metadata()
    {
        var request = JsonSerializer.Deserialize<InvocationRequest>(TimerPayload)!;

        Assert.True(request.Data.ContainsKey("timer"));
        Assert.False(request.IsPastDue("timer"));
        Assert.Equal("StreamPump", request.GetMetadata("sys")!.Value.GetProperty("MethodName").GetString());
    }

    [Fact]
    public void Past_due_timer_is_recognised()
    {
        var payload = TimerPayload.Replace("\"IsPastDue\": false", "\"IsPastDue\": true", StringComparison.Ordinal);

        var request = JsonSerializer.Deserialize<InvocationRequest>(payload)!;

        Assert.True(request.IsPastDue("timer"));
    }

    [Fact]
    public void Double_encoded_string_is_decoded_once_more()
    {
        var request = JsonSerializer.Deserialize<InvocationRequest>(QueuePayload)!;

        var message = InvocationRequest.Unwrap(request.Data["msg"]);

        Assert.Equal(JsonValueKind.String, message.ValueKind);
        Assert.Equal("hello", message.GetString());
    }

    [Fact]
    public void Double_encoded_number_becomes_a_number()
    {
        var request = JsonSerializer.Deserialize<InvocationRequest>(QueuePayload)!;

        var count = request.GetMetadata("DequeueCount")!.Value;

        Assert.Equal(JsonValueKind.Number, count.ValueKind);
        Assert.Equal(1, count.GetInt32());
    }

    [Fact]
    public void String_holding_a_json_object_stays_the_text_the_sender_wrote()
    {
        var request = JsonSerializer.Deserialize<InvocationRequest>(QueuePayload)!;

        var json = InvocationRequest.Unwrap(request.Data["json"]);

        Assert.Equal(JsonValueKind.String, json.ValueKind);
        Assert.Equal("{\"a\":1}", json.GetString());
    }

    [Fact]
    public void Plain_text_that_is_not_json_is_kept_as_is()
    {
        var request = JsonSerializer.Deserialize<InvocationRequest>(QueuePayload)!;

        var receipt = request.GetMetadata("PopReceipt")!.Value;

        Assert.Equal("AgAAAAMAAAAAAAAA", receipt.GetString());
    }

    [Fact]
    public void Unwrapped_guid_string_loses_its_inner_quotes()
    {
        var request = JsonSerializer.Deserialize<InvocationRequest>(QueuePayload)!;

        Assert.Equal("5c9e1b0c-1111-2222-3333-444455556666", request.GetMetadata("Id")!.Value.GetString());
    }

    [Fact]
    public void Absent_metadata_is_null()
    {
        var request = JsonSerializer.Deserialize<InvocationRequest>(TimerPayload)!;

        Assert.Null(request.GetMetadata("DequeueCount"));
    }
}
