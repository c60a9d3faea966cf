using System.Collections.Immutable;
using Ledger.Ion;
using Ledger.Journal.Verification;

namespace Ledger.Journal.Model;

/// <summary>
/// A journal block as QLDB's GetBlock returns it and exports write it (spec 4.1). Blocks created here use our
/// entries layout (spec 4.2); blocks parsed from AWS keep their entriesHashList verbatim.
/// </summary>
public sealed class JournalBlock
{
    private ImmutableArray<StatementRecord> _statements;
    private ImmutableArray<DocumentTouch> _documents;
    private ImmutableArray<RedactionTarget> _redactions;

    private JournalBlock(
        BlockAddress blockAddress,
        string transactionId,
        IonTimestamp blockTimestamp,
        BlockHashes hashes,
        IonStruct transactionInfo,
        IonStruct? redactionInfo,
        ImmutableArray<JournalRevision> revisions)
    {
        BlockAddress = blockAddress;
        TransactionId = transactionId;
        BlockTimestamp = blockTimestamp;
        Hashes = hashes;
        TransactionInfo = transactionInfo;
        RedactionInfo = redactionInfo;
        Revisions = revisions;
    }

    /// <summary>The block's address; its sequence number is its leaf index in the journal tree.</summary>
    public BlockAddress BlockAddress { get; }

    /// <summary>The committed transaction's id.</summary>
    public string TransactionId { get; }

    /// <summary>The commit time (millisecond precision).</summary>
    public IonTimestamp BlockTimestamp { get; }

    /// <summary>The block's hash skeleton (blockHash, entriesHash, previousBlockHash, entriesHashList).</summary>
    public BlockHashes Hashes { get; }

    /// <summary>The block hash (a leaf of the journal tree).</summary>
    public Hash32 BlockHash => Hashes.BlockHash;

    /// <summary><c>{statements:[…], documents:{…}}</c> exactly as hashed.</summary>
    public IonStruct TransactionInfo { get; }

    /// <summary>Present only in redaction blocks.</summary>
    public IonStruct? RedactionInfo { get; }

    /// <summary>All revisions in block order, user and system.</summary>
    public ImmutableArray<JournalRevision> Revisions { get; }

    /// <summary>The typed <c>transactionInfo.statements</c> (read on first use).</summary>
    public ImmutableArray<StatementRecord> Statements => _statements.IsDefault
        ? _statements = ReadList(TransactionInfo, "statements", "transactionInfo", StatementRecord.FromIon)
        : _statements;

    /// <summary>The typed <c>transactionInfo.documents</c> in block order (read on first use).</summary>
    public ImmutableArray<DocumentTouch> Documents => _documents.IsDefault
        ? _documents = [.. IonRead.Struct(IonRead.Required(TransactionInfo, "documents", "transactionInfo"), "transactionInfo.documents")
            .Select(f => DocumentTouch.FromIon(f.Name.Text ?? throw new JournalFormatException("transactionInfo.documents needs document ids."), f.Value))]
        : _documents;

    /// <summary>The typed <c>redactionInfo.revisions</c>; empty unless this is a redaction block.</summary>
    public ImmutableArray<RedactionTarget> Redactions => _redactions.IsDefault
        ? _redactions = RedactionInfo is null ? [] : ReadList(RedactionInfo, "revisions", "redactionInfo", RedactionTarget.FromIon)
        : _redactions;

    /// <summary>
    /// Builds a new block with our entries layout. <paramref name="previousBlockHash"/> is null only for block 0
    /// (spec 4.5: written as an empty blob, and blockHash = entriesHash).
    /// </summary>
    public static JournalBlock Create(
        BlockAddress blockAddress,
        string transactionId,
        IonTimestamp blockTimestamp,
        Hash32? previousBlockHash,
        IonStruct transactionInfo,
        IReadOnlyList<JournalRevision> revisions,
        IonStruct? redactionInfo = null)
    {
        ArgumentNullException.ThrowIfNull(blockAddress);
        ArgumentNullException.ThrowIfNull(transactionId);
        ArgumentNullException.ThrowIfNull(transactionInfo);
        ArgumentNullException.ThrowIfNull(revisions);
        var revisionHashes = revisions.Select(r => r.Hash).ToArray();
        var hashes = BlockHashBuilder.Build(
            blockAddress.SequenceNo,
            previousBlockHash,
            revisionHashes,
            JournalIonHash.Of(transactionInfo),
            redactionInfo is null ? null : JournalIonHash.Of(redactionInfo));
        return new JournalBlock(blockAddress, transactionId, blockTimestamp, hashes, transactionInfo, redactionInfo, [.. revisions]);
    }

