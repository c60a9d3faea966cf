using Ledger.Engine.Model;

namespace Ledger.Engine.Ports;

/// <summary>A page of revisions; <see cref="ContinuationToken"/> is null on the last page.</summary>
public sealed record RevisionPage(IReadOnlyList<DocumentRevision> Revisions, string? ContinuationToken);

/// <summary>
/// The views derived from a ledger's journal: current documents, history, index entries, the catalog, and the
/// watermark (the journal size applied so far). Views are written by the sequencer after the block is durable and
/// can always be rebuilt from the journal.
/// </summary>
/// <remarks>
/// All reads take a <c>snapshot</c>: a journal size; they see exactly the blocks with <c>sequenceNo &lt; snapshot</c>.
/// Revisions written for later blocks (a view apply may be ahead of the watermark after a crash) stay invisible.
/// On Azure Table: documents partitioned by table id with the revisions of a document under one row key prefix
/// (<c>docId|version</c>), index entries partitioned by <c>tableId|field|keyHash</c> with row key
/// <c>docId|sequenceNo</c>, the catalog as one partition, the watermark as one entity updated with an ETag.
/// </remarks>
public interface IViewStore
{
    /// <summary>
    /// Applies one block's revisions and redactions (idempotent: applying a block twice changes nothing). Does not
    /// move the watermark.
    /// </summary>
    ValueTask ApplyBlockAsync(string ledgerName, JournalBlock block, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts storing (and waits for) what <see cref="ApplyBlockAsync"/> left buffered for blocks before
    /// <paramref name="before"/>, without moving the watermark; a store that writes through has nothing to do.
    /// </summary>
    ValueTask FlushAsync(string ledgerName, long before, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>Advances the watermark to <paramref name="size"/> (never backwards).</summary>
    ValueTask SetWatermarkAsync(string ledgerName, long size, CancellationToken cancellationToken = default);

    /// <summary>The journal size the views reflect completely.</summary>
    ValueTask<long> GetWatermarkAsync(string ledgerName, CancellationToken cancellationToken = default);

    /// <summary>The latest revision (possibly a deletion) of a document visible at the snapshot, or null.</summary>
    ValueTask<DocumentRevision?> GetDocumentAsync(string ledgerName, string tableId, string documentId, long snapshot, CancellationToken cancellationToken = default);

    /// <summary>The live (not deleted) documents of a table at the snapshot, one page at a time, in document id order.</summary>
    ValueTask<RevisionPage> ScanTableAsync(string ledgerName, string tableId, long snapshot, string? continuationToken, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>
    /// The ids of documents that had <paramref name="key"/> in the indexed <paramref name="field"/> at some point up
    /// to the snapshot. A candidate list: the caller reads each document at the snapshot and re-checks the value.
    /// </summary>
    ValueTask<IReadOnlyList<string>> FindIndexCandidatesAsync(string ledgerName, string tableId, string field, IndexKey key, long snapshot, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every revision of a table (or of one document when <paramref name="documentId"/> is given) committed before the
    /// snapshot, in commit order per document.
    /// </summary>
    ValueTask<RevisionPage> ReadHistoryAsync(string ledgerName, string tableId, string? documentId, long snapshot, string? continuationToken, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>The catalog (every table ever created) at the snapshot.</summary>
    ValueTask<IReadOnlyList<TableDescriptor>> GetCatalogAsync(string ledgerName, long snapshot, CancellationToken cancellationToken = default);

    /// <summary>Drops every view of the ledger (before a rebuild from the journal, or when the ledger is deleted).</summary>
    ValueTask ClearAsync(string ledgerName, CancellationToken cancellationToken = default);
}
