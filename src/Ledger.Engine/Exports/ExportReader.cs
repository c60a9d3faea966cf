using System.Text.Json;
using Ledger.Engine.Ports;
using Ledger.Ion;
using Ledger.Ion.Binary;
using Ledger.Journal;
using Ledger.Journal.Model;

namespace Ledger.Engine.Exports;

/// <summary>The manifests of one export found under a prefix.</summary>
/// <param name="ExportId">The export's id.</param>
/// <param name="StrandId">The strand its completed manifest names.</param>
/// <param name="CompletedManifestKey">The key of the completed manifest.</param>
/// <param name="Keys">The data objects, in sequence order.</param>
/// <param name="Started">The started manifest, when present.</param>
public sealed record ExportManifests(string ExportId, string StrandId, string CompletedManifestKey, IReadOnlyList<string> Keys, IonStruct? Started);

/// <summary>One data object of an export, decoded.</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Format">Ion (text or binary, read alike) or JSON.</param>
/// <param name="Values">The top-level values, one per block.</param>
/// <param name="Bytes">The object's size.</param>
public sealed record ExportObject(string Key, JournalExportFormat Format, IReadOnlyList<IonValue> Values, long Bytes);

/// <summary>Finds and reads the manifests and data objects of an export (ours or QLDB's) through an <see cref="IExportSource"/>.</summary>
public static class ExportReader
{
    private const string CompletedSuffix = ".completed.manifest";

    /// <summary>
    /// The manifests of export <paramref name="exportId"/> under <paramref name="prefix"/>, or of the only export
    /// there when <paramref name="exportId"/> is null. Throws <see cref="ExportFormatException"/> when there is none,
    /// several, or a manifest cannot be read.
    /// </summary>
    public static async Task<ExportManifests> ReadManifestsAsync(IExportSource source, string bucket, string prefix, string? exportId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(prefix);
        var completed = (await source.ListKeysAsync(bucket, prefix + exportId, cancellationToken))
            .Where(k => k.EndsWith(CompletedSuffix, StringComparison.Ordinal) && !k[prefix.Length..].Contains('/', StringComparison.Ordinal))
            .ToList();
        if (completed.Count == 0)
        {
            throw new ExportFormatException($"No completed manifest under {bucket}/{prefix}{exportId}: the export is missing or not complete.");
        }

        if (completed.Count > 1)
        {
            throw new ExportFormatException($"Several completed manifests under {bucket}/{prefix}{exportId}: name the export (or strand) to read.");
        }

        var key = completed[0];
        var name = key[prefix.Length..^CompletedSuffix.Length];
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == name.Length - 1)
        {
            throw new ExportFormatException($"{key} is not named <exportId>.<strandId>.completed.manifest.");
        }

        var id = name[..dot];
        var manifest = Decode(await GetAsync(source, bucket, key, cancellationToken), key);
        IReadOnlyList<string> keys;
        try
        {
            keys = ExportObjects.ManifestKeys(manifest);
        }
        catch (FormatException failure)
        {
            throw new ExportFormatException($"{key}: {failure.Message}", failure);
        }

