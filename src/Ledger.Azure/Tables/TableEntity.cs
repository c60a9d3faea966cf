using System.Collections;
using System.Diagnostics.CodeAnalysis;
using global::Azure;

namespace Ledger.Azure.Tables;

/// <summary>
/// A Table entity: PartitionKey, RowKey, the server-managed Timestamp and ETag, and typed custom properties.
/// Property values are one of: <see cref="string"/>, <see cref="int"/>, <see cref="long"/>, <see cref="double"/>,
/// <see cref="bool"/>, <see cref="DateTimeOffset"/> (stored as UTC), <see cref="Guid"/>, <see cref="byte"/>[]
/// or <see cref="BinaryData"/>; each maps to its Edm type (Int64 is always annotated, so large numbers survive).
/// </summary>
public sealed class TableEntity : IEnumerable<KeyValuePair<string, object>>
{
    private readonly Dictionary<string, object> _properties = new(StringComparer.Ordinal);

    /// <summary>Creates an entity with the given keys.</summary>
    public TableEntity(string partitionKey, string rowKey)
    {
        PartitionKey = partitionKey ?? throw new ArgumentNullException(nameof(partitionKey));
        RowKey = rowKey ?? throw new ArgumentNullException(nameof(rowKey));
    }

    /// <summary>The partition key (empty is allowed).</summary>
    public string PartitionKey { get; set; }

    /// <summary>The row key (empty is allowed).</summary>
    public string RowKey { get; set; }

    /// <summary>The server's last-modified time; set on entities read from the service, never sent.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>The entity's ETag as last seen; opaque, echo it verbatim in conditional operations.</summary>
    public ETag ETag { get; set; }

    /// <summary>The service's limit on custom properties (255 minus PartitionKey, RowKey and Timestamp).</summary>
    public const int MaxCustomProperties = 252;

    /// <summary>The service's limit on an entity's size as <see cref="ComputeServiceSize"/> measures it.</summary>
    public const int MaxServiceSizeBytes = 1024 * 1024;

    /// <summary>The number of custom properties.</summary>
    public int Count => _properties.Count;

    /// <summary>The custom property names.</summary>
    public IEnumerable<string> Keys => _properties.Keys;

    /// <summary>Gets or sets a custom property. Setting null removes it; unsupported types throw.</summary>
    public object? this[string name]
    {
        get => _properties.TryGetValue(name, out var value) ? value : null;
        set
        {
            ValidatePropertyName(name);
            if (value is null)
            {
                _properties.Remove(name);
            }
            else
            {
                _properties[name] = Normalize(value, name);
            }
        }
    }

    /// <summary>Whether a custom property exists.</summary>
    public bool ContainsKey(string name) => _properties.ContainsKey(name);

    /// <summary>Removes a custom property.</summary>
    public bool Remove(string name) => _properties.Remove(name);

    /// <summary>Gets a property value, or false when it is absent.</summary>
    public bool TryGetValue(string name, [NotNullWhen(true)] out object? value) => _properties.TryGetValue(name, out value);

    /// <summary>A string property, or null when absent.</summary>
    public string? GetString(string name) => Get<string>(name);

    /// <summary>A Boolean property, or null when absent.</summary>
    public bool? GetBoolean(string name) => _properties.TryGetValue(name, out var v) ? (bool)Expect<bool>(name, v) : null;

    /// <summary>An Int32 property, or null when absent.</summary>
    public int? GetInt32(string name) => _properties.TryGetValue(name, out var v) ? (int)Expect<int>(name, v) : null;

    /// <summary>An Int64 property (an Int32 value widens), or null when absent.</summary>
    public long? GetInt64(string name) => _properties.TryGetValue(name, out var v)
        ? v switch { long l => l, int i => i, _ => (long)Expect<long>(name, v) }
        : null;

    /// <summary>A Double property (an integer value widens, as the service may send 1.0 as 1), or null when absent.</summary>
    public double? GetDouble(string name) => _properties.TryGetValue(name, out var v)
        ? v switch { double d => d, int i => i, long l => l, _ => (double)Expect<double>(name, v) }
        : null;

    /// <summary>A DateTime property (UTC), or null when absent.</summary>
    public DateTimeOffset? GetDateTimeOffset(string name) =>
        _properties.TryGetValue(name, out var v) ? (DateTimeOffset)Expect<DateTimeOffset>(name, v) : null;

    /// <summary>A Guid property, or null when absent.</summary>
    public Guid? GetGuid(string name) => _properties.TryGetValue(name, out var v) ? (Guid)Expect<Guid>(name, v) : null;

    /// <summary>A Binary property, or null when absent.</summary>
    public BinaryData? GetBinaryData(string name) => Get<BinaryData>(name);

    /// <summary>A Binary property as bytes, or null when absent.</summary>
    public byte[]? GetBinary(string name) => GetBinaryData(name)?.ToArray();

    /// <summary>
    /// The entity's size by the Table service's documented formula: 4 + 2·len(PartitionKey) + 2·len(RowKey) + per
    /// property 8 + 2·len(name) + the value's size (strings 4 + 2·chars, binary 4 + bytes, Int32 4, Int64/Double/
    /// DateTime 8, Guid 16, Boolean 1). Azurite does not enforce the limit on insert, so callers check it here.
    /// </summary>
    public int ComputeServiceSize()
    {
        long size = 4 + (2L * PartitionKey.Length) + (2L * RowKey.Length);
        foreach (var (name, value) in _properties)
        {
            size += 8 + (2L * name.Length) + value switch
            {
                string s => 4 + (2L * s.Length),
                BinaryData b => 4 + b.ToMemory().Length,
                int => 4,
                bool => 1,
                Guid => 16,
                _ => 8,
            };
        }
        return (int)Math.Min(size, int.MaxValue);
    }

    /// <summary>Throws when the entity breaks the service's property-count or size limits.</summary>
    internal void ValidateLimits()
    {
        if (Count > MaxCustomProperties)
        {
            throw new ArgumentException($"Entity {this} has {Count} custom properties; the limit is {MaxCustomProperties}.");
        }
        var size = ComputeServiceSize();
        if (size > MaxServiceSizeBytes)
        {
            throw new ArgumentException($"Entity {this} is {size} bytes by the service's measure; the limit is {MaxServiceSizeBytes}.");
        }
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => _properties.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The key is used in errors and logs; property values are not, as they may be sensitive.</summary>
    public override string ToString() => $"TableEntity(PartitionKey={PartitionKey}, RowKey={RowKey}, {Count} properties)";

    /// <summary>Sets a property without validation; only for values the deserializer produced.</summary>
    internal void SetTrusted(string name, object value) => _properties[name] = value;

    private T? Get<T>(string name) where T : class =>
        _properties.TryGetValue(name, out var v) ? (T)Expect<T>(name, v) : null;

    private static object Expect<T>(string name, object value) => value is T
        ? value
        : throw new InvalidCastException($"Property '{name}' is {value.GetType().Name}, not {typeof(T).Name}.");

    private static object Normalize(object value, string name) => value switch
    {
        string or int or long or double or bool or Guid or BinaryData => value,
        byte[] bytes => BinaryData.FromBytes(bytes.ToArray()),
        DateTimeOffset dto => dto.ToUniversalTime(),
        DateTime dt => new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt.ToUniversalTime()),
        _ => throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.", nameof(value)),
    };

    private static void ValidatePropertyName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name is "PartitionKey" or "RowKey" or "Timestamp" or "ETag" || name.StartsWith("odata.", StringComparison.Ordinal) || name.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is reserved; use the entity's own property.", nameof(name));
        }
    }
}
