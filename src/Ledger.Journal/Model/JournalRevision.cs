using Ledger.Ion;
using Ledger.Journal.Verification;

namespace Ledger.Journal.Model;

/// <summary>
/// A document revision as QLDB shows it in blocks, GetRevision, exports and streams (spec 3). A user revision has
/// <see cref="Metadata"/> and either <see cref="Data"/>, a <see cref="DataHash"/> (redacted), or neither (deleted).
/// A system revision is shown with only its <see cref="Hash"/>; our own system revisions (the engine's catalog) keep
/// their metadata and data for storage, written annotated <c>system::</c> by <see cref="ToIon(bool)"/>.
/// </summary>
public sealed class JournalRevision
{
    /// <summary>The annotation marking the storage form of a system revision that carries its data.</summary>
    public const string SystemAnnotation = "system";

    private JournalRevision(BlockAddress? blockAddress, Hash32 hash, IonValue? data, Hash32? dataHash, IonStruct? metadata, bool isSystem)
    {
        BlockAddress = blockAddress;
        Hash = hash;
        Data = data;
        DataHash = dataHash;
        Metadata = metadata;
        IsSystem = isSystem;
    }

    /// <summary>The block holding the revision (absent on system revisions inside a block).</summary>
    public BlockAddress? BlockAddress { get; }

    /// <summary>The revision hash as stored.</summary>
    public Hash32 Hash { get; }

    /// <summary>The document, absent when deleted or redacted.</summary>
    public IonValue? Data { get; }

    /// <summary>IonHash of the former data, present only when redacted.</summary>
    public Hash32? DataHash { get; }

    /// <summary><c>{id, version, txTime, txId}</c>; absent on system revisions.</summary>
    public IonStruct? Metadata { get; }

    /// <summary>True for a system revision (shown as only a hash; its data, if kept, is storage-only).</summary>
    public bool IsSystem { get; }

    /// <summary>True when the data was redacted (dataHash kept in its place).</summary>
    public bool IsRedacted => DataHash is not null;

