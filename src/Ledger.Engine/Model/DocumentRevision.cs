using Ledger.Ion;
using Ledger.Journal;

namespace Ledger.Engine.Model;

/// <summary>
/// One committed revision of a document (partiql-qldb 1.3, qldb-compat 3). A user revision has
/// <see cref="Data"/>, or <see cref="DataHash"/> once redacted, or neither when it records a deletion. A catalog
/// revision (<see cref="IsCatalog"/>) carries a user_tables row of table <see cref="DocumentId"/>; it is one of QLDB's
/// system revisions and is shown in blocks as <c>{hash}</c> only.
/// </summary>
public sealed record DocumentRevision(
    string TableId,
    string DocumentId,
    long Version,
    IonStruct? Data,
    Hash32? DataHash,
    IonTimestamp TxTime,
    string TxId,
    string StrandId,
    long SequenceNo,
    Hash32 Hash,
    bool IsCatalog = false)
{
    /// <summary>True for the final revision of a deleted document.</summary>
    public bool IsDeleted => Data is null && DataHash is null;

    /// <summary>True once the data was redacted.</summary>
    public bool IsRedacted => DataHash is not null;

    /// <summary>A new revision whose hash is computed the QLDB way: dot(IonHash(metadata), IonHash(data)).</summary>
    public static DocumentRevision Create(
        string tableId, string documentId, long version, IonStruct? data, IonTimestamp txTime, string txId, string strandId, long sequenceNo, bool isCatalog = false)
    {
        var metadata = CreateMetadata(documentId, version, txTime, txId);
        var hash = BlockHashBuilder.RevisionHash(EngineHash.Of(metadata), data is null ? null : EngineHash.Of(data));
        return new DocumentRevision(tableId, documentId, version, data, null, txTime, txId, strandId, sequenceNo, hash, isCatalog);
    }

    /// <summary>The metadata struct <c>{id, version, txTime, txId}</c> in QLDB's field order.</summary>
    public static IonStruct CreateMetadata(string documentId, long version, IonTimestamp txTime, string txId) => IonStruct.Of(
        new IonField("id", IonString.Of(documentId)),
        new IonField("version", IonInt.Of(version)),
        new IonField("txTime", IonTimestampValue.Of(txTime)),
        new IonField("txId", IonString.Of(txId)));

    /// <summary>The metadata struct of this revision.</summary>
    public IonStruct Metadata => CreateMetadata(DocumentId, Version, TxTime, TxId);

    /// <summary><c>{strandId, sequenceNo}</c>.</summary>
    public IonStruct BlockAddress => JournalBlock.Address(StrandId, SequenceNo);

    /// <summary>The hash recomputed from metadata and data (or dataHash); equals <see cref="Hash"/> for a sound revision.</summary>
    public Hash32 ComputeHash()
    {
        var dataHash = Data is not null ? EngineHash.Of(Data) : DataHash;
        return BlockHashBuilder.RevisionHash(EngineHash.Of(Metadata), dataHash);
    }

    /// <summary>The same revision with data removed and IonHash(data) kept; the hash does not change.</summary>
    public DocumentRevision Redact() => Data is null
        ? throw new InvalidOperationException("Only a revision with data can be redacted.")
        : this with { Data = null, DataHash = EngineHash.Of(Data) };

    /// <summary>The committed-view / history record: <c>{blockAddress, hash, data | dataHash, metadata}</c>.</summary>
    public IonStruct ToSystemRecord()
    {
        var builder = IonStruct.CreateBuilder();
        builder.Add("blockAddress", BlockAddress);
        builder.Add("hash", JournalBlock.Blob(Hash));
        if (Data is not null)
        {
            builder.Add("data", Data);
        }

        if (DataHash is { } dataHash)
        {
            builder.Add("dataHash", JournalBlock.Blob(dataHash));
        }

        builder.Add("metadata", Metadata);
        return builder.ToStruct();
    }
}
