using Ledger.Engine.Errors;
using Ledger.Engine.Model;
using Ledger.Engine.Ports;
using Ledger.Engine.Sequencing;
using Ledger.Ion;
using Ledger.Ion.Binary;
using Ledger.Journal;
using Ledger.Journal.Model;

namespace Ledger.Engine.Transactions;

/// <summary>
/// An open transaction: reads at a fixed snapshot (a journal size) and records each read for OCC; writes stay
/// pending until commit and are visible to the transaction's own later reads. This is the engine side of the
/// document-source seam the PartiQL evaluator plugs into.
/// </summary>
internal sealed class LedgerTransaction
{
    private readonly string _ledgerName;
    private readonly IViewStore _views;
    private readonly EngineLimits _limits;
    private readonly Dictionary<(string TableId, string DocumentId), PendingWrite> _writes = [];
    private readonly List<(string TableId, string DocumentId)> _writeOrder = [];
    private readonly Dictionary<string, PendingCatalogEntry> _catalogWrites = new(StringComparer.Ordinal);
    private readonly List<RedactionTarget> _redactions = [];
    private readonly List<StatementRecord> _statements = [];
    private int _idsIssued;
    private IReadOnlyList<TableDescriptor>? _snapshotCatalog;
    private readonly CommitDigest _digest;
    private long _writtenBytes;

    public LedgerTransaction(string ledgerName, string transactionId, long snapshot, DateTimeOffset startedAt, IViewStore views, EngineLimits limits)
    {
        _ledgerName = ledgerName;
        Id = transactionId;
        Snapshot = snapshot;
        StartedAt = startedAt;
        _views = views;
        _limits = limits;
        _digest = new CommitDigest(transactionId);
    }

    public string Id { get; }

    public long Snapshot { get; }

    public DateTimeOffset StartedAt { get; }

    public ReadSet Reads { get; } = new();

    /// <summary>The running CommitDigest (qldb-compat 2): the seed folded with every accepted statement.</summary>
    public Hash32 Digest => _digest.Value;

    /// <summary>Folds an accepted ExecuteStatement into the digest and the block's statement list; returns its index.</summary>
    /// <summary>
    /// The id of the next document, table or index this transaction creates: derived from the transaction id and a
    /// counter, so re-executing the transaction's statements on another instance creates the same ids.
    /// </summary>
    public string NextId()
    {
        var seed = System.Text.Encoding.UTF8.GetBytes($"{Id}/{_idsIssued++}");
        return QldbId.FromBytes(System.Security.Cryptography.SHA256.HashData(seed).AsSpan(0, 16));
    }

    /// <summary>
    /// The start time of the statement being executed: the time its evaluation sees (re-execution sees the same).
    /// </summary>
    public IonTimestamp CurrentStatementTime => _statements.Count > 0 ? _statements[^1].StartTime : QldbTime.ToTimestamp(StartedAt);

    public int AddStatement(string statement, IReadOnlyList<IonValue> parameters, IonTimestamp startTime)
    {
        var statementDigest = _digest.AddStatement(statement, parameters);
        _statements.Add(new StatementRecord(statement, startTime, statementDigest));
        return _statements.Count - 1;
    }

    // ---------- catalog ----------

    /// <summary>Every table at the snapshot, with this transaction's own DDL applied.</summary>
    public async ValueTask<IReadOnlyList<TableDescriptor>> GetCatalogAsync(CancellationToken cancellationToken)
    {
        _snapshotCatalog ??= await _views.GetCatalogAsync(_ledgerName, Snapshot, cancellationToken);
        var tables = _snapshotCatalog.Where(t => !_catalogWrites.ContainsKey(t.TableId)).ToList();
        tables.AddRange(_catalogWrites.Values.Select(w => w.Table));
        return tables;
    }

    /// <summary>Lists the whole catalog (information_schema.user_tables), recording the read.</summary>
    public ValueTask<IReadOnlyList<TableDescriptor>> ReadCatalogAsync(CancellationToken cancellationToken)
    {
        Reads.AddCatalogKey(ReadSet.WholeCatalogKey);
        return GetCatalogAsync(cancellationToken);
    }

    /// <summary>The ACTIVE table named <paramref name="name"/>, recording the name lookup.</summary>
    public async ValueTask<TableDescriptor?> FindActiveTableAsync(string name, CancellationToken cancellationToken)
    {
        Reads.AddCatalogKey(ReadSet.CatalogNameKey(name));
        return (await GetCatalogAsync(cancellationToken)).FirstOrDefault(t => t.Name == name && t.Status == TableStatus.Active);
    }

    /// <summary>The table with id <paramref name="tableId"/> in any status, recording the id lookup.</summary>
    public async ValueTask<TableDescriptor?> FindTableByIdAsync(string tableId, CancellationToken cancellationToken)
    {
        Reads.AddCatalogKey(ReadSet.CatalogIdKey(tableId));
        return (await GetCatalogAsync(cancellationToken)).FirstOrDefault(t => t.TableId == tableId);
    }

