using System.Globalization;
using Ledger.Engine.Ports;

namespace Ledger.Engine.InMemory;

/// <summary>An <see cref="IJournalStreamStore"/> in memory with ETag semantics.</summary>
public sealed class InMemoryJournalStreamStore : IJournalStreamStore
{
    private readonly Lock _gate = new();
    private readonly List<JournalStreamRecord> _streams = [];
    private long _etag;

    /// <inheritdoc/>
    public ValueTask<bool> TryCreateAsync(JournalStreamRecord stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        lock (_gate)
        {
            if (IndexOf(stream.LedgerName, stream.StreamId) >= 0)
            {
                return ValueTask.FromResult(false);
            }

            _streams.Add(stream with { ETag = NextETag() });
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<JournalStreamRecord?> GetAsync(string ledgerName, string streamId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var index = IndexOf(ledgerName, streamId);
            return ValueTask.FromResult(index < 0 ? null : _streams[index]);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JournalStreamRecord>> ListAsync(string ledgerName, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<JournalStreamRecord>>(_streams.Where(s => s.LedgerName == ledgerName).ToList());
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> TryUpdateAsync(JournalStreamRecord stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        lock (_gate)
        {
            var index = IndexOf(stream.LedgerName, stream.StreamId);
            if (index < 0 || _streams[index].ETag != stream.ETag)
            {
                return ValueTask.FromResult(false);
            }

            _streams[index] = stream with { ETag = NextETag() };
            return ValueTask.FromResult(true);
        }
    }

    private int IndexOf(string ledgerName, string streamId) =>
        _streams.FindIndex(s => s.LedgerName == ledgerName && s.StreamId == streamId);

    private string NextETag() => (++_etag).ToString(CultureInfo.InvariantCulture);
}
