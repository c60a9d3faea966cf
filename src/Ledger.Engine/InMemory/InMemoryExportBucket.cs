using Ledger.Engine.Ports;

namespace Ledger.Engine.InMemory;

/// <summary>
/// Export objects in memory (tests, the local shell, the benchmark). <see cref="FailAfterPuts"/> makes the bucket
/// refuse every put after that many, the way a killed worker stops writing mid-export.
/// </summary>
public sealed class InMemoryExportBucket : IExportTarget, IExportSource
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Bucket, string Key), byte[]> _objects = [];
    private int _puts;

    /// <summary>Puts succeed while fewer than this many have been made; null never fails.</summary>
    public int? FailAfterPuts { get; set; }

    /// <summary>How many puts succeeded.</summary>
    public int Puts
    {
        get
        {
            lock (_gate)
            {
                return _puts;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask PutObjectAsync(string bucket, string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (FailAfterPuts is { } limit && _puts >= limit)
            {
                throw new ExportTargetException($"Put of {key} refused (the bucket was told to fail).");
            }

            _objects[(bucket, key)] = content.ToArray();
            _puts++;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<ReadOnlyMemory<byte>?> GetObjectAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            // A missing object is null, not an empty memory (a null array would convert to one).
            return ValueTask.FromResult(_objects.TryGetValue((bucket, key), out var bytes) ? new ReadOnlyMemory<byte>(bytes) : (ReadOnlyMemory<byte>?)null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> ListKeysAsync(string bucket, string prefix, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<string> keys = [.. _objects.Keys
                .Where(k => k.Bucket == bucket && k.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(k => k.Key)
                .Order(StringComparer.Ordinal)];
            return ValueTask.FromResult(keys);
        }
    }

    /// <summary>Replaces an object's bytes (tests tamper with exports through it).</summary>
    public void Replace(string bucket, string key, byte[] content)
    {
        lock (_gate)
        {
            _objects[(bucket, key)] = content;
        }
    }
}
