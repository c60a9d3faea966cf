using Ledger.Engine.Errors;
using Ledger.Engine.Exports;
using Ledger.Engine.Ledgers;
using Ledger.Engine.Model;
using Ledger.Engine.Ports;
using Ledger.Journal;
using Ledger.Journal.Model;
using Ledger.Journal.Tree;
using EngineBlock = Ledger.Engine.Model.JournalBlock;
using WireBlock = Ledger.Journal.Model.JournalBlock;

namespace Ledger.Engine.Imports;

/// <summary>What an import asks for.</summary>
/// <param name="LedgerName">The new ledger (must not exist).</param>
/// <param name="Bucket">The container holding the export.</param>
/// <param name="Prefix">The export's prefix.</param>
/// <param name="ExportId">The export to import; null when the prefix holds exactly one.</param>
/// <param name="PermissionsMode">The new ledger's permissions mode.</param>
/// <param name="DeletionProtection">The new ledger's deletion protection.</param>
public sealed record ImportRequest(string LedgerName, string Bucket, string Prefix, string? ExportId = null, string PermissionsMode = "ALLOW_ALL", bool DeletionProtection = true);

/// <summary>What an import did.</summary>
/// <param name="Ledger">The new ledger (its strand is the export's).</param>
/// <param name="ExportId">The imported export.</param>
/// <param name="Blocks">Blocks imported.</param>
/// <param name="Digest">The digest at the imported tip: equal to the one QLDB issued at that tip.</param>
/// <param name="Tip">The last imported block.</param>
/// <param name="Tables">The catalog rebuilt from transactionInfo.documents.</param>
public sealed record ImportResult(LedgerRecord Ledger, string ExportId, long Blocks, Hash32 Digest, BlockAddress Tip, IReadOnlyList<TableDescriptor> Tables);

/// <summary>The export does not verify or cannot be imported; nothing was created. The message names the block and object.</summary>
public sealed class JournalImportException : LedgerException
{
    /// <summary>Creates the exception.</summary>
    public JournalImportException(string message, BlockAddress? failedBlock = null, string? failedKey = null)
        : base(message)
    {
        FailedBlock = failedBlock;
        FailedKey = failedKey;
    }

    /// <summary>The block that did not verify, when the failure is about one.</summary>
    public BlockAddress? FailedBlock { get; }

    /// <summary>The object it was found in.</summary>
    public string? FailedKey { get; }

    /// <inheritdoc/>
    public override string ErrorType => "InvalidParameterException";
}

/// <summary>
/// Loads a QLDB journal export (Ion text or binary, with its manifests) into a new ledger. The whole export is verified
/// first (every block and revision hash, the chain from block 0); then the blocks are stored exactly as they are —
/// their strand id, entriesHashList and block hashes — and the journal tree is rebuilt from them, so every digest QLDB
/// issued for the ledger verifies against the imported one, and new transactions continue the same chain.
/// </summary>
/// <remarks>
/// QLDB exports show system revisions as <c>{hash}</c> only, so the catalog is rebuilt from
/// <c>transactionInfo.documents</c>: each table id becomes an ACTIVE table under its name (a name that moves to a new
/// table id marks the older table INACTIVE) with no index, written as view-only catalog entries at the block that first
/// touched it. Indexes are not in an export; create them again with CREATE INDEX. The committed and history views are
/// built from the user revisions as for any block. The ledger stays CREATING until the import finished.
/// </remarks>
public sealed class JournalImporter
{
    private const int AppendBatch = 100;

    private readonly EnginePorts _ports;

    /// <summary>Creates the importer over the engine's ports.</summary>
    public JournalImporter(EnginePorts ports)
    {
        _ports = ports ?? throw new ArgumentNullException(nameof(ports));
    }

