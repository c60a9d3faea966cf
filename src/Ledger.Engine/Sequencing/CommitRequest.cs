using System.Collections.Immutable;
using Ledger.Engine.Model;
using Ledger.Engine.Transactions;
using Ledger.Ion;
using RedactionTarget = Ledger.Journal.Model.RedactionTarget;
using StatementRecord = Ledger.Journal.Model.StatementRecord;

namespace Ledger.Engine.Sequencing;

/// <summary>A document the transaction writes: new data, or null to delete it. <c>Version</c> is the new revision's.</summary>
public sealed record PendingDocument(string TableId, string TableName, string DocumentId, long Version, IonStruct? Data, ImmutableArray<int> Statements);

/// <summary>A catalog entry the transaction writes (a table created, dropped, undropped or indexed).</summary>
public sealed record PendingCatalogEntry(TableDescriptor Table, long Version);

/// <summary>
/// Everything the sequencer needs to validate and journal one transaction: its snapshot, what it read, what it
/// writes, and its statements with their digests.
/// </summary>
public sealed record CommitRequest(
    string TransactionId,
    long Snapshot,
    ReadSet Reads,
    ImmutableArray<PendingCatalogEntry> CatalogWrites,
    ImmutableArray<PendingDocument> DocumentWrites,
    ImmutableArray<RedactionTarget> Redactions,
    ImmutableArray<StatementRecord> Statements)
{
    /// <summary>True when the transaction changes nothing (then no block is written; see docs/engine.md).</summary>
    public bool IsReadOnly => CatalogWrites.IsEmpty && DocumentWrites.IsEmpty && Redactions.IsEmpty;
}

/// <summary>
/// A committed transaction: its block (null for a read-only transaction, which writes none, and for a transaction the
/// sequencer found journaled already, which <see cref="SequenceNo"/> still names).
/// </summary>
public sealed record CommitResult(string TransactionId, JournalBlock? Block)
{
    /// <summary>The sequence number of the transaction's block; null for a read-only transaction.</summary>
    public long? SequenceNo { get; init; } = Block?.SequenceNo;
}
