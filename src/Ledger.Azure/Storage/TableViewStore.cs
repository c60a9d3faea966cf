using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using global::Azure;
using Ledger.Azure.Tables;
using Ledger.Engine.Model;
using Ledger.Engine.Ports;
using Ledger.Ion.Binary;
using JournalRevision = Ledger.Journal.Model.JournalRevision;
using RedactionTarget = Ledger.Journal.Model.RedactionTarget;

namespace Ledger.Azure.Storage;

/// <summary>
/// The views on Azure Table, all in one table with partitions by kind:
/// documents <c>d|ledger|tableId</c> → <c>docId|version</c> (every revision kept, so a read at a snapshot takes the
/// newest revision with <c>Seq &lt; snapshot</c>; one partition per table spreads a ledger's load over partitions);
/// the catalog <c>c|ledger</c> → <c>tableId|version</c>; index entries <c>i|ledger|tableId|field</c> →
/// <c>keyHash|docId|sequenceNo</c> (a candidate list, re-checked by the caller; one partition per indexed field, so
/// the entries of a whole group commit go in one batch); the watermark <c>w|ledger</c>, ETag-guarded.
/// Each revision is stored as the binary Ion of its system record (<see cref="JournalRevision.ToIon"/> with data).
/// </summary>
public sealed class TableViewStore : IViewStore
{
    private const string SequenceProperty = "Seq";
    private const string LiveProperty = "Live";
    private const string SizeProperty = "Size";

    private readonly AzureLedgerStorage _storage;

    // Per ledger, the catalog revisions of every block before ValidBefore, kept by this instance as it applies blocks
    // in order. Blocks never change, so the list stays right however many instances apply them; any other block
    // number (a re-apply, another instance having applied meanwhile) reloads it from the table.
    private readonly ConcurrentDictionary<string, CatalogBefore> _catalogs = new(StringComparer.Ordinal);

    // Per ledger, block writes not yet stored (write-behind): buffered until a read or the watermark needs them, then
    // written together, so the blocks of one group commit share one batch per partition.
    private readonly ConcurrentDictionary<string, PendingWrites> _pending = new(StringComparer.Ordinal);

    // Per ledger, the watermark this instance last wrote and its ETag: the next advance tries it without a read.
    private readonly ConcurrentDictionary<string, (long Size, ETag ETag)> _watermarks = new(StringComparer.Ordinal);

    internal TableViewStore(AzureLedgerStorage storage)
    {
        _storage = storage;
    }

    private TableClient Table => _storage.Views;

    /// <inheritdoc/>
    public async ValueTask ApplyBlockAsync(string ledgerName, JournalBlock block, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(block);
        await _storage.EnsureCreatedAsync(cancellationToken);
        var catalogRevisions = block.Revisions.Where(r => r.IsCatalog).ToList();
        var documentRevisions = block.Revisions.Where(r => !r.IsCatalog).ToList();
        var writes = new List<TableEntity>();
        Dictionary<string, HashSet<string>> indexedBefore = [];
        IReadOnlyList<DocumentRevision> catalogBefore = [];
        Dictionary<string, HashSet<string>> indexedAfter = [];
        if (catalogRevisions.Count > 0 || documentRevisions.Count > 0)
        {
            // The indexed fields come from the catalog as of before this block (deterministic, so a repeated apply
            // repeats the same index backfill), plus the block's own catalog revisions.
            var before = _catalogs.TryGetValue(ledgerName, out var cached) && cached.ValidBefore == block.SequenceNo
                ? cached.Revisions
                : await ReadStoredCatalogRevisionsAsync(ledgerName, block.SequenceNo, cancellationToken);
            _catalogs.TryRemove(ledgerName, out _);
            catalogBefore = before;
            indexedBefore = IndexedFields(before);
            indexedAfter = IndexedFields(before.Concat(catalogRevisions));
        }

        foreach (var revision in catalogRevisions)
        {
            writes.Add(RevisionEntity(CatalogPartition(ledgerName), revision));
        }

        foreach (var revision in documentRevisions)
        {
            writes.Add(RevisionEntity(DocumentPartition(ledgerName, revision.TableId), revision));
            if (indexedAfter.TryGetValue(revision.TableId, out var fields))
            {
                writes.AddRange(IndexEntries(ledgerName, revision, fields));
            }
        }

        var backfills = indexedAfter
            .Select(t => (TableId: t.Key, Fields: t.Value.Except(indexedBefore.GetValueOrDefault(t.Key) ?? [], StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal)))
            .Where(t => t.Fields.Count > 0)
            .ToList();
        if (backfills.Count == 0 && block.Redactions.IsEmpty)
        {
            // The common block only adds rows that nothing else touches: write it behind, so that the blocks of one
            // group commit are written together; reads and the watermark wait for it (see FlushAsync).
            _pending.GetOrAdd(ledgerName, _ => new PendingWrites()).Buffer(block.SequenceNo, writes);
        }
        else
        {
            // A backfill scans, and a redaction rewrites, rows of earlier blocks: those must be in place first.
            await FlushAsync(ledgerName, block.SequenceNo);
            await TableBatches.UpsertAllAsync(Table, writes, cancellationToken);
            foreach (var (tableId, fields) in backfills)
            {
                await BackfillIndexAsync(ledgerName, tableId, fields, cancellationToken);
            }

            foreach (var target in block.Redactions)
            {
                await RedactAsync(ledgerName, target, cancellationToken);
            }
        }

        if (catalogRevisions.Count > 0 || documentRevisions.Count > 0)
        {
            _catalogs[ledgerName] = new CatalogBefore(block.SequenceNo + 1, [.. catalogBefore, .. catalogRevisions]);
        }
    }

