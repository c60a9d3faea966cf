using Ledger.Engine.Model;

namespace Ledger.Engine.Transactions;

/// <summary>
/// What a transaction read, as the sequencer validates it: documents (by table and id, including ones found
/// absent), index predicates (a key looked up through an index), whole-table scans, and catalog entries (table
/// names and ids resolved). Any of these written by a transaction sequenced after the snapshot is a conflict.
/// </summary>
public sealed class ReadSet
{
    private readonly HashSet<(string TableId, string DocumentId)> _documents = [];
    private readonly HashSet<(string TableId, string Field, IndexKey Key)> _indexKeys = [];
    private readonly HashSet<string> _tableScans = new(StringComparer.Ordinal);
    private readonly HashSet<string> _catalogKeys = new(StringComparer.Ordinal);

    /// <summary>Documents read (present or absent).</summary>
    public IReadOnlyCollection<(string TableId, string DocumentId)> Documents => _documents;

    /// <summary>Index keys looked up.</summary>
    public IReadOnlyCollection<(string TableId, string Field, IndexKey Key)> IndexKeys => _indexKeys;

    /// <summary>Tables scanned in full.</summary>
    public IReadOnlyCollection<string> TableScans => _tableScans;

    /// <summary>Catalog entries resolved (see <see cref="CatalogNameKey"/> and <see cref="CatalogIdKey"/>).</summary>
    public IReadOnlyCollection<string> CatalogKeys => _catalogKeys;

    /// <summary>True when nothing was read.</summary>
    public bool IsEmpty => _documents.Count == 0 && _indexKeys.Count == 0 && _tableScans.Count == 0 && _catalogKeys.Count == 0;

    /// <summary>The catalog key of a table name.</summary>
    public static string CatalogNameKey(string tableName) => "name:" + tableName;

    /// <summary>The catalog key every catalog change touches (read by whoever lists the whole catalog).</summary>
    public const string WholeCatalogKey = "catalog:*";

    /// <summary>The catalog key of a table id.</summary>
    public static string CatalogIdKey(string tableId) => "id:" + tableId;

    /// <summary>Records a document read.</summary>
    public void AddDocument(string tableId, string documentId) => _documents.Add((tableId, documentId));

    /// <summary>Records an index lookup.</summary>
    public void AddIndexKey(string tableId, string field, IndexKey key) => _indexKeys.Add((tableId, field, key));

    /// <summary>Records a full scan.</summary>
    public void AddTableScan(string tableId) => _tableScans.Add(tableId);

    /// <summary>Records a catalog read.</summary>
    public void AddCatalogKey(string key) => _catalogKeys.Add(key);

    /// <summary>True when <paramref name="writes"/> changed anything this read set depends on.</summary>
    public bool ConflictsWith(WriteSummary writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.CatalogKeys.Overlaps(_catalogKeys))
        {
            return true;
        }

        foreach (var written in writes.Documents)
        {
            if (_documents.Contains((written.TableId, written.DocumentId)) || _tableScans.Contains(written.TableId))
            {
                return true;
            }

            if (written.Data is null || _indexKeys.Count == 0)
            {
                continue;
            }

            foreach (var (tableId, field, key) in _indexKeys)
            {
                if (tableId == written.TableId && written.Data[field] is { } value && IndexKey.From(value) == key)
                {
                    return true;
                }
            }
        }

        return false;
    }
}

/// <summary>A document written by a committed block (its new data, or null for a deletion).</summary>
public sealed record WrittenDocument(string TableId, string DocumentId, Ledger.Ion.IonStruct? Data);

/// <summary>What one committed block changed, for OCC validation of later commits.</summary>
public sealed class WriteSummary
{
    private WriteSummary(long sequenceNo, string transactionId, IReadOnlyList<WrittenDocument> documents, HashSet<string> catalogKeys)
    {
        SequenceNo = sequenceNo;
        TransactionId = transactionId;
        Documents = documents;
        CatalogKeys = catalogKeys;
    }

    /// <summary>The block's sequence number.</summary>
    public long SequenceNo { get; }

    /// <summary>The transaction the block journals (the sequencer never journals one twice).</summary>
    public string TransactionId { get; }

    /// <summary>Documents written.</summary>
    public IReadOnlyList<WrittenDocument> Documents { get; }

    /// <summary>Catalog entries changed (names and ids of tables created, dropped or undropped).</summary>
    public HashSet<string> CatalogKeys { get; }

    /// <summary>
    /// Summarizes a block. A catalog revision changes the names and ids it touches only when it creates a table or
    /// changes its status; adding an index leaves the table usable, so it conflicts only with readers of that
    /// table's documents through the document writes (none) — concurrent DML keeps going while an index is built.
    /// </summary>
    public static WriteSummary Of(JournalBlock block, Func<string, TableDescriptor?> previousCatalogEntry)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(previousCatalogEntry);
        var documents = new List<WrittenDocument>();
        var catalogKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var revision in block.Revisions)
        {
            if (!revision.IsCatalog)
            {
                documents.Add(new WrittenDocument(revision.TableId, revision.DocumentId, revision.Data));
                continue;
            }

            catalogKeys.Add(ReadSet.WholeCatalogKey);
            var table = TableDescriptor.FromIon(revision.Data!);
            var before = previousCatalogEntry(table.TableId);
            if (before is null || before.Status != table.Status || before.Name != table.Name)
            {
                catalogKeys.Add(ReadSet.CatalogNameKey(table.Name));
                catalogKeys.Add(ReadSet.CatalogIdKey(table.TableId));
            }
        }

        // A redaction rewrites a past revision; it conflicts with a transaction that read the document.
        foreach (var target in block.Redactions)
        {
            documents.Add(new WrittenDocument(target.TableId, target.DocumentId, null));
        }

        return new WriteSummary(block.SequenceNo, block.TransactionId, documents, catalogKeys);
    }
}
