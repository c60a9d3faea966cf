using Ledger.Engine.Model;
using Ledger.Engine.Ports;

namespace Ledger.Engine.InMemory;

/// <summary>An <see cref="IViewStore"/> in memory: every revision kept per document, filtered by snapshot on read.</summary>
public sealed class InMemoryViewStore : IViewStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LedgerViews> _ledgers = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ValueTask ApplyBlockAsync(string ledgerName, JournalBlock block, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(block);
        lock (_gate)
        {
            var views = Views(ledgerName);
            foreach (var revision in block.Revisions)
            {
                if (revision.IsCatalog)
                {
                    ApplyCatalogRevision(views, revision);
                }
                else
                {
                    ApplyDocumentRevision(views, revision);
                }
            }

            foreach (var target in block.Redactions)
            {
                var key = (target.TableId, target.DocumentId);
                if (views.Documents.TryGetValue(key, out var revisions))
                {
                    var index = revisions.FindIndex(r => r.Version == target.Version);
                    if (index >= 0 && revisions[index].Data is not null)
                    {
                        revisions[index] = revisions[index].Redact();
                    }
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask SetWatermarkAsync(string ledgerName, long size, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var views = Views(ledgerName);
            views.Watermark = Math.Max(views.Watermark, size);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<long> GetWatermarkAsync(string ledgerName, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(Views(ledgerName).Watermark);
        }
    }

    /// <inheritdoc/>
    public ValueTask<DocumentRevision?> GetDocumentAsync(string ledgerName, string tableId, string documentId, long snapshot, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(Views(ledgerName).Documents.TryGetValue((tableId, documentId), out var revisions) ? Visible(revisions, snapshot) : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<RevisionPage> ScanTableAsync(string ledgerName, string tableId, long snapshot, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        lock (_gate)
        {
            var views = Views(ledgerName);
            var page = new List<DocumentRevision>();
            string? next = null;
            if (views.DocumentsByTable.TryGetValue(tableId, out var ids))
            {
                foreach (var id in ids.GetViewBetween(continuationToken ?? string.Empty, MaxId))
                {
                    if (id == continuationToken)
                    {
                        continue;
                    }

                    if (Visible(views.Documents[(tableId, id)], snapshot) is { IsDeleted: false } revision)
                    {
                        if (page.Count == pageSize)
                        {
                            next = page[^1].DocumentId;
                            break;
                        }

                        page.Add(revision);
                    }
                }
            }

            return ValueTask.FromResult(new RevisionPage(page, next));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> FindIndexCandidatesAsync(string ledgerName, string tableId, string field, IndexKey key, long snapshot, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var views = Views(ledgerName);
            IReadOnlyList<string> candidates = views.IndexEntries.TryGetValue((tableId, field, key), out var entries)
                ? entries.Where(e => e.SequenceNo < snapshot).Select(e => e.DocumentId).Distinct(StringComparer.Ordinal).ToList()
                : [];
            return ValueTask.FromResult(candidates);
        }
    }

    /// <inheritdoc/>
    public ValueTask<RevisionPage> ReadHistoryAsync(string ledgerName, string tableId, string? documentId, long snapshot, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        lock (_gate)
        {
            var views = Views(ledgerName);
            IEnumerable<string> ids = documentId is not null
                ? [documentId]
                : views.DocumentsByTable.TryGetValue(tableId, out var all) ? all : [];
            var revisions = ids
                .SelectMany(id => views.Documents.TryGetValue((tableId, id), out var list) ? list : [])
                .Where(r => r.SequenceNo < snapshot);
            var skip = continuationToken is null ? 0 : int.Parse(continuationToken, System.Globalization.CultureInfo.InvariantCulture);
            var page = revisions.Skip(skip).Take(pageSize + 1).ToList();
            var next = page.Count > pageSize ? (skip + pageSize).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return ValueTask.FromResult(new RevisionPage(page.Take(pageSize).ToList(), next));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<TableDescriptor>> GetCatalogAsync(string ledgerName, long snapshot, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<TableDescriptor> tables = Views(ledgerName).Catalog
                .Select(entry => Visible(entry.Value, snapshot))
                .Where(r => r is not null)
                .OrderBy(r => r!.SequenceNo)
                .ThenBy(r => r!.DocumentId, StringComparer.Ordinal)
                .Select(r => TableDescriptor.FromIon(r!.Data!) with { Version = r.Version })
                .ToList();
            return ValueTask.FromResult(tables);
        }
    }

    /// <inheritdoc/>
    public ValueTask ClearAsync(string ledgerName, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _ledgers.Remove(ledgerName);
        }

        return ValueTask.CompletedTask;
    }

    private const string MaxId = "\uffff";

    private static DocumentRevision? Visible(List<DocumentRevision> revisions, long snapshot)
    {
        for (var i = revisions.Count - 1; i >= 0; i--)
        {
            if (revisions[i].SequenceNo < snapshot)
            {
                return revisions[i];
            }
        }

        return null;
    }

    private static void ApplyDocumentRevision(LedgerViews views, DocumentRevision revision)
    {
        var key = (revision.TableId, revision.DocumentId);
        if (!views.Documents.TryGetValue(key, out var revisions))
        {
            revisions = [];
            views.Documents[key] = revisions;
            if (!views.DocumentsByTable.TryGetValue(revision.TableId, out var ids))
            {
                ids = new SortedSet<string>(StringComparer.Ordinal);
                views.DocumentsByTable[revision.TableId] = ids;
            }

            ids.Add(revision.DocumentId);
        }

        if (revisions.Any(r => r.Version == revision.Version))
        {
            return;
        }

        revisions.Add(revision);
        IndexRevision(views, revision);
    }

    private static void IndexRevision(LedgerViews views, DocumentRevision revision)
    {
        if (revision.Data is null || !views.IndexedFields.TryGetValue(revision.TableId, out var fields))
        {
            return;
        }

        foreach (var field in fields)
        {
            if (revision.Data[field] is { } value)
            {
                AddIndexEntry(views, (revision.TableId, field, IndexKey.From(value)), new IndexEntry(revision.DocumentId, revision.SequenceNo));
            }
        }
    }

    private static void AddIndexEntry(LedgerViews views, (string, string, IndexKey) key, IndexEntry entry)
    {
        if (!views.IndexEntries.TryGetValue(key, out var entries))
        {
            entries = [];
            views.IndexEntries[key] = entries;
        }

        entries.Add(entry);
    }

    private static void ApplyCatalogRevision(LedgerViews views, DocumentRevision revision)
    {
        if (!views.Catalog.TryGetValue(revision.DocumentId, out var revisions))
        {
            revisions = [];
            views.Catalog[revision.DocumentId] = revisions;
        }

        if (revisions.Any(r => r.Version == revision.Version))
        {
            return;
        }

        revisions.Add(revision);
        var table = TableDescriptor.FromIon(revision.Data!);
        if (!views.IndexedFields.TryGetValue(table.TableId, out var fields))
        {
            fields = new HashSet<string>(StringComparer.Ordinal);
            views.IndexedFields[table.TableId] = fields;
        }

        foreach (var index in table.Indexes.Where(i => fields.Add(i.Field)))
        {
            BuildIndex(views, table.TableId, index.Field);
        }
    }

    // A new index covers every revision already stored, entered at the sequence number that wrote it, so snapshot
    // reads before the index existed still find their candidates (a caller only uses an index its snapshot's
    // catalog lists, and then every candidate is re-checked against the document).
    private static void BuildIndex(LedgerViews views, string tableId, string field)
    {
        if (!views.DocumentsByTable.TryGetValue(tableId, out var ids))
        {
            return;
        }

        foreach (var id in ids)
        {
            foreach (var revision in views.Documents[(tableId, id)])
            {
                if (revision.Data?[field] is { } value)
                {
                    AddIndexEntry(views, (tableId, field, IndexKey.From(value)), new IndexEntry(id, revision.SequenceNo));
                }
            }
        }
    }

    private LedgerViews Views(string ledgerName)
    {
        if (!_ledgers.TryGetValue(ledgerName, out var views))
        {
            views = new LedgerViews();
            _ledgers[ledgerName] = views;
        }

        return views;
    }

    private readonly record struct IndexEntry(string DocumentId, long SequenceNo);

    private sealed class LedgerViews
    {
        public Dictionary<(string TableId, string DocumentId), List<DocumentRevision>> Documents { get; } = [];

        public Dictionary<string, SortedSet<string>> DocumentsByTable { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string TableId, string Field, IndexKey Key), List<IndexEntry>> IndexEntries { get; } = [];

        public Dictionary<string, HashSet<string>> IndexedFields { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, List<DocumentRevision>> Catalog { get; } = new(StringComparer.Ordinal);

        public long Watermark { get; set; }
    }
}