    /// <summary>Verifies the export, then creates the ledger from it; refuses with <see cref="JournalImportException"/>.</summary>
    public async Task<ImportResult> ImportAsync(IExportSource source, ImportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(request);
        if (!LedgerNames.IsValid(request.LedgerName))
        {
            throw new InvalidParameterException("Name", $"Invalid ledger name: {request.LedgerName}");
        }

        if (await _ports.Ledgers.GetAsync(request.LedgerName, cancellationToken) is not null)
        {
            throw new ResourceAlreadyExistsException("LEDGER", request.LedgerName);
        }

        var manifests = await ReadManifestsAsync(source, request, cancellationToken);
        var verification = await ExportVerifier.VerifyAsync(source, request.Bucket, request.Prefix, manifests.ExportId, cancellationToken: cancellationToken);
        if (!verification.IsValid)
        {
            throw new JournalImportException($"The export does not verify: {verification}", verification.FailedBlock, verification.FailedKey);
        }

        if (verification.Format is JournalExportFormat.Json)
        {
            throw new JournalImportException("A JSON export cannot be imported: its values lost the Ion types their hashes cover. Export in ION_TEXT or ION_BINARY.");
        }

        if (verification.FirstBlock is not { SequenceNo: 0 } first)
        {
            throw new JournalImportException($"An import needs the journal from block 0; the export starts at block {verification.FirstBlock?.SequenceNo}.", verification.FirstBlock);
        }

        var firstObject = await ExportReader.ReadObjectAsync(source, request.Bucket, manifests.Keys[0], cancellationToken);
        var created = WireBlock.FromIon(firstObject.Values[0]).BlockTimestamp.ToDateTimeOffset();
        var ledger = new LedgerRecord(request.LedgerName, LedgerState.Creating, created, request.PermissionsMode, request.DeletionProtection, first.StrandId);
        if (!await _ports.Ledgers.TryCreateAsync(ledger, cancellationToken))
        {
            throw new ResourceAlreadyExistsException("LEDGER", request.LedgerName);
        }

        var catalog = new CatalogBuilder(first.StrandId);
        var tree = new JournalTreeAppender();
        var batch = new List<EngineBlock>(AppendBatch);
        long blocks = 0;
        foreach (var key in manifests.Keys)
        {
            var data = await ExportReader.ReadObjectAsync(source, request.Bucket, key, cancellationToken);
            foreach (var value in data.Values)
            {
                batch.Add(EngineBlock.FromJournal(WireBlock.FromIon(value)));
                if (batch.Count == AppendBatch)
                {
                    blocks += await StoreAsync(request.LedgerName, batch, tree, catalog, cancellationToken);
                }
            }
        }

        blocks += await StoreAsync(request.LedgerName, batch, tree, catalog, cancellationToken);
        await _ports.Views.SetWatermarkAsync(request.LedgerName, blocks, cancellationToken);
        var stored = await _ports.Ledgers.GetAsync(request.LedgerName, cancellationToken) ?? throw new ResourceNotFoundException("LEDGER", request.LedgerName);
        var active = stored with { State = LedgerState.Active };
        if (!await _ports.Ledgers.TryUpdateAsync(active, cancellationToken))
        {
            throw new ResourceInUseException("LEDGER", request.LedgerName);
        }

        return new ImportResult(active, manifests.ExportId, blocks, tree.Digest(), new BlockAddress(first.StrandId, blocks - 1), catalog.Tables);
    }

    private static async Task<ExportManifests> ReadManifestsAsync(IExportSource source, ImportRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await ExportReader.ReadManifestsAsync(source, request.Bucket, request.Prefix, request.ExportId, cancellationToken);
        }
        catch (ExportFormatException unreadable)
        {
            throw new JournalImportException(unreadable.Message);
        }
    }

    // Appends a batch (all or nothing, into an empty ledger), stores its tree nodes, and applies it to the views with
    // the catalog entries its documents imply.
    private async Task<long> StoreAsync(string ledgerName, List<EngineBlock> batch, JournalTreeAppender tree, CatalogBuilder catalog, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return 0;
        }

        if (await _ports.Journal.TryAppendAsync(ledgerName, batch, cancellationToken) is not AppendOutcome.Appended)
        {
            throw new ResourceInUseException("LEDGER", ledgerName);
        }

        await _ports.Journal.AddNodesAsync(ledgerName, [.. batch.SelectMany(b => tree.Append(b.Hashes.BlockHash))], cancellationToken);
        foreach (var block in batch)
        {
            await _ports.Views.ApplyBlockAsync(ledgerName, block.WithCatalogEntries(catalog.EntriesFor(block)), cancellationToken);
        }

        var count = batch.Count;
        batch.Clear();
        return count;
    }

    // The catalog of an imported journal, from transactionInfo.documents: view-only catalog revisions applied with the
    // block that first names a table (or moves a name to another table id).
    private sealed class CatalogBuilder(string strandId)
    {
        private readonly Dictionary<string, TableDescriptor> _byId = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _idByName = new(StringComparer.Ordinal);

        public IReadOnlyList<TableDescriptor> Tables => [.. _byId.Values];

        public IReadOnlyList<DocumentRevision> EntriesFor(EngineBlock block)
        {
            var changes = new List<TableDescriptor>();
            foreach (var touch in block.Documents)
            {
                if (_byId.ContainsKey(touch.TableId))
                {
                    continue;
                }

                if (_idByName.TryGetValue(touch.TableName, out var older) && _byId[older].Status is TableStatus.Active)
                {
                    var dropped = _byId[older] with { Status = TableStatus.Inactive, Version = _byId[older].Version + 1 };
                    _byId[older] = dropped;
                    changes.Add(dropped);
                }

                var table = new TableDescriptor(touch.TableId, touch.TableName, TableStatus.Active, []);
                _byId[touch.TableId] = table;
                _idByName[touch.TableName] = touch.TableId;
                changes.Add(table);
            }

            return [.. changes.Select(t => DocumentRevision.Create(
                t.TableId, t.TableId, t.Version, t.ToIon(), block.BlockTimestamp, block.TransactionId, strandId, block.SequenceNo, isCatalog: true))];
        }
    }
}
