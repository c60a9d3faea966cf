using System.Collections.Immutable;
using Ledger.Ion;
using Ledger.Journal;
using Ledger.Journal.Model;
using WireBlock = Ledger.Journal.Model.JournalBlock;

namespace Ledger.Engine.Model;

/// <summary>
/// One journal block (qldb-compat 4.1), one per committed transaction: a typed view over Ledger.Journal's
/// <see cref="WireBlock"/>, which owns the block's shape, hashes and Ion form. The view adds what the engine needs
/// on top: every revision as a <see cref="DocumentRevision"/> that knows its table (catalog revisions are journal
/// system revisions that keep their data).
/// </summary>
public sealed class JournalBlock
{
    private JournalBlock(WireBlock journal, ImmutableArray<DocumentRevision> revisions)
    {
        Journal = journal;
        Revisions = revisions;
    }

    /// <summary>The journal block this view reads.</summary>
    public WireBlock Journal { get; }

    /// <summary>The block's strand.</summary>
    public string StrandId => Journal.BlockAddress.StrandId;

    /// <summary>The block's sequence number (its leaf index in the journal tree).</summary>
    public long SequenceNo => Journal.BlockAddress.SequenceNo;

    /// <summary>The committed transaction's id.</summary>
    public string TransactionId => Journal.TransactionId;

    /// <summary>The commit time.</summary>
    public IonTimestamp BlockTimestamp => Journal.BlockTimestamp;

    /// <summary>The block's hashes.</summary>
    public BlockHashes Hashes => Journal.Hashes;

    /// <summary>transactionInfo.statements.</summary>
    public ImmutableArray<StatementRecord> Statements => Journal.Statements;

    /// <summary>transactionInfo.documents.</summary>
    public ImmutableArray<DocumentTouch> Documents => Journal.Documents;

    /// <summary>redactionInfo.revisions (empty unless a redaction block).</summary>
    public ImmutableArray<RedactionTarget> Redactions => Journal.Redactions;

    /// <summary>Every revision with a view, in block order (catalog revisions first, as built); see <see cref="FromJournal"/>.</summary>
    public ImmutableArray<DocumentRevision> Revisions { get; }

    /// <summary>The transactionInfo struct exactly as hashed into the block.</summary>
    public IonStruct TransactionInfo => Journal.TransactionInfo;

    /// <summary>Builds a block and its hashes through Ledger.Journal; <paramref name="previousBlockHash"/> is null only for block 0.</summary>
    public static JournalBlock Build(
        string strandId,
        long sequenceNo,
        string transactionId,
        IonTimestamp blockTimestamp,
        Hash32? previousBlockHash,
        ImmutableArray<StatementRecord> statements,
        ImmutableArray<DocumentTouch> documents,
        ImmutableArray<RedactionTarget> redactions,
        ImmutableArray<DocumentRevision> revisions)
    {
        var transactionInfo = new TransactionInfoBuilder();
        foreach (var statement in statements)
        {
            transactionInfo.AddStatement(statement);
        }

        foreach (var document in documents)
        {
            transactionInfo.AddDocument(document);
        }

        var journal = WireBlock.Create(
            new BlockAddress(strandId, sequenceNo),
            transactionId,
            blockTimestamp,
            previousBlockHash,
            transactionInfo.ToIon(),
            [.. revisions.Select(r => r.Journal)],
            redactions.IsEmpty ? null : RedactionTarget.RedactionInfo(redactions));
        return new JournalBlock(journal, revisions);
    }

    /// <summary>
    /// Views a journal block: user revisions take their table id from transactionInfo.documents; catalog (system)
    /// revisions keep their data in our storage form. A system revision that is <c>{hash}</c> only (an imported QLDB
    /// block: QLDB never published what its system revisions hold) stays in the journal block, hashed and proven
    /// like any revision, but has no view: it is left out of <see cref="Revisions"/>.
    /// </summary>
    public static JournalBlock FromJournal(WireBlock journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        var tableOf = journal.Documents.ToDictionary(d => d.DocumentId, d => d.TableId, StringComparer.Ordinal);
        var revisions = journal.Revisions.Where(r => !r.IsSystem || r.Metadata is not null).Select(r =>
        {
            var view = new DocumentRevision(string.Empty, r);
            var tableId = r.IsSystem
                ? view.DocumentId
                : tableOf.GetValueOrDefault(view.DocumentId) ?? throw new JournalFormatException($"Revision of {view.DocumentId} is not listed in transactionInfo.documents.");
            return new DocumentRevision(tableId, r);
        }).ToImmutableArray();
        return new JournalBlock(journal, revisions);
    }

    /// <summary>
    /// The same journal block whose view also holds <paramref name="catalogEntries"/> ahead of its own revisions: the
    /// catalog an imported QLDB block implies (its system revisions are opaque), applied to the views with the block.
    /// </summary>
    public JournalBlock WithCatalogEntries(IEnumerable<DocumentRevision> catalogEntries)
    {
        ArgumentNullException.ThrowIfNull(catalogEntries);
        var entries = catalogEntries.ToImmutableArray();
        if (entries.Any(e => !e.IsCatalog || e.SequenceNo != SequenceNo))
        {
            throw new ArgumentException("Catalog entries of a block are catalog revisions at the block's sequence number.", nameof(catalogEntries));
        }

        return entries.IsEmpty ? this : new JournalBlock(Journal, [.. entries, .. Revisions]);
    }

    /// <summary>Reads the storage form of a block (<see cref="ToIon"/> with system revision data); hashes are kept as written.</summary>
    public static JournalBlock FromStorageIon(IonValue value) => FromJournal(WireBlock.FromIon(value));

    /// <summary>
    /// The block as GetBlock and exports show it (field order of qldb-compat 4.1). Catalog revisions appear as
    /// <c>{hash}</c> only, like QLDB's system revisions, unless <paramref name="includeSystemRevisionData"/> is set
    /// (the storage form, from which the catalog is rebuilt).
    /// </summary>
    public IonStruct ToIon(bool includeSystemRevisionData = false) => Journal.ToIon(includeSystemRevisionData);

    /// <summary>The same block with the data of <paramref name="target"/>'s revision redacted in place (hashes unchanged).</summary>
    public JournalBlock Redact(RedactionTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var journal = Journal.RedactRevision(target.DocumentId, target.Version);
        return ReferenceEquals(journal, Journal) ? this : FromJournal(journal);
    }
}