    /// <inheritdoc/>
    public async ValueTask SetWatermarkAsync(string ledgerName, long size, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        await FlushAsync(ledgerName, size);
        var partition = WatermarkPartition(ledgerName);
        var updated = new TableEntity(partition, string.Empty) { [SizeProperty] = size };
        if (_watermarks.TryGetValue(ledgerName, out var last) && last.Size < size)
        {
            try
            {
                _watermarks[ledgerName] = (size, (await Table.UpdateEntityAsync(updated, last.ETag, TableUpdateMode.Replace, cancellationToken)).Value);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Someone else moved it since (or it was cleared): read it below.
            }
        }

        while (true)
        {
            var current = (await Table.GetEntityIfExistsAsync(partition, string.Empty, cancellationToken: cancellationToken)).Value;
            if (current?.GetInt64(SizeProperty) >= size)
            {
                return;
            }

            try
            {
                var etag = current is null
                    ? (await Table.AddEntityAsync(updated, cancellationToken)).Value
                    : (await Table.UpdateEntityAsync(updated, current.ETag, TableUpdateMode.Replace, cancellationToken)).Value;
                _watermarks[ledgerName] = (size, etag);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Moved concurrently; read again, it never goes backwards.
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask<long> GetWatermarkAsync(string ledgerName, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        var entity = (await Table.GetEntityIfExistsAsync(WatermarkPartition(ledgerName), string.Empty, cancellationToken: cancellationToken)).Value;
        return entity?.GetInt64(SizeProperty) ?? 0;
    }

    /// <inheritdoc/>
    public async ValueTask<DocumentRevision?> GetDocumentAsync(string ledgerName, string tableId, string documentId, long snapshot, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        await FlushAsync(ledgerName, snapshot);
        var partition = DocumentPartition(ledgerName, tableId);
        var prefix = StorageKeys.Escape(documentId) + StorageKeys.Separator;
        var end = StorageKeys.Escape(documentId) + StorageKeys.AfterSeparator;
        var filter = TableFilter.Create($"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {end} and Seq lt {snapshot}");
        TableEntity? newest = null;
        await foreach (var entity in Table.QueryAsync(filter, 1000, cancellationToken: cancellationToken))
        {
            newest = entity;
        }

        return newest is null ? null : ReadRevision(tableId, newest);
    }

    /// <inheritdoc/>
    public async ValueTask<RevisionPage> ScanTableAsync(string ledgerName, string tableId, long snapshot, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        await _storage.EnsureCreatedAsync(cancellationToken);
        await FlushAsync(ledgerName, snapshot);
        var partition = DocumentPartition(ledgerName, tableId);
        var filter = continuationToken is null
            ? TableFilter.Create($"PartitionKey eq {partition} and Seq lt {snapshot}")
            : TableFilter.Create($"PartitionKey eq {partition} and RowKey ge {StorageKeys.Escape(continuationToken) + StorageKeys.AfterSeparator} and Seq lt {snapshot}");
        var page = new List<DocumentRevision>();
        string? next = null;
        TableEntity? groupLast = null;

        // Rows come in document order, versions ascending: the last row of a document's run is its visible revision.
        // Only that row is decoded, and only if it is live.
        bool Finish(TableEntity? last)
        {
            if (last is null || last.GetBoolean(LiveProperty) != true)
            {
                return false;
            }

            if (page.Count == pageSize)
            {
                next = page[^1].DocumentId;
                return true;
            }

            page.Add(ReadRevision(tableId, last));
            return false;
        }

        await foreach (var entity in Table.QueryAsync(filter, 1000, cancellationToken: cancellationToken))
        {
            if (groupLast is not null && !DocumentKeyOf(groupLast.RowKey).SequenceEqual(DocumentKeyOf(entity.RowKey)) && Finish(groupLast))
            {
                return new RevisionPage(page, next);
            }

            groupLast = entity;
        }

        Finish(groupLast);
        return new RevisionPage(page, next);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<string>> FindIndexCandidatesAsync(string ledgerName, string tableId, string field, IndexKey key, long snapshot, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        await FlushAsync(ledgerName, snapshot);
        var keyPrefix = KeyHash(key) + StorageKeys.Separator;
        var keyEnd = KeyHash(key) + StorageKeys.AfterSeparator;
        var filter = TableFilter.Create($"PartitionKey eq {IndexPartition(ledgerName, tableId, field)} and RowKey ge {keyPrefix} and RowKey lt {keyEnd} and Seq lt {snapshot}");
        var candidates = new List<string>();
        await foreach (var entity in Table.QueryAsync(filter, 1000, [SequenceProperty], cancellationToken))
        {
            var documentId = StorageKeys.Unescape(DocumentKeyOf(entity.RowKey)[keyPrefix.Length..].ToString());
            if (candidates.Count == 0 || candidates[^1] != documentId)
            {
                candidates.Add(documentId);
            }
        }

        return candidates;
    }

    /// <inheritdoc/>
    public async ValueTask<RevisionPage> ReadHistoryAsync(string ledgerName, string tableId, string? documentId, long snapshot, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        await _storage.EnsureCreatedAsync(cancellationToken);
        await FlushAsync(ledgerName, snapshot);
        var partition = DocumentPartition(ledgerName, tableId);
        var from = continuationToken ?? (documentId is null ? string.Empty : StorageKeys.Escape(documentId) + StorageKeys.Separator);
        var filter = documentId is null
            ? TableFilter.Create($"PartitionKey eq {partition} and RowKey gt {from} and Seq lt {snapshot}")
            : TableFilter.Create($"PartitionKey eq {partition} and RowKey gt {from} and RowKey lt {StorageKeys.Escape(documentId) + StorageKeys.AfterSeparator} and Seq lt {snapshot}");
        var rows = new List<TableEntity>();
        await foreach (var entity in Table.QueryAsync(filter, Math.Min(pageSize + 1, 1000), cancellationToken: cancellationToken))
        {
            rows.Add(entity);
            if (rows.Count > pageSize)
            {
                break;
            }
        }

        var revisions = rows.Take(pageSize).Select(r => ReadRevision(tableId, r)).ToList();
        return new RevisionPage(revisions, rows.Count > pageSize ? rows[pageSize - 1].RowKey : null);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<TableDescriptor>> GetCatalogAsync(string ledgerName, long snapshot, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        // Blocks never change, so the catalog revisions this instance holds for the blocks before ValidBefore are the
        // catalog at any snapshot up to it: every transaction's table lookup is served without a query.
        IEnumerable<DocumentRevision> revisions = _catalogs.TryGetValue(ledgerName, out var cached) && snapshot <= cached.ValidBefore
            ? cached.Revisions.Where(r => r.SequenceNo < snapshot)
            : await ReadStoredCatalogRevisionsAsync(ledgerName, snapshot, cancellationToken);
        return revisions
            .GroupBy(r => r.DocumentId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(r => r.Version)!)
            .OrderBy(r => r.SequenceNo)
            .ThenBy(r => r.DocumentId, StringComparer.Ordinal)
            .Select(r => TableDescriptor.FromIon(r.Data!) with { Version = r.Version })
            .ToList();
    }

    /// <inheritdoc/>
    public async ValueTask ClearAsync(string ledgerName, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        await FlushAsync(ledgerName, long.MaxValue);
        _catalogs.TryRemove(ledgerName, out _);
        _watermarks.TryRemove(ledgerName, out _);
        var ledger = StorageKeys.Escape(ledgerName);
        foreach (var kind in new[] { "d", "i" })
        {
            var start = StorageKeys.Join(kind, ledger) + StorageKeys.Separator;
            var end = StorageKeys.Join(kind, ledger) + StorageKeys.AfterSeparator;
            await TableBatches.DeleteWhereAsync(Table, TableFilter.Create($"PartitionKey ge {start} and PartitionKey lt {end}"), cancellationToken);
        }

        await TableBatches.DeleteWhereAsync(Table, TableFilter.Create($"PartitionKey eq {CatalogPartition(ledgerName)}"), cancellationToken);
        await TableBatches.DeleteWhereAsync(Table, TableFilter.Create($"PartitionKey eq {WatermarkPartition(ledgerName)}"), cancellationToken);
    }

    private static string DocumentPartition(string ledgerName, string tableId) => StorageKeys.Join("d", StorageKeys.Escape(ledgerName), StorageKeys.Escape(tableId));

    private static string CatalogPartition(string ledgerName) => StorageKeys.Join("c", StorageKeys.Escape(ledgerName));

    private static string WatermarkPartition(string ledgerName) => StorageKeys.Join("w", StorageKeys.Escape(ledgerName));

    // One partition per indexed field; index keys can be long (any Ion value's text) and keys are at most 1 KiB, so
    // the row key names the key by a hash. A collision only adds candidates, which the caller re-checks.
    private static string IndexPartition(string ledgerName, string tableId, string field) =>
        StorageKeys.Join("i", StorageKeys.Escape(ledgerName), StorageKeys.Escape(tableId), StorageKeys.Escape(field));

    private static string KeyHash(IndexKey key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key.Value), hash);
        return Convert.ToHexString(hash[..16]);
    }

    private static string RevisionRowKey(DocumentRevision revision) =>
        StorageKeys.Escape(revision.DocumentId) + StorageKeys.Separator + StorageKeys.Number(revision.Version);

    private static ReadOnlySpan<char> DocumentKeyOf(string rowKey) => rowKey.AsSpan(0, rowKey.LastIndexOf(StorageKeys.Separator));

    private static TableEntity RevisionEntity(string partition, DocumentRevision revision)
    {
        var entity = new TableEntity(partition, RevisionRowKey(revision))
        {
            [SequenceProperty] = revision.SequenceNo,
            [LiveProperty] = !revision.IsDeleted,
        };
        EntityChunks.Write(entity, IonBinary.Write(revision.Journal.ToIon(includeSystemData: true)));
        return entity;
    }

    private static DocumentRevision ReadRevision(string tableId, TableEntity entity) =>
        new(tableId, JournalRevision.FromIon(IonBinary.Read(EntityChunks.Read(entity))));

    private static IEnumerable<TableEntity> IndexEntries(string ledgerName, DocumentRevision revision, IEnumerable<string> fields)
    {
        if (revision.Data is null)
        {
            yield break;
        }

        foreach (var field in fields)
        {
            if (revision.Data[field] is { } value)
            {
                var partition = IndexPartition(ledgerName, revision.TableId, field);
                var rowKey = KeyHash(IndexKey.From(value)) + StorageKeys.Separator + StorageKeys.Escape(revision.DocumentId) + StorageKeys.Separator + StorageKeys.Number(revision.SequenceNo);
                yield return new TableEntity(partition, rowKey) { [SequenceProperty] = revision.SequenceNo };
            }
        }
    }

    private static Dictionary<string, HashSet<string>> IndexedFields(IEnumerable<DocumentRevision> catalogRevisions)
    {
        var fields = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var revision in catalogRevisions)
        {
            var table = TableDescriptor.FromIon(revision.Data!);
            if (!fields.TryGetValue(table.TableId, out var set))
            {
                set = new HashSet<string>(StringComparer.Ordinal);
                fields[table.TableId] = set;
            }

            set.UnionWith(table.Indexes.Select(i => i.Field));
        }

        return fields;
    }

    // The catalog revisions of blocks before `snapshot` as stored, once this instance's buffered rows of those blocks
    // are in place.
    private async Task<List<DocumentRevision>> ReadStoredCatalogRevisionsAsync(string ledgerName, long snapshot, CancellationToken cancellationToken)
    {
        await FlushAsync(ledgerName, snapshot);
        var filter = TableFilter.Create($"PartitionKey eq {CatalogPartition(ledgerName)} and Seq lt {snapshot}");
        var revisions = new List<DocumentRevision>();
        await foreach (var entity in Table.QueryAsync(filter, 1000, cancellationToken: cancellationToken))
        {
            var revision = ReadRevision(string.Empty, entity);
            revisions.Add(new DocumentRevision(revision.DocumentId, revision.Journal));
        }

        return revisions;
    }

    // A new index covers every revision already stored, entered at the sequence number that wrote it, so snapshot
    // reads before the index existed still find their candidates.
    private async Task BackfillIndexAsync(string ledgerName, string tableId, HashSet<string> fields, CancellationToken cancellationToken)
    {
        var filter = TableFilter.Create($"PartitionKey eq {DocumentPartition(ledgerName, tableId)}");
        var entries = new List<TableEntity>();
        await foreach (var entity in Table.QueryAsync(filter, 1000, cancellationToken: cancellationToken))
        {
            entries.AddRange(IndexEntries(ledgerName, ReadRevision(tableId, entity), fields));
        }

        await TableBatches.UpsertAllAsync(Table, entries, cancellationToken);
    }

    private async Task RedactAsync(string ledgerName, RedactionTarget target, CancellationToken cancellationToken)
    {
        var partition = DocumentPartition(ledgerName, target.TableId);
        var rowKey = StorageKeys.Escape(target.DocumentId) + StorageKeys.Separator + StorageKeys.Number(target.Version);
        var stored = (await Table.GetEntityIfExistsAsync(partition, rowKey, cancellationToken: cancellationToken)).Value;
        if (stored is null)
        {
            return;
        }

        var revision = ReadRevision(target.TableId, stored);
        if (revision.Data is null)
        {
            return;
        }

        await Table.UpsertEntityAsync(RevisionEntity(partition, revision.Redact()), TableUpdateMode.Replace, cancellationToken);
    }

    private sealed record CatalogBefore(long ValidBefore, IReadOnlyList<DocumentRevision> Revisions);

    /// <inheritdoc/>
    ValueTask IViewStore.FlushAsync(string ledgerName, long before, CancellationToken cancellationToken) => new(FlushAsync(ledgerName, before));

    // Stores the buffered rows of every block this instance applied so far, together (one batch per partition and
    // per 100 rows), and waits for the writes of the ledger's blocks before `before`: a read at a snapshot needs no
    // later block, and the engine reads at most at the watermark, so it rarely waits. A failed write is reported here
    // once; the sequencer then stops without advancing the watermark, and the next one re-applies from there.
    private async Task FlushAsync(string ledgerName, long before)
    {
        // Not the caller's token: the write is shared by every flusher, and each reports its outcome.
        if (!_pending.TryGetValue(ledgerName, out var pending)
            || pending.StartAndCollect(before, rows => TableBatches.UpsertAllAsync(Table, rows, CancellationToken.None)) is not { Length: > 0 } writes)
        {
            return;
        }

        // Every concurrent flusher awaits the same writes; they leave the list only once they have finished.
        try
        {
            await Task.WhenAll(writes);
        }
        finally
        {
            pending.Remove(writes);
        }
    }

    private sealed class PendingWrites
    {
        private readonly Lock _gate = new();
        private readonly List<TableEntity> _buffered = [];
        private readonly List<(long SequenceNo, Task Write)> _writes = [];
        private long _firstBuffered = long.MaxValue;

        public void Buffer(long sequenceNo, List<TableEntity> rows)
        {
            lock (_gate)
            {
                _buffered.AddRange(rows);
                _firstBuffered = Math.Min(_firstBuffered, sequenceNo);
            }
        }

        // When a block before `before` is still buffered, starts one write of everything buffered; then the writes
        // that hold blocks before `before`.
        public Task[] StartAndCollect(long before, Func<List<TableEntity>, Task> write)
        {
            lock (_gate)
            {
                if (_firstBuffered < before)
                {
                    List<TableEntity> rows = [.. _buffered];
                    _writes.Add((_firstBuffered, Task.Run(() => write(rows))));
                    _buffered.Clear();
                    _firstBuffered = long.MaxValue;
                }

                return [.. _writes.Where(w => w.SequenceNo < before).Select(w => w.Write)];
            }
        }

        public void Remove(Task[] finished)
        {
            lock (_gate)
            {
                _writes.RemoveAll(w => finished.Contains(w.Write));
            }
        }
    }
}
