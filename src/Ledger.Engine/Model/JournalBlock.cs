using System.Collections.Immutable;
using Ledger.Ion;
using Ledger.Journal;

namespace Ledger.Engine.Model;

/// <summary>A statement as the block's transactionInfo records it.</summary>
public sealed record StatementRecord(string Statement, IonTimestamp StartTime, Hash32 StatementDigest);

/// <summary>The transactionInfo.documents entry of one touched document.</summary>
public sealed record DocumentTouch(string DocumentId, string TableName, string TableId, ImmutableArray<int> Statements);

/// <summary>The redactionInfo entry naming the revision a redaction block removes the data of.</summary>
public sealed record RedactionTarget(string StrandId, long SequenceNo, string TableId, string DocumentId, long Version);

/// <summary>
/// One journal block in QLDB's shape (qldb-compat 4.1): one block per committed transaction. Hashes follow
/// <see cref="BlockHashBuilder"/> (our entries layout and genesis rule).
/// </summary>
public sealed record JournalBlock(
    string StrandId,
    long SequenceNo,
    string TransactionId,
    IonTimestamp BlockTimestamp,
    BlockHashes Hashes,
    ImmutableArray<StatementRecord> Statements,
    ImmutableArray<DocumentTouch> Documents,
    ImmutableArray<RedactionTarget> Redactions,
    ImmutableArray<DocumentRevision> Revisions)
{
    /// <summary>Builds a block and its hashes; <paramref name="previousBlockHash"/> is null only for block 0.</summary>
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
        var transactionInfoHash = EngineHash.Of(TransactionInfoIon(statements, documents));
        Hash32? redactionHash = redactions.IsEmpty ? null : EngineHash.Of(RedactionInfoIon(redactions));
        var revisionHashes = revisions.Select(r => r.Hash).ToArray();
        var hashes = BlockHashBuilder.Build(sequenceNo, previousBlockHash, revisionHashes, transactionInfoHash, redactionHash);
        return new JournalBlock(strandId, sequenceNo, transactionId, blockTimestamp, hashes, statements, documents, redactions, revisions);
    }

    /// <summary><c>{strandId, sequenceNo}</c>.</summary>
    public static IonStruct Address(string strandId, long sequenceNo) => IonStruct.Of(
        new IonField("strandId", IonString.Of(strandId)),
        new IonField("sequenceNo", IonInt.Of(sequenceNo)));

    /// <summary>A hash as an Ion blob.</summary>
    public static IonBlob Blob(in Hash32 hash) => IonBlob.Of(hash.ToArray());

    /// <summary>The transactionInfo struct exactly as hashed into the block.</summary>
    public IonStruct TransactionInfo => TransactionInfoIon(Statements, Documents);

    /// <summary>
    /// The block as GetBlock and exports show it (field order of qldb-compat 4.1). Catalog revisions appear as
    /// <c>{hash}</c> only, like QLDB's system revisions, unless <paramref name="includeSystemRevisionData"/> is set
    /// (the storage form, from which the catalog is rebuilt).
    /// </summary>
    public IonStruct ToIon(bool includeSystemRevisionData = false)
    {
        var builder = IonStruct.CreateBuilder();
        builder.Add("blockAddress", Address(StrandId, SequenceNo));
        builder.Add("transactionId", IonString.Of(TransactionId));
        builder.Add("blockTimestamp", IonTimestampValue.Of(BlockTimestamp));
        builder.Add("blockHash", Blob(Hashes.BlockHash));
        builder.Add("entriesHash", Blob(Hashes.EntriesHash));
        builder.Add("previousBlockHash", Hashes.PreviousBlockHash is { } previous ? Blob(previous) : IonBlob.Of(ReadOnlySpan<byte>.Empty));
        builder.Add("entriesHashList", IonList.Of(Hashes.EntriesHashList.Select(h => (IonValue)Blob(h))));
        builder.Add("transactionInfo", TransactionInfo);
        if (!Redactions.IsEmpty)
        {
            builder.Add("redactionInfo", RedactionInfoIon(Redactions));
        }

        builder.Add("revisions", IonList.Of(Revisions.Select(r => (IonValue)RevisionIon(r, includeSystemRevisionData))));
        return builder.ToStruct();
    }

    private static IonStruct RevisionIon(DocumentRevision revision, bool includeSystemRevisionData)
    {
        if (!revision.IsCatalog)
        {
            return revision.ToSystemRecord();
        }

        if (!includeSystemRevisionData)
        {
            return IonStruct.Of(new IonField("hash", Blob(revision.Hash)));
        }

        // Our storage form marks catalog revisions so that a rebuild can tell them from user revisions.
        return (IonStruct)revision.ToSystemRecord().WithAnnotations("catalog");
    }

    private static IonStruct TransactionInfoIon(ImmutableArray<StatementRecord> statements, ImmutableArray<DocumentTouch> documents)
    {
        var documentsBuilder = IonStruct.CreateBuilder();
        foreach (var touch in documents)
        {
            documentsBuilder.Add(touch.DocumentId, IonStruct.Of(
                new IonField("tableName", IonString.Of(touch.TableName)),
                new IonField("tableId", IonString.Of(touch.TableId)),
                new IonField("statements", IonList.Of(touch.Statements.Select(i => (IonValue)IonInt.Of(i))))));
        }

        return IonStruct.Of(
            new IonField("statements", IonList.Of(statements.Select(s => (IonValue)IonStruct.Of(
                new IonField("statement", IonString.Of(s.Statement)),
                new IonField("startTime", IonTimestampValue.Of(s.StartTime)),
                new IonField("statementDigest", Blob(s.StatementDigest)))))),
            new IonField("documents", documentsBuilder.ToStruct()));
    }

    private static IonStruct RedactionInfoIon(ImmutableArray<RedactionTarget> redactions) => IonStruct.Of(
        new IonField("revisions", IonList.Of(redactions.Select(r => (IonValue)IonStruct.Of(
            new IonField("blockAddress", Address(r.StrandId, r.SequenceNo)),
            new IonField("tableId", IonString.Of(r.TableId)),
            new IonField("documentId", IonString.Of(r.DocumentId)),
            new IonField("version", IonInt.Of(r.Version)))))));
}

