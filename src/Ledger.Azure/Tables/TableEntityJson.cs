using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using global::Azure;

namespace Ledger.Azure.Tables;

/// <summary>
/// The OData JSON form of entities: writes Edm annotations for every type JSON cannot carry exactly (Int64 as a
/// string, DateTime, Guid, Binary, Double), and reads minimal- or full-metadata responses back into typed values.
/// </summary>
internal static class TableEntityJson
{
    private const string TypeSuffix = "@odata.type";

    // The body goes to the service, never into HTML: escaping non-ASCII as \uXXXX would only inflate it
    // (6 bytes instead of 2-3), which matters against the 4 MiB batch limit.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // One buffer and writer per thread, reused: every entity write (three session PUTs per transaction, each entity
    // of a batch) otherwise grew a fresh buffer from 256 bytes and allocated a writer, ~6 KB for a 1 KB block entity.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static byte[] Serialize(TableEntity entity)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        try
        {
            Write(writer, entity);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            // Reset even after a failure, so a half-written entity never leaks into the next one.
            writer.Reset(buffer);
            if (buffer.Capacity > MaxRetainedBufferBytes)
            {
                t_buffer = new ArrayBufferWriter<byte>(4096);
                writer.Reset(t_buffer);
            }
            else
            {
                buffer.ResetWrittenCount();
            }
        }
    }

    // A thread keeps at most this much buffer between entities; a rare large entity's buffer is dropped.
    private const int MaxRetainedBufferBytes = 256 * 1024;

    public static void Write(Utf8JsonWriter writer, TableEntity entity)
    {
        writer.WriteStartObject();
        writer.WriteString("PartitionKey", entity.PartitionKey);
        writer.WriteString("RowKey", entity.RowKey);
        foreach (var (name, value) in entity)
        {
            switch (value)
            {
                case string s:
                    writer.WriteString(name, s);
                    break;
                case int i:
                    writer.WriteNumber(name, i);
                    break;
                case bool b:
                    writer.WriteBoolean(name, b);
                    break;
                case long l:
                    writer.WriteString(name + TypeSuffix, "Edm.Int64");
                    writer.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                    break;
                case double d:
                    // Annotated so that whole numbers stay Double; special values travel as strings.
                    writer.WriteString(name + TypeSuffix, "Edm.Double");
                    if (double.IsNaN(d))
                    {
                        writer.WriteString(name, "NaN");
                    }
                    else if (double.IsPositiveInfinity(d))
                    {
                        writer.WriteString(name, "Infinity");
                    }
                    else if (double.IsNegativeInfinity(d))
                    {
                        writer.WriteString(name, "-Infinity");
                    }
                    else
                    {
                        writer.WriteNumber(name, d);
                    }
                    break;
                case DateTimeOffset dto:
                    writer.WriteString(name + TypeSuffix, "Edm.DateTime");
                    writer.WriteString(name, FormatDateTime(dto));
                    break;
                case Guid g:
                    writer.WriteString(name + TypeSuffix, "Edm.Guid");
                    writer.WriteString(name, g.ToString("D"));
                    break;
                case BinaryData data:
                    writer.WriteString(name + TypeSuffix, "Edm.Binary");
                    writer.WriteBase64String(name, data.ToMemory().Span);
                    break;
                default:
                    throw new InvalidOperationException($"Property '{name}' has unsupported type {value.GetType().Name}.");
            }
        }
        writer.WriteEndObject();
    }

    /// <summary>ISO 8601 UTC with 7 fractional digits (the service keeps 100 ns ticks).</summary>
    public static string FormatDateTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static TableEntity Read(JsonElement element, ETag? etagFromHeader = null)
    {
        var partitionKey = element.TryGetProperty("PartitionKey", out var pk) ? pk.GetString() ?? string.Empty : string.Empty;
        var rowKey = element.TryGetProperty("RowKey", out var rk) ? rk.GetString() ?? string.Empty : string.Empty;
        var entity = new TableEntity(partitionKey, rowKey);
        if (etagFromHeader is { } headerETag)
        {
            entity.ETag = headerETag;
        }

        foreach (var property in element.EnumerateObject())
        {
            var name = property.Name;
            if (name is "PartitionKey" or "RowKey")
            {
                continue;
            }
            if (name == "odata.etag")
            {
                entity.ETag = new ETag(property.Value.GetString()!);
                continue;
            }
            if (name.StartsWith("odata.", StringComparison.Ordinal) || name.Contains('@', StringComparison.Ordinal))
            {
                continue;
            }
            string? edmType = element.TryGetProperty(name + TypeSuffix, out var annotation) ? annotation.GetString() : null;
            if (name == "Timestamp")
            {
                // Azurite does not annotate Timestamp in minimalmetadata: parse it by name.
                entity.Timestamp = ParseDateTime(property.Value.GetString()!);
                continue;
            }
            entity.SetTrusted(name, ReadValue(name, property.Value, edmType));
        }
        return entity;
    }

    private static object ReadValue(string name, JsonElement value, string? edmType)
    {
        switch (edmType)
        {
            case "Edm.Int64":
                return value.ValueKind == JsonValueKind.String
                    ? long.Parse(value.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
                    : value.GetInt64();
            case "Edm.Int32":
                return value.GetInt32();
            case "Edm.Double":
                return value.ValueKind == JsonValueKind.String
                    ? value.GetString() switch
                    {
                        "NaN" => double.NaN,
                        "Infinity" => double.PositiveInfinity,
                        "-Infinity" => double.NegativeInfinity,
                        var text => double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture),
                    }
                    : value.GetDouble();
            case "Edm.DateTime":
                return ParseDateTime(value.GetString()!);
            case "Edm.Guid":
                return Guid.Parse(value.GetString()!);
            case "Edm.Binary":
                return BinaryData.FromBytes(value.GetBytesFromBase64());
            case "Edm.Boolean":
                return value.GetBoolean();
            case "Edm.String":
                return value.GetString()!;
            case null:
                return value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString()!,
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number when value.TryGetInt32(out var i) => i,
                    JsonValueKind.Number when value.TryGetInt64(out var l) => l,
                    JsonValueKind.Number => value.GetDouble(),
                    _ => throw new FormatException($"Property '{name}' has an unsupported JSON value kind {value.ValueKind}."),
                };
            default:
                throw new FormatException($"Property '{name}' has an unsupported type {edmType}.");
        }
    }

    private static DateTimeOffset ParseDateTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