    /// <summary>
    /// The in-block part of the GetRevision proof for the revision at <paramref name="revisionIndex"/> (spec 5.2
    /// steps 1-3). Works for AWS blocks too: the revisions root is found in entriesHashList by value.
    /// </summary>
    public Hash32[] RevisionProofPrefix(int revisionIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(revisionIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(revisionIndex, Revisions.Length);
        var revisionHashes = Revisions.Select(r => r.Hash).ToArray();
        var root = QldbHash.MerkleRoot(revisionHashes);
        var rootIndex = IndexOf(Hashes.EntriesHashList, root);
        if (rootIndex < 0)
        {
            throw new InvalidOperationException($"Block {BlockAddress.SequenceNo} does not list its revisions root in entriesHashList.");
        }

        return BlockHashBuilder.RevisionProofPrefix(revisionHashes, revisionIndex, Hashes.EntriesHashList, rootIndex, Hashes.PreviousBlockHash);
    }

    /// <summary>
    /// The same block with the data of the user revision <paramref name="documentId"/> version
    /// <paramref name="version"/> redacted in place (spec 3: data replaced by dataHash; no hash changes). Returns
    /// this block when it holds no such revision with data.
    /// </summary>
    public JournalBlock RedactRevision(string documentId, long version)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        var index = IndexOfDocument(documentId);
        if (index < 0 || Revisions[index].Data is null || IonRead.Int(Revisions[index].Metadata!, "version", "revision.metadata") != version)
        {
            return this;
        }

        return new JournalBlock(BlockAddress, TransactionId, BlockTimestamp, Hashes, TransactionInfo, RedactionInfo, Revisions.SetItem(index, Revisions[index].Redact()));
    }

