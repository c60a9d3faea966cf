namespace Ledger.Journal;

/// <summary>
/// The hash skeleton of a journal block (spec 4.2): everything a chain or proof check needs, without the Ion
/// content. <see cref="PreviousBlockHash"/> is null only for a genesis block written by this ledger (spec 4.5).
/// </summary>
/// <param name="SequenceNo">The block's 0-based position in its strand (its leaf index in the journal tree).</param>
/// <param name="BlockHash">dot(entriesHash, previousBlockHash), or entriesHash for our genesis block.</param>
/// <param name="EntriesHash">MerkleRoot(entriesHashList).</param>
/// <param name="PreviousBlockHash">The block hash of block SequenceNo - 1; null for our genesis block.</param>
/// <param name="EntriesHashList">The entries in block order (AWS-imported blocks keep AWS's list verbatim).</param>
public sealed record BlockHashes(long SequenceNo, Hash32 BlockHash, Hash32 EntriesHash, Hash32? PreviousBlockHash, IReadOnlyList<Hash32> EntriesHashList)
{
    /// <summary>The block hash rule of spec 4.2 with the genesis rule of 4.5 (an absent previous hash leaves entriesHash unchanged).</summary>
    public static Hash32 ComputeBlockHash(in Hash32 entriesHash, Hash32? previousBlockHash) =>
        previousBlockHash is { } previous ? QldbHash.Dot(entriesHash, previous) : entriesHash;
}

/// <summary>Where the entries of a new block sit in its entriesHashList (our layout, spec 4.2).</summary>
/// <param name="RevisionsRootIndex">Index of MerkleRoot(revision hashes), or -1 when the block has no revisions.</param>
/// <param name="RedactionInfoIndex">Index of IonHash(redactionInfo), or -1 when absent.</param>
/// <param name="TransactionInfoIndex">Index of IonHash(transactionInfo).</param>
public readonly record struct EntriesLayout(int RevisionsRootIndex, int RedactionInfoIndex, int TransactionInfoIndex);

/// <summary>
/// Builds the hashes of a new block the way this ledger lays them out (spec 4.2 "our layout for new blocks"):
/// <c>entriesHashList = [revisionsRoot (if any revisions), IonHash(redactionInfo) (if present), IonHash(transactionInfo)]</c>.
/// </summary>
public static class BlockHashBuilder
{
    /// <summary>
    /// The hashes of a new block. <paramref name="previousBlockHash"/> is null only for block 0 of a new ledger.
    /// <paramref name="revisionHashes"/> are all revisions of the block in block order (user and system).
    /// </summary>
    public static BlockHashes Build(long sequenceNo, Hash32? previousBlockHash, ReadOnlySpan<Hash32> revisionHashes, in Hash32 transactionInfoHash, Hash32? redactionInfoHash = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequenceNo);
        if ((sequenceNo == 0) != (previousBlockHash is null))
        {
            throw new ArgumentException("Exactly block 0 has no previous block hash.", nameof(previousBlockHash));
        }

        var entries = new List<Hash32>(3);
        if (!revisionHashes.IsEmpty)
        {
            entries.Add(QldbHash.MerkleRoot(revisionHashes));
        }

        if (redactionInfoHash is { } redaction)
        {
            entries.Add(redaction);
        }

        entries.Add(transactionInfoHash);
        var entriesHash = QldbHash.MerkleRoot(entries.ToArray());
        return new BlockHashes(sequenceNo, BlockHashes.ComputeBlockHash(entriesHash, previousBlockHash), entriesHash, previousBlockHash, entries);
    }

    /// <summary>The positions <see cref="Build"/> uses for a block with or without revisions and redaction info.</summary>
    public static EntriesLayout Layout(bool hasRevisions, bool hasRedactionInfo)
    {
        var next = 0;
        var revisions = hasRevisions ? next++ : -1;
        var redaction = hasRedactionInfo ? next++ : -1;
        return new EntriesLayout(revisions, redaction, next);
    }

    /// <summary>
    /// The in-block part of a GetRevision proof (spec 5.2 steps 1-3): siblings of the revision in the revision
    /// tree, siblings of the revisions root in the entries tree, then previousBlockHash (omitted for our genesis
    /// block). Append the journal inclusion path to get the full proof.
    /// </summary>
    public static Hash32[] RevisionProofPrefix(ReadOnlySpan<Hash32> revisionHashes, int revisionIndex, IReadOnlyList<Hash32> entriesHashList, int revisionsRootIndex, Hash32? previousBlockHash)
    {
        ArgumentNullException.ThrowIfNull(entriesHashList);
        var revisionPath = QldbHash.MerklePath(revisionHashes, revisionIndex);
        var entries = entriesHashList.ToArray();
        if (revisionsRootIndex < 0 || revisionsRootIndex >= entries.Length || entries[revisionsRootIndex] != QldbHash.MerkleRoot(revisionHashes))
        {
            throw new ArgumentException("entriesHashList does not hold the revisions root at the given index.", nameof(revisionsRootIndex));
        }

        var entriesPath = QldbHash.MerklePath(entries, revisionsRootIndex);
        var prefix = new Hash32[revisionPath.Length + entriesPath.Length + (previousBlockHash is null ? 0 : 1)];
        revisionPath.CopyTo(prefix, 0);
        entriesPath.CopyTo(prefix, revisionPath.Length);
        if (previousBlockHash is { } previous)
        {
            prefix[^1] = previous;
        }

        return prefix;
    }

    /// <summary>
    /// The revision hash of spec 3: <c>dot(IonHash(metadata), IonHash(data))</c>; for a redacted revision pass its
    /// stored dataHash. For a revision without data (a deletion) our ledger uses <c>IonHash(metadata)</c> alone, the
    /// same "absent operand leaves the other unchanged" rule as the genesis block (spec 3 leaves this open).
    /// </summary>
    public static Hash32 RevisionHash(in Hash32 metadataHash, Hash32? dataHash) =>
        dataHash is { } data ? QldbHash.Dot(metadataHash, data) : metadataHash;
}
