using Ledger.Engine.Model;
using Ledger.Journal;
using Ledger.Journal.Tree;
using RedactionTarget = Ledger.Journal.Model.RedactionTarget;

namespace Ledger.Engine.Ports;

/// <summary>The outcome of a conditional append.</summary>
public enum AppendOutcome
{
    /// <summary>Every block was stored.</summary>
    Appended,

    /// <summary>
    /// A block already occupies one of the slots: another sequencer appended first. Nothing of the batch was stored
    /// (Azure Table: one entity-group transaction of insert-if-absent entities fails as a whole).
    /// </summary>
    SlotTaken,
}

/// <summary>A page of blocks; <see cref="NextSequenceNo"/> is null when the range was read to its end.</summary>
public sealed record BlockPage(IReadOnlyList<JournalBlock> Blocks, long? NextSequenceNo);

/// <summary>The durable tip of a ledger's journal: its size and the hash of its last block.</summary>
public readonly record struct JournalTip(long Size, Hash32? LastBlockHash);

/// <summary>
/// The journal of one ledger: dense sequence numbers, appended only by insert-if-absent so that a stale sequencer
/// (one that lost its lease) can never fork the chain. Designed for Azure Table: one partition per ledger (or per
/// range of sequence numbers), row key = zero-padded sequence number, a batch of up to 100 entities / 4 MiB.
/// </summary>
public interface IJournalStore
{
    /// <summary>
    /// Appends <paramref name="blocks"/> (consecutive, the first at its own sequence number) only if none of their
    /// slots is occupied. All or nothing.
    /// </summary>
    ValueTask<AppendOutcome> TryAppendAsync(string ledgerName, IReadOnlyList<JournalBlock> blocks, CancellationToken cancellationToken = default);

    /// <summary>Reads blocks with <c>from &lt;= sequenceNo &lt; until</c>, at most <paramref name="maxBlocks"/> per page.</summary>
    ValueTask<BlockPage> ReadBlocksAsync(string ledgerName, long from, long until, int maxBlocks, CancellationToken cancellationToken = default);

    /// <summary>The durable tip (a recovering sequencer starts from it).</summary>
    ValueTask<JournalTip> GetTipAsync(string ledgerName, CancellationToken cancellationToken = default);

    /// <summary>
    /// The journal tree's complete nodes of the ledger (for digests and proofs). Nodes are written as they
    /// complete, after their blocks; a node write is idempotent (same node, same hash).
    /// </summary>
    IJournalNodeStore Nodes(string ledgerName);

    /// <summary>
    /// Replaces the data of one stored revision by its hash (EXEC redact_revision): the only change ever made to a
    /// stored block; the revision and block hashes stay the same. Idempotent.
    /// </summary>
    ValueTask RedactRevisionAsync(string ledgerName, RedactionTarget target, CancellationToken cancellationToken = default);

    /// <summary>Removes the ledger's blocks and nodes (DeleteLedger); a later ledger of the same name starts empty.</summary>
    ValueTask DeleteJournalAsync(string ledgerName, CancellationToken cancellationToken = default);

    /// <summary>Stores complete tree nodes; idempotent so a recovering sequencer may write them again.</summary>
    ValueTask AddNodesAsync(string ledgerName, IReadOnlyList<JournalNode> nodes, CancellationToken cancellationToken = default);
}