    /// <summary>Writes a catalog entry (DDL). The version follows the entry's latest version at the snapshot.</summary>
    public async ValueTask WriteCatalogAsync(TableDescriptor table, CancellationToken cancellationToken)
    {
        Reads.AddCatalogKey(ReadSet.CatalogIdKey(table.TableId));
        if (_catalogWrites.TryGetValue(table.TableId, out var pending))
        {
            _catalogWrites[table.TableId] = pending with { Table = table };
            return;
        }

        _snapshotCatalog ??= await _views.GetCatalogAsync(_ledgerName, Snapshot, cancellationToken);
        var existing = _snapshotCatalog.FirstOrDefault(t => t.TableId == table.TableId);
        _catalogWrites[table.TableId] = new PendingCatalogEntry(table, existing is null ? 0 : existing.Version + 1);
    }

    // ---------- documents ----------

    /// <summary>The live document (user data) with its version, or null; records the read.</summary>
    public async ValueTask<(IonStruct Data, long Version)?> ReadDocumentAsync(string tableId, string documentId, CancellationToken cancellationToken)
    {
        Reads.AddDocument(tableId, documentId);
        if (_writes.TryGetValue((tableId, documentId), out var pending))
        {
            return pending.Data is null ? null : (pending.Data, pending.Version);
        }

        var revision = await _views.GetDocumentAsync(_ledgerName, tableId, documentId, Snapshot, cancellationToken);
        return revision is null || revision.IsDeleted || revision.Data is null ? null : (revision.Data, revision.Version);
    }

    /// <summary>The committed revision of a document at the snapshot (committed view); records the read.</summary>
    public ValueTask<DocumentRevision?> ReadCommittedAsync(string tableId, string documentId, CancellationToken cancellationToken)
    {
        Reads.AddDocument(tableId, documentId);
        return _views.GetDocumentAsync(_ledgerName, tableId, documentId, Snapshot, cancellationToken);
    }