    /// <summary>A new user revision; its hash is computed from metadata and data.</summary>
    public static JournalRevision Create(BlockAddress blockAddress, IonStruct metadata, IonValue? data)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var dataHash = data is null ? (Hash32?)null : JournalIonHash.Of(data);
        return new JournalRevision(blockAddress, BlockHashBuilder.RevisionHash(JournalIonHash.Of(metadata), dataHash), data, null, metadata, isSystem: false);
    }

    /// <summary>
    /// A new system revision that keeps its metadata and data (hashed like a user revision); blocks show it as
    /// <c>{hash}</c> only unless written in storage form.
    /// </summary>
    public static JournalRevision CreateSystem(BlockAddress blockAddress, IonStruct metadata, IonValue data)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(data);
        return new JournalRevision(blockAddress, BlockHashBuilder.RevisionHash(JournalIonHash.Of(metadata), JournalIonHash.Of(data)), data, null, metadata, isSystem: true);
    }

    /// <summary>The metadata struct of spec 3, fields in QLDB's order.</summary>
    public static IonStruct CreateMetadata(string documentId, long version, IonTimestamp txTime, string transactionId) =>
        IonStruct.Of(
            new IonField("id", IonString.Of(documentId)),
            new IonField("version", IonInt.Of(version)),
            new IonField("txTime", IonTimestampValue.Of(txTime)),
            new IonField("txId", IonString.Of(transactionId)));

    /// <summary>A system revision (only its hash).</summary>
    public static JournalRevision System(Hash32 hash) => new(null, hash, null, null, null, isSystem: true);

    /// <summary>The same revision with its data removed and IonHash(data) kept; the hash does not change.</summary>
    public JournalRevision Redact()
    {
        if (Data is null)
        {
            throw new InvalidOperationException("Only a revision with data can be redacted.");
        }

        return new JournalRevision(BlockAddress, Hash, null, JournalIonHash.Of(Data), Metadata, IsSystem);
    }

    /// <summary>The same revision at another block address (GetRevision reports the address of its block).</summary>
    public JournalRevision WithBlockAddress(BlockAddress blockAddress) => new(blockAddress, Hash, Data, DataHash, Metadata, IsSystem);

    /// <summary>
    /// Recomputes the hash from metadata and data (or dataHash). Null for system revisions, which have nothing to
    /// recompute from.
    /// </summary>
    public Hash32? ComputeHash()
    {
        if (Metadata is null)
        {
            return null;
        }

        var dataHash = Data is not null ? JournalIonHash.Of(Data) : DataHash;
        return BlockHashBuilder.RevisionHash(JournalIonHash.Of(Metadata), dataHash);
    }

    /// <summary>Checks the stored hash against <see cref="ComputeHash"/>.</summary>
    public VerificationResult VerifyHash(string? location = null)
    {
        var computed = ComputeHash();
        if (computed is not { } calculated || calculated == Hash)
        {
            return VerificationResult.Valid;
        }

        return new HashMismatch(location ?? Describe(), "revision hash", Hash, calculated);
    }

    /// <summary>
    /// The Ion struct in QLDB's field order: blockAddress, hash, data or dataHash, metadata. A system revision is
    /// <c>{hash}</c> only, unless <paramref name="includeSystemData"/> asks for the storage form (the full record,
    /// annotated <c>system::</c>, which <see cref="FromIon"/> reads back).
    /// </summary>
    public IonStruct ToIon(bool includeSystemData = false)
    {
        if (IsSystem && (!includeSystemData || Metadata is null))
        {
            return IonStruct.Of(new IonField("hash", IonRead.Blob(Hash)));
        }

        var builder = IonStruct.CreateBuilder();
        if (BlockAddress is not null)
        {
            builder.Add("blockAddress", BlockAddress.ToIon());
        }

        builder.Add("hash", IonRead.Blob(Hash));
        if (Data is not null)
        {
            builder.Add("data", Data);
        }

        if (DataHash is { } dataHash)
        {
            builder.Add("dataHash", IonRead.Blob(dataHash));
        }

        if (Metadata is not null)
        {
            builder.Add("metadata", Metadata);
        }

        return IsSystem ? (IonStruct)builder.ToStruct().WithAnnotations(SystemAnnotation) : builder.ToStruct();
    }

    /// <summary>Compact Ion text, the <c>Revision.IonText</c> of GetRevision.</summary>
    public string ToIonText() => IonText.Write(ToIon());

    /// <summary>Reads a revision struct (stored hash kept as is; use <see cref="VerifyHash"/> to check it).</summary>
    public static JournalRevision FromIon(IonValue value)
    {
        var revision = IonRead.Struct(value, "revision");
        var address = IonRead.Optional(revision, "blockAddress") is { } a ? Model.BlockAddress.FromIon(a) : null;
        var metadata = IonRead.Optional(revision, "metadata") is { } m ? IonRead.Struct(m, "revision.metadata") : null;
        var data = IonRead.Optional(revision, "data");
        var dataHash = IonRead.OptionalHash(revision, "dataHash", "revision");
        if (data is not null && dataHash is not null)
        {
            throw new JournalFormatException("A revision has either data or dataHash, not both.");
        }

        var isSystem = metadata is null || revision.HasAnnotation(SystemAnnotation);
        return new JournalRevision(address, IonRead.Hash(revision, "hash", "revision"), data, dataHash, metadata, isSystem);
    }

    /// <summary>Parses the Ion text of a revision.</summary>
    public static JournalRevision Parse(string ionText) => FromIon(IonText.Parse(ionText));

    private string Describe()
    {
        var id = Metadata is not null && Metadata["id"] is IonString s ? s.Value : "?";
        var version = Metadata?["version"]?.ToString() ?? "?";
        return $"revision {version} of document {id}" + (BlockAddress is null ? string.Empty : $" in block {BlockAddress.SequenceNo}");
    }
}
