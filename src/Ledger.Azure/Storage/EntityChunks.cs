using System.Globalization;
using Ledger.Azure.Tables;

namespace Ledger.Azure.Storage;

/// <summary>
/// Bytes spread over Binary properties <c>D0</c>, <c>D1</c>, … of one entity, because a Binary property holds at most
/// 64 KiB while an entity holds up to 1 MiB. <see cref="MaxInlineBytes"/> leaves room for the keys and a few small
/// properties within the entity limit (by the service's size formula, which Azurite does not enforce on insert).
/// </summary>
internal static class EntityChunks
{
    /// <summary>The service's limit on one Binary property.</summary>
    public const int MaxPropertyBytes = 64 * 1024;

    /// <summary>At most this many bytes go inline: 15 full properties, under the 1 MiB entity limit with keys and metadata.</summary>
    public const int MaxInlineBytes = 15 * MaxPropertyBytes;

    private const string CountProperty = "Chunks";

    public static void Write(TableEntity entity, ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length > MaxInlineBytes)
        {
            throw new ArgumentException($"{bytes.Length} bytes do not fit one entity; at most {MaxInlineBytes} go inline.", nameof(bytes));
        }

        var count = 0;
        for (var offset = 0; offset < bytes.Length || count == 0; offset += MaxPropertyBytes)
        {
            var length = Math.Min(MaxPropertyBytes, bytes.Length - offset);
            entity[Name(count)] = new BinaryData(bytes.Slice(offset, length));
            count++;
        }

        entity[CountProperty] = count;
    }

    public static bool IsPresent(TableEntity entity) => entity.ContainsKey(CountProperty);

    public static byte[] Read(TableEntity entity)
    {
        var count = entity.GetInt32(CountProperty) ?? throw new InvalidDataException($"{entity} has no {CountProperty} property.");
        var parts = new ReadOnlyMemory<byte>[count];
        var total = 0;
        for (var i = 0; i < count; i++)
        {
            parts[i] = (entity.GetBinaryData(Name(i)) ?? throw new InvalidDataException($"{entity} lacks chunk {i} of {count}.")).ToMemory();
            total += parts[i].Length;
        }

        var bytes = new byte[total];
        var at = 0;
        foreach (var part in parts)
        {
            part.Span.CopyTo(bytes.AsSpan(at));
            at += part.Length;
        }

        return bytes;
    }

    /// <summary>Removes the chunk properties (when the bytes move elsewhere).</summary>
    public static void Clear(TableEntity entity)
    {
        var count = entity.GetInt32(CountProperty) ?? 0;
        for (var i = 0; i < count; i++)
        {
            entity.Remove(Name(i));
        }

        entity.Remove(CountProperty);
    }

    private static string Name(int index) => "D" + index.ToString(CultureInfo.InvariantCulture);
}
