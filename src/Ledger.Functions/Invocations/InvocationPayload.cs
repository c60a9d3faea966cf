using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ledger.Functions.Invocations;

/// <summary>
/// The body the Functions host POSTs to <c>/{FunctionName}</c> for non-HTTP triggers (timer, queue):
/// one entry per input binding in <see cref="Data"/> and trigger metadata in <see cref="Metadata"/>.
/// </summary>
public sealed class InvocationRequest
{
    [JsonPropertyName("Data")]
    public Dictionary<string, JsonElement> Data { get; init; } = [];

    [JsonPropertyName("Metadata")]
    public Dictionary<string, JsonElement> Metadata { get; init; } = [];

    /// <summary>
    /// A binding or metadata value with the host's string wrapping undone. The host serializes most values
    /// with JsonConvert and embeds the result as a string, so a queue message <c>hello</c> arrives as
    /// <c>"\"hello\""</c> and a count as <c>"1"</c>; objects such as TimerInfo arrive as objects.
    /// </summary>
    public static JsonElement Unwrap(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return value;
        }

        var text = value.GetString()!;
        try
        {
            using var inner = JsonDocument.Parse(text);
            return inner.RootElement.ValueKind is JsonValueKind.String or JsonValueKind.Number
                or JsonValueKind.True or JsonValueKind.False
                ? inner.RootElement.Clone()
                : value;
        }
        catch (JsonException)
        {
            return value;
        }
    }

    /// <summary>The metadata value named <paramref name="name"/>, unwrapped, or null when absent.</summary>
    public JsonElement? GetMetadata(string name) =>
        Metadata.TryGetValue(name, out var value) ? Unwrap(value) : null;

    /// <summary>Whether a timer binding says the invocation is running late (<c>IsPastDue</c>).</summary>
    public bool IsPastDue(string timerBinding) =>
        Data.TryGetValue(timerBinding, out var timer)
        && timer.ValueKind == JsonValueKind.Object
        && timer.TryGetProperty("IsPastDue", out var pastDue)
        && pastDue.ValueKind == JsonValueKind.True;
}

/// <summary>
/// The handler's answer to an invocation: output bindings, log lines for the invocation log and the
/// return value. Our functions have no output bindings; we write to storage ourselves.
/// </summary>
public sealed class InvocationResponse
{
    [JsonPropertyName("Outputs")]
    public Dictionary<string, object?> Outputs { get; init; } = [];

    [JsonPropertyName("Logs")]
    public List<string> Logs { get; init; } = [];

    [JsonPropertyName("ReturnValue")]
    public object? ReturnValue { get; init; }
}