    /// <summary>The index of the user revision of <paramref name="documentId"/>, or -1.</summary>
    public int IndexOfDocument(string documentId)
    {
        for (var i = 0; i < Revisions.Length; i++)
        {
            if (!Revisions[i].IsSystem && Revisions[i].Metadata?["id"] is IonString id && id.Value == documentId)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Checks everything the block itself commits to: entriesHash and blockHash (spec 4.2), every user revision's
    /// hash (spec 3), and that the revisions root, IonHash(transactionInfo) and IonHash(redactionInfo) are listed
    /// in entriesHashList (the check AWS's own verifiers make).
    /// </summary>
    public VerificationResult Verify()
    {
        var location = $"block {BlockAddress.SequenceNo}";
        var hashes = BlockVerifier.VerifyHashes(Hashes, location);
        if (!hashes.IsValid)
        {
            return hashes;
        }

        for (var i = 0; i < Revisions.Length; i++)
        {
            var revision = Revisions[i].VerifyHash($"{location}, revision {i}");
            if (!revision.IsValid)
            {
                return revision;
            }
        }

        if (!Revisions.IsEmpty)
        {
            var root = QldbHash.MerkleRoot(Revisions.Select(r => r.Hash).ToArray());
            if (IndexOf(Hashes.EntriesHashList, root) < 0)
            {
                return new EntryMissing(location, "MerkleRoot(revision hashes)", root, "entriesHashList");
            }
        }

        var transactionInfoHash = JournalIonHash.Of(TransactionInfo);
        if (IndexOf(Hashes.EntriesHashList, transactionInfoHash) < 0)
        {
            return new EntryMissing(location, "IonHash(transactionInfo)", transactionInfoHash, "entriesHashList");
        }

        if (RedactionInfo is not null)
        {
            var redactionHash = JournalIonHash.Of(RedactionInfo);
            if (IndexOf(Hashes.EntriesHashList, redactionHash) < 0)
            {
                return new EntryMissing(location, "IonHash(redactionInfo)", redactionHash, "entriesHashList");
            }
        }

        return VerificationResult.Valid;
    }

    /// <summary>
    /// The Ion struct in the field order AWS emits (spec 4.1). System revisions are <c>{hash}</c> only unless
    /// <paramref name="includeSystemRevisionData"/> asks for the storage form (see <see cref="JournalRevision.ToIon(bool)"/>).
    /// </summary>
    public IonStruct ToIon(bool includeSystemRevisionData = false)
    {
        var builder = IonStruct.CreateBuilder()
            .Add("blockAddress", BlockAddress.ToIon())
            .Add("transactionId", IonString.Of(TransactionId))
            .Add("blockTimestamp", IonTimestampValue.Of(BlockTimestamp))
            .Add("blockHash", IonRead.Blob(Hashes.BlockHash))
            .Add("entriesHash", IonRead.Blob(Hashes.EntriesHash))
            .Add("previousBlockHash", Hashes.PreviousBlockHash is { } previous ? IonRead.Blob(previous) : IonBlob.Of(ReadOnlySpan<byte>.Empty))
            .Add("entriesHashList", IonRead.BlobList(Hashes.EntriesHashList))
            .Add("transactionInfo", TransactionInfo);
        if (RedactionInfo is not null)
        {
            builder.Add("redactionInfo", RedactionInfo);
        }

        return builder.Add("revisions", IonList.Of(Revisions.Select(r => (IonValue)r.ToIon(includeSystemRevisionData)))).ToStruct();
    }

    /// <summary>Compact Ion text, the <c>Block.IonText</c> of GetBlock.</summary>
    public string ToIonText() => IonText.Write(ToIon());

    /// <summary>Reads a block struct; stored hashes are kept as they are (use <see cref="Verify"/> to check them).</summary>
    public static JournalBlock FromIon(IonValue value)
    {
        const string What = "block";
        var block = IonRead.Struct(value, What);
        var address = BlockAddress.FromIon(IonRead.Required(block, "blockAddress", What));

        // Our genesis block stores previousBlockHash as an empty blob (spec 4.5).
        var previousField = IonRead.Required(block, "previousBlockHash", What);
        Hash32? previous = previousField is IonBlob { IsNull: false, Bytes.Length: 0 } ? null : IonRead.Hash(previousField, "block.previousBlockHash");
        var hashes = new BlockHashes(
            address.SequenceNo,
            IonRead.Hash(block, "blockHash", What),
            IonRead.Hash(block, "entriesHash", What),
            previous,
            IonRead.HashList(IonRead.Required(block, "entriesHashList", What), "block.entriesHashList"));
        var revisions = IonRead.Optional(block, "revisions") switch
        {
            null => [],
            IonList list => list.Select(JournalRevision.FromIon).ToImmutableArray(),
            _ => throw new JournalFormatException("block.revisions must be a list."),
        };
        var redaction = IonRead.Optional(block, "redactionInfo") is { } r ? IonRead.Struct(r, "block.redactionInfo") : null;
        return new JournalBlock(
            address,
            IonRead.String(block, "transactionId", What),
            IonRead.Timestamp(block, "blockTimestamp", What),
            hashes,
            IonRead.Struct(IonRead.Required(block, "transactionInfo", What), "block.transactionInfo"),
            redaction,
            revisions);
    }

    /// <summary>Parses the Ion text of a block.</summary>
    public static JournalBlock Parse(string ionText) => FromIon(IonText.Parse(ionText));

    private static ImmutableArray<T> ReadList<T>(IonStruct owner, string field, string what, Func<IonValue, T> read) =>
        IonRead.Required(owner, field, what) is IonList { IsNull: false } list
            ? [.. list.Select(read)]
            : throw new JournalFormatException($"{what}.{field} must be a list.");

    private static int IndexOf(IReadOnlyList<Hash32> list, Hash32 hash)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == hash)
            {
                return i;
            }
        }

        return -1;
    }
}
