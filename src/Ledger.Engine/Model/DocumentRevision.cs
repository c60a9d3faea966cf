using Ledger.Ion;
using Ledger.Journal;
using Ledger.Journal.Model;

namespace Ledger.Engine.Model;

/// <summary>
/// One committed revision of a document (partiql-qldb 1.3, qldb-compat 3): a typed view over the journal's
/// <see cref="JournalRevision"/>, which owns its hash and Ion form, plus the table it belongs to. A user revision has
/// <see cref="Data"/>, or <see cref="DataHash"/> once redacted, or neither when it records a deletion. A catalog
/// revision (<see cref="IsCatalog"/>) is a journal system revision carrying a user_tables row of table
/// <see cref="DocumentId"/>; blocks show it as <c>{hash}</c> only.
/// </summary>
public sealed class DocumentRevision : IEquatable<DocumentRevision>
{
    /// <summary>Views <paramref name="revision"/> (which must have metadata and a block address) as a revision of <paramref name="tableId"/>.</summary>
    public DocumentRevision(string tableId, JournalRevision revision)
    {
        ArgumentNullException.ThrowIfNull(tableId);
        ArgumentNullException.ThrowIfNull(revision);
        var metadata = revision.Metadata ?? throw new ArgumentException("A document revision needs its metadata.", nameof(revision));
        TableId = tableId;
        Journal = revision;
        BlockAddress = revision.BlockAddress ?? throw new ArgumentException("A document revision needs its block address.", nameof(revision));
        DocumentId = (metadata["id"] as IonString)?.Value ?? throw new JournalFormatException("revision.metadata.id must be a string.");
        Version = metadata["version"] is IonInt version && version.TryGetInt64(out var v) ? v : throw new JournalFormatException("revision.metadata.version must be an int.");
        TxTime = (metadata["txTime"] as IonTimestampValue)?.Value ?? throw new JournalFormatException("revision.metadata.txTime must be a timestamp.");
        TxId = (metadata["txId"] as IonString)?.Value ?? throw new JournalFormatException("revision.metadata.txId must be a string.");
    }

    /// <summary>The journal revision this view reads (the single owner of the revision's hash and Ion form).</summary>
    public JournalRevision Journal { get; }

    /// <summary>The table id (for a catalog revision, the table it describes).</summary>
    public string TableId { get; }

    /// <summary>The document id (for a catalog revision, the table id).</summary>
    public string DocumentId { get; }

    /// <summary>The 0-based revision number.</summary>
    public long Version { get; }

    /// <summary>The document, absent when deleted or redacted.</summary>
    public IonStruct? Data => Journal.Data as IonStruct;

    /// <summary>IonHash of the former data, present only when redacted.</summary>
    public Hash32? DataHash => Journal.DataHash;

    /// <summary>The commit time.</summary>
    public IonTimestamp TxTime { get; }

    /// <summary>The committing transaction's id.</summary>
    public string TxId { get; }

    /// <summary>The address of the revision's block.</summary>
    public BlockAddress BlockAddress { get; }

    /// <summary>The strand of the revision's block.</summary>
    public string StrandId => BlockAddress.StrandId;

    /// <summary>The sequence number of the revision's block.</summary>
    public long SequenceNo => BlockAddress.SequenceNo;

    /// <summary>The revision hash.</summary>
    public Hash32 Hash => Journal.Hash;

    /// <summary>True for a catalog revision (a journal system revision).</summary>
    public bool IsCatalog => Journal.IsSystem;

    /// <summary>True for the final revision of a deleted document.</summary>
    public bool IsDeleted => Journal.Data is null && DataHash is null;

    /// <summary>True once the data was redacted.</summary>
    public bool IsRedacted => Journal.IsRedacted;

    /// <summary>The metadata struct <c>{id, version, txTime, txId}</c>.</summary>
    public IonStruct Metadata => Journal.Metadata!;

    /// <summary>A new revision whose hash is computed the QLDB way: dot(IonHash(metadata), IonHash(data)).</summary>
    public static DocumentRevision Create(
        string tableId, string documentId, long version, IonStruct? data, IonTimestamp txTime, string txId, string strandId, long sequenceNo, bool isCatalog = false)
    {
        var address = new BlockAddress(strandId, sequenceNo);
        var metadata = JournalRevision.CreateMetadata(documentId, version, txTime, txId);
        var revision = isCatalog
            ? JournalRevision.CreateSystem(address, metadata, data ?? throw new ArgumentNullException(nameof(data), "A catalog revision carries its table's row."))
            : JournalRevision.Create(address, metadata, data);
        return new DocumentRevision(tableId, revision);
    }

    /// <summary>The hash recomputed from metadata and data (or dataHash); equals <see cref="Hash"/> for a sound revision.</summary>
    public Hash32 ComputeHash() => Journal.ComputeHash()!.Value;

    /// <summary>The same revision with data removed and IonHash(data) kept; the hash does not change.</summary>
    public DocumentRevision Redact() => new(TableId, Journal.Redact());

    /// <summary>The committed-view / history record: <c>{blockAddress, hash, data | dataHash, metadata}</c>.</summary>
    public IonStruct ToSystemRecord() => (IonStruct)Journal.ToIon(includeSystemData: true).WithoutAnnotations();

    /// <inheritdoc/>
    public bool Equals(DocumentRevision? other) =>
        other is not null && (ReferenceEquals(this, other) || (TableId == other.TableId && Journal.ToIon(includeSystemData: true).Equals(other.Journal.ToIon(includeSystemData: true))));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DocumentRevision);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(TableId, Hash);
}