        var startedKey = ExportObjects.StartedManifestKey(prefix, id);
        var started = await source.GetObjectAsync(bucket, startedKey, cancellationToken) is { } bytes ? Decode(bytes, startedKey) : null;
        return new ExportManifests(id, name[(dot + 1)..], key, keys, started);
    }

    /// <summary>Reads one data object; JSON objects (<c>.json</c>) are JSON Lines, everything else Ion text or binary.</summary>
    public static async Task<ExportObject> ReadObjectAsync(IExportSource source, string bucket, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(key);
        var bytes = await GetAsync(source, bucket, key, cancellationToken);
        try
        {
            if (IonBinary.IsIonBinary(bytes.Span))
            {
                return new ExportObject(key, JournalExportFormat.IonBinary, IonBinary.ReadAll(bytes.Span), bytes.Length);
            }

            if (key.EndsWith(".json", StringComparison.Ordinal))
            {
                return new ExportObject(key, JournalExportFormat.Json, JsonLines(bytes), bytes.Length);
            }

            return new ExportObject(key, JournalExportFormat.IonText, IonText.ParseAll(bytes.Span), bytes.Length);
        }
        catch (Exception failure) when (failure is IonException or JsonException)
        {
            throw new ExportFormatException($"{key} cannot be read: {failure.Message}", failure);
        }
    }

    /// <summary>
    /// The hashes of a block read from a JSON export (blobs are base64 strings there): its address, its block hashes
    /// and its revisions' hashes.
    /// </summary>
    public static (BlockAddress Address, BlockHashes Hashes, IReadOnlyList<Hash32> RevisionHashes) JsonBlockHashes(IonValue value)
    {
        var block = value as IonStruct ?? throw new JournalFormatException("A JSON block must be an object.");
        var address = block["blockAddress"] as IonStruct ?? throw new JournalFormatException("block.blockAddress is required.");
        var strand = (address["strandId"] as IonString)?.Value ?? throw new JournalFormatException("blockAddress.strandId must be a string.");
        var sequenceNo = address["sequenceNo"] is IonInt number && number.TryGetInt64(out var n) ? n : throw new JournalFormatException("blockAddress.sequenceNo must be an integer.");
        var previous = Base64(block, "previousBlockHash", allowEmpty: true);
        var list = block["entriesHashList"] as IonList ?? throw new JournalFormatException("block.entriesHashList must be a list.");
        var revisions = block["revisions"] as IonList;
        var hashes = new BlockHashes(
            sequenceNo,
            Base64(block, "blockHash") ?? default,
            Base64(block, "entriesHash") ?? default,
            previous,
            [.. list.Select(HashOf)]);
        IReadOnlyList<Hash32> revisionHashes = revisions is null ? [] : [.. revisions.Select(r => (r as IonStruct)?["hash"] is { } h ? HashOf(h) : throw new JournalFormatException("A revision needs its hash."))];
        return (new BlockAddress(strand, sequenceNo), hashes, revisionHashes);
    }

    private static Hash32? Base64(IonStruct block, string field, bool allowEmpty = false)
    {
        if (block[field] is not IonString { IsNull: false } text)
        {
            throw new JournalFormatException($"block.{field} must be a base64 string.");
        }

        return allowEmpty && text.Value.Length == 0 ? null : HashOf(text);
    }

    private static Hash32 HashOf(IonValue value)
    {
        if (value is not IonString { IsNull: false } text)
        {
            throw new JournalFormatException("A hash must be a base64 string.");
        }

        try
        {
            return Hash32.FromBase64(text.Value);
        }
        catch (Exception failure) when (failure is FormatException or ArgumentException)
        {
            throw new JournalFormatException($"{text.Value} is not a base64 SHA-256 hash.");
        }
    }

    private static List<IonValue> JsonLines(ReadOnlyMemory<byte> bytes)
    {
        var values = new List<IonValue>();
        var rest = bytes.Span;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            if (!line.Trim(" \r\t"u8).IsEmpty)
            {
                values.Add(IonJson.FromJson(line));
            }

            rest = end < 0 ? [] : rest[(end + 1)..];
        }

        return values;
    }

    private static IonStruct Decode(ReadOnlyMemory<byte> bytes, string key)
    {
        try
        {
            return ExportObjects.DecodeManifest(bytes.Span);
        }
        catch (Exception failure) when (failure is IonException or FormatException)
        {
            throw new ExportFormatException($"{key} is not a readable manifest: {failure.Message}", failure);
        }
    }

    private static async Task<ReadOnlyMemory<byte>> GetAsync(IExportSource source, string bucket, string key, CancellationToken cancellationToken) =>
        await source.GetObjectAsync(bucket, key, cancellationToken) ?? throw new ExportFormatException($"{bucket}/{key} does not exist.");
}

/// <summary>An export cannot be read: a manifest or object is missing or malformed. The message names the key.</summary>
public sealed class ExportFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExportFormatException()
        : base("The export cannot be read.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ExportFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ExportFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
