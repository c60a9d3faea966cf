using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ledger.Functions.Protocol.ControlPlane;

/// <summary>
/// Control-plane timestamps: JSON numbers of epoch seconds with millisecond fractions (<c>1568839243.951</c>),
/// as the AWS REST-JSON protocol writes them.
/// </summary>
public sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var seconds))
        {
            throw new JsonException("A timestamp must be a number of seconds since the epoch.");
        }

        var milliseconds = decimal.Round(seconds * 1000m, MidpointRounding.AwayFromZero);
        if (milliseconds < -62135596800000m || milliseconds > 253402300799999m)
        {
            throw new JsonException("The timestamp is out of range.");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var seconds = value.ToUnixTimeMilliseconds() / 1000m;
        writer.WriteRawValue(seconds.ToString("0.###", CultureInfo.InvariantCulture), skipInputValidation: true);
    }
}