/// <summary>Reads the storage form of a block (<see cref="JournalBlock.ToIon"/> with system revision data).</summary>
public static class JournalBlockReader
{
    /// <summary>
    /// Rebuilds a block from its storage form. The stored hashes are kept as written (verify them with
    /// Ledger.Journal); user revisions take their table id from transactionInfo.documents.
    /// </summary>
    public static JournalBlock FromStorageIon(IonValue value)
    {
        var block = Struct(value, "block");
        var address = Struct(block["blockAddress"], "blockAddress");
        var strandId = Text(address["strandId"], "strandId");
        var sequenceNo = Int(address["sequenceNo"], "sequenceNo");
        var transactionInfo = Struct(block["transactionInfo"], "transactionInfo");
        var statements = ((IonList)transactionInfo["statements"]!).Select(s =>
        {
            var statement = Struct(s, "statement");
            return new StatementRecord(Text(statement["statement"], "statement"), Timestamp(statement["startTime"], "startTime"), Hash(statement["statementDigest"], "statementDigest"));
        }).ToImmutableArray();
        var documents = Struct(transactionInfo["documents"], "documents").Select(f =>
        {
            var touch = Struct(f.Value, "document");
            return new DocumentTouch(f.Name.Text!, Text(touch["tableName"], "tableName"), Text(touch["tableId"], "tableId"), [.. ((IonList)touch["statements"]!).Select(i => (int)Int(i, "statements"))]);
        }).ToImmutableArray();
        var tableOf = documents.ToDictionary(d => d.DocumentId, d => d.TableId, StringComparer.Ordinal);
        var redactions = block["redactionInfo"] is IonStruct redactionInfo
            ? ((IonList)redactionInfo["revisions"]!).Select(r =>
            {
                var target = Struct(r, "redaction");
                var at = Struct(target["blockAddress"], "blockAddress");
                return new RedactionTarget(Text(at["strandId"], "strandId"), Int(at["sequenceNo"], "sequenceNo"), Text(target["tableId"], "tableId"), Text(target["documentId"], "documentId"), Int(target["version"], "version"));
            }).ToImmutableArray()
            : [];
        var timestamp = Timestamp(block["blockTimestamp"], "blockTimestamp");
        var transactionId = Text(block["transactionId"], "transactionId");
        var revisions = ((IonList)block["revisions"]!).Select(r =>
        {
            var revision = Struct(r, "revision");
            var metadata = Struct(revision["metadata"], "metadata");
            var documentId = Text(metadata["id"], "id");
            var isCatalog = revision.HasAnnotation("catalog");
            var tableId = isCatalog ? documentId : tableOf.GetValueOrDefault(documentId) ?? throw new FormatException($"Revision of {documentId} is not listed in transactionInfo.documents.");
            return new DocumentRevision(
                tableId,
                documentId,
                Int(metadata["version"], "version"),
                revision["data"] as IonStruct,
                revision["dataHash"] is { } dataHash ? Hash(dataHash, "dataHash") : null,
                Timestamp(metadata["txTime"], "txTime"),
                Text(metadata["txId"], "txId"),
                strandId,
                sequenceNo,
                Hash(revision["hash"], "hash"),
                isCatalog);
        }).ToImmutableArray();
        var previous = (IonBlob)block["previousBlockHash"]!;
        var hashes = new BlockHashes(
            sequenceNo,
            Hash(block["blockHash"], "blockHash"),
            Hash(block["entriesHash"], "entriesHash"),
            previous.Bytes.IsEmpty ? null : new Hash32(previous.Span),
            [.. ((IonList)block["entriesHashList"]!).Select(h => Hash(h, "entriesHashList"))]);
        return new JournalBlock(strandId, sequenceNo, transactionId, timestamp, hashes, statements, documents, redactions, revisions);
    }

    private static IonStruct Struct(IonValue? value, string what) => value as IonStruct ?? throw new FormatException($"{what} must be a struct.");

    private static string Text(IonValue? value, string what) => (value as IonString)?.Value ?? throw new FormatException($"{what} must be a string.");

    private static long Int(IonValue? value, string what) => (value as IonInt)?.ToInt64() ?? throw new FormatException($"{what} must be an int.");

    private static IonTimestamp Timestamp(IonValue? value, string what) => (value as IonTimestampValue)?.Value ?? throw new FormatException($"{what} must be a timestamp.");

    private static Hash32 Hash(IonValue? value, string what) =>
        value is IonBlob { Bytes.Length: Hash32.Length } blob ? new Hash32(blob.Span) : throw new FormatException($"{what} must be a 32-byte blob.");
}