    /// <summary>Every live document of a table (with own writes); records a whole-table scan.</summary>
    public async ValueTask<IReadOnlyList<(string DocumentId, IonStruct Data)>> ScanAsync(TableDescriptor table, CancellationToken cancellationToken)
    {
        Reads.AddTableScan(table.TableId);
        var result = new List<(string, IonStruct)>();
        string? token = null;
        do
        {
            var page = await _views.ScanTableAsync(_ledgerName, table.TableId, Snapshot, token, 500, cancellationToken);
            foreach (var revision in page.Revisions)
            {
                if (!_writes.ContainsKey((table.TableId, revision.DocumentId)))
                {
                    result.Add((revision.DocumentId, revision.Data!));
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        result.AddRange(OwnLiveWrites(table.TableId));
        return result;
    }

    /// <summary>The committed revisions of a table's live documents at the snapshot; records a whole-table scan.</summary>
    public async ValueTask<IReadOnlyList<DocumentRevision>> ScanCommittedAsync(TableDescriptor table, CancellationToken cancellationToken)
    {
        Reads.AddTableScan(table.TableId);
        var result = new List<DocumentRevision>();
        string? token = null;
        do
        {
            var page = await _views.ScanTableAsync(_ledgerName, table.TableId, Snapshot, token, 500, cancellationToken);
            result.AddRange(page.Revisions);
            token = page.ContinuationToken;
        }
        while (token is not null);

        return result;
    }

    /// <summary>
    /// Documents whose top-level <paramref name="field"/> equals <paramref name="value"/>: through the index when the
    /// snapshot's catalog has one (records the index key and each document read), else by a recorded full scan.
    /// </summary>
    public async ValueTask<IReadOnlyList<(string DocumentId, IonStruct Data)>> FindByFieldAsync(TableDescriptor table, string field, IonValue value, CancellationToken cancellationToken)
    {
        var key = IndexKey.From(value);
        if (table.FindIndex(field) is null)
        {
            return (await ScanAsync(table, cancellationToken)).Where(d => d.Data[field] is { } v && IndexKey.From(v) == key).ToList();
        }

        Reads.AddIndexKey(table.TableId, field, key);
        var result = new List<(string, IonStruct)>();
        foreach (var id in await _views.FindIndexCandidatesAsync(_ledgerName, table.TableId, field, key, Snapshot, cancellationToken))
        {
            if (_writes.ContainsKey((table.TableId, id)))
            {
                continue;
            }

            if (await ReadDocumentAsync(table.TableId, id, cancellationToken) is { } document && document.Data[field] is { } v && IndexKey.From(v) == key)
            {
                result.Add((id, document.Data));
            }
        }

        result.AddRange(OwnLiveWrites(table.TableId).Where(d => d.Data[field] is { } v && IndexKey.From(v) == key));
        return result;
    }

    /// <summary>Every revision of a table (or document) committed before the snapshot; records the reads.</summary>
    public async ValueTask<IReadOnlyList<DocumentRevision>> ReadHistoryAsync(string tableId, string? documentId, CancellationToken cancellationToken)
    {
        if (documentId is null)
        {
            Reads.AddTableScan(tableId);
        }
        else
        {
            Reads.AddDocument(tableId, documentId);
        }

        var result = new List<DocumentRevision>();
        string? token = null;
        do
        {
            var page = await _views.ReadHistoryAsync(_ledgerName, tableId, documentId, Snapshot, token, 500, cancellationToken);
            result.AddRange(page.Revisions);
            token = page.ContinuationToken;
        }
        while (token is not null);

        return result;
    }

    /// <summary>Inserts a new document; returns its id.</summary>
    public string Insert(TableDescriptor table, IonStruct data, int statementIndex)
    {
        var id = NextId();
        Write(table, id, 0, data, statementIndex);
        return id;
    }

    /// <summary>Replaces a live document (read first, so the read is recorded) with new data, or deletes it (null).</summary>
    public async ValueTask<bool> UpdateAsync(TableDescriptor table, string documentId, IonStruct? data, int statementIndex, CancellationToken cancellationToken)
    {
        if (await ReadDocumentAsync(table.TableId, documentId, cancellationToken) is not { } current)
        {
            return false;
        }

        var version = _writes.TryGetValue((table.TableId, documentId), out var pending) ? pending.Version : current.Version + 1;
        Write(table, documentId, version, data, statementIndex);
        return true;
    }

    /// <summary>
    /// Refuses, before anything is written, a statement whose writes would exceed the per-transaction document or
    /// byte limits, so a failing statement leaves no partial writes behind.
    /// </summary>
    public void EnsureRoomFor(string tableId, IReadOnlyCollection<string> documentIds, long bytes)
    {
        var added = documentIds.Distinct(StringComparer.Ordinal).Count(id => !_writes.ContainsKey((tableId, id)));
        if (_writes.Count + added > _limits.MaxDocumentsPerTransaction)
        {
            throw new BadRequestException($"Transaction exceeds the limit of {_limits.MaxDocumentsPerTransaction} documents written per transaction", StatementErrorKind.Limit);
        }

        if (_writtenBytes + bytes > _limits.MaxTransactionBytes)
        {
            throw new BadRequestException($"Transaction size exceeds the limit of {_limits.MaxTransactionBytes} bytes", StatementErrorKind.Limit);
        }
    }

    /// <summary>Queues a redaction (checked by the caller against the history it read).</summary>
    public void Redact(RedactionTarget target)
    {
        if (_redactions.Count >= _limits.MaxRedactionsPerTransaction)
        {
            throw new BadRequestException($"Redaction limit of {_limits.MaxRedactionsPerTransaction} revision(s) per transaction exceeded", StatementErrorKind.Limit);
        }

        _redactions.Add(target);
    }

    /// <summary>What the commit persists, for its WriteIOs: document revisions, catalog entries and redactions.</summary>
    public int WrittenEntryCount => _writes.Count + _catalogWrites.Count + _redactions.Count;

    /// <summary>The commit request for the sequencer.</summary>
    public CommitRequest ToCommitRequest() => new(
        Id,
        Snapshot,
        Reads,
        [.. _catalogWrites.Values],
        [.. _writeOrder.Select(key => _writes[key]).Select(w => new PendingDocument(w.Table.TableId, w.Table.Name, w.DocumentId, w.Version, w.Data, [.. w.Statements]))],
        [.. _redactions],
        [.. _statements]);

    private IEnumerable<(string DocumentId, IonStruct Data)> OwnLiveWrites(string tableId) =>
        _writeOrder.Where(k => k.TableId == tableId).Select(k => _writes[k]).Where(w => w.Data is not null).Select(w => (w.DocumentId, w.Data!));

    private void Write(TableDescriptor table, string documentId, long version, IonStruct? data, int statementIndex)
    {
        var size = data is null ? 0 : IonBinary.Write(data).Length;
        if (size > _limits.MaxDocumentBytes)
        {
            throw new BadRequestException($"Document size {size} bytes exceeds the limit of {_limits.MaxDocumentBytes} bytes", StatementErrorKind.Limit);
        }

        var key = (table.TableId, documentId);
        if (!_writes.TryGetValue(key, out var pending))
        {
            if (_writes.Count >= _limits.MaxDocumentsPerTransaction)
            {
                throw new BadRequestException($"Transaction exceeds the limit of {_limits.MaxDocumentsPerTransaction} documents written per transaction", StatementErrorKind.Limit);
            }

            pending = new PendingWrite(table, documentId, version);
            _writes[key] = pending;
            _writeOrder.Add(key);
        }

        if (_writtenBytes + size > _limits.MaxTransactionBytes)
        {
            throw new BadRequestException($"Transaction size exceeds the limit of {_limits.MaxTransactionBytes} bytes", StatementErrorKind.Limit);
        }

        _writtenBytes += size;
        pending.Data = data;
        if (!pending.Statements.Contains(statementIndex))
        {
            pending.Statements.Add(statementIndex);
        }
    }

    private sealed class PendingWrite(TableDescriptor table, string documentId, long version)
    {
        public TableDescriptor Table { get; } = table;

        public string DocumentId { get; } = documentId;

        public long Version { get; } = version;

        public IonStruct? Data { get; set; }

        public List<int> Statements { get; } = [];
    }
}
