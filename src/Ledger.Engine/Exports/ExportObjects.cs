using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Ledger.Engine.Model;
using Ledger.Engine.Ports;
using Ledger.Ion;
using Ledger.Ion.Binary;

namespace Ledger.Engine.Exports;

/// <summary>
/// The pure shaping of an export (qldb-compat 9): object keys, the started and completed manifests, and the
/// encoding of blocks in the three output formats. Keys are raw concatenations with the user's prefix, as QLDB's.
/// </summary>
public static class ExportObjects
{
    /// <summary>The content type of data objects and manifests in <paramref name="format"/>.</summary>
    public static string ContentType(JournalExportFormat format) => format switch
    {
        JournalExportFormat.Json => "application/json",
        JournalExportFormat.IonBinary => "application/x-amzn-ion",
        _ => "text/x-amzn-ion",
    };

    /// <summary>QLDB's wire name of a format (ION_TEXT, ION_BINARY, JSON).</summary>
    public static string FormatName(JournalExportFormat format) => format switch
    {
        JournalExportFormat.Json => "JSON",
        JournalExportFormat.IonBinary => "ION_BINARY",
        _ => "ION_TEXT",
    };

    /// <summary>Parses QLDB's wire name of a format; null for anything else.</summary>
    public static JournalExportFormat? ParseFormat(string? name) => name switch
    {
        "ION_TEXT" => JournalExportFormat.IonText,
        "ION_BINARY" => JournalExportFormat.IonBinary,
        "JSON" => JournalExportFormat.Json,
        _ => null,
    };

    /// <summary><c>&lt;Prefix&gt;&lt;exportId&gt;.started.manifest</c>.</summary>
    public static string StartedManifestKey(string prefix, string exportId) => $"{prefix}{exportId}.started.manifest";

    /// <summary><c>&lt;Prefix&gt;&lt;exportId&gt;.&lt;strandId&gt;.completed.manifest</c>.</summary>
    public static string CompletedManifestKey(string prefix, string exportId, string strandId) => $"{prefix}{exportId}.{strandId}.completed.manifest";

    /// <summary>
    /// <c>&lt;Prefix&gt;YYYY/MM/DD/HH/&lt;strandId&gt;.&lt;first&gt;-&lt;last&gt;.ion</c> (<c>.json</c> for JSON), the hour
    /// being the UTC commit hour of the object's blocks (an object never spans two hours).
    /// </summary>
    public static string DataKey(string prefix, string strandId, IonTimestamp hour, long firstSequenceNo, long lastSequenceNo, JournalExportFormat format)
    {
        var utc = hour.ToDateTimeOffset().UtcDateTime;
        var extension = format is JournalExportFormat.Json ? "json" : "ion";
        return string.Create(CultureInfo.InvariantCulture, $"{prefix}{utc:yyyy'/'MM'/'dd'/'HH}/{strandId}.{firstSequenceNo}-{lastSequenceNo}.{extension}");
    }

    /// <summary>The UTC hour a block's object belongs to, as a comparable number.</summary>
    public static long HourOf(IonTimestamp timestamp) => timestamp.ToDateTimeOffset().ToUnixTimeSeconds() / 3600;

    /// <summary>
    /// The started manifest: ledgerName, exportId, the time range, bucket, prefix, objectEncryptionType and, only if
    /// the request named it, outputFormat.
    /// </summary>
    public static IonStruct StartedManifest(JournalExportRecord export)
    {
        ArgumentNullException.ThrowIfNull(export);
        var builder = IonStruct.CreateBuilder()
            .Add("ledgerName", IonString.Of(export.LedgerName))
            .Add("exportId", IonString.Of(export.ExportId))
            .Add("inclusiveStartTime", IonTimestampValue.Of(QldbTime.ToTimestamp(export.InclusiveStartTime)))
            .Add("exclusiveEndTime", IonTimestampValue.Of(QldbTime.ToTimestamp(export.ExclusiveEndTime)))
            .Add("bucket", IonString.Of(export.Bucket))
            .Add("prefix", IonString.Of(export.Prefix))
            .Add("objectEncryptionType", IonString.Of(export.EncryptionType));
        if (export.OutputFormat is { } format)
        {
            builder.Add("outputFormat", IonString.Of(FormatName(format)));
        }

        return builder.ToStruct();
    }

    /// <summary>The completed manifest: <c>{keys:[…]}</c>, ordered by sequence number.</summary>
    public static IonStruct CompletedManifest(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return IonStruct.CreateBuilder().Add("keys", IonList.Of(keys.Select(k => (IonValue)IonString.Of(k)))).ToStruct();
    }

    /// <summary>A manifest's bytes in the export's format.</summary>
    public static byte[] EncodeManifest(IonStruct manifest, JournalExportFormat format) => format switch
    {
        JournalExportFormat.Json => Encoding.UTF8.GetBytes(IonJson.ToJson(manifest)),
        JournalExportFormat.IonBinary => IonBinary.Write(manifest),
        _ => Encoding.UTF8.GetBytes(IonText.Write(manifest)),
    };

    /// <summary>Reads a manifest written in any of the formats (the format is recognised from the bytes).</summary>
    public static IonStruct DecodeManifest(ReadOnlySpan<byte> bytes)
    {
        var value = IonBinary.IsIonBinary(bytes) ? IonBinary.Read(bytes) : IonText.Parse(bytes);
        return value as IonStruct ?? throw new FormatException("A manifest must be one struct.");
    }

    /// <summary>The data keys a completed manifest lists, in order.</summary>
    public static IReadOnlyList<string> ManifestKeys(IonStruct completedManifest)
    {
        ArgumentNullException.ThrowIfNull(completedManifest);
        return completedManifest["keys"] is IonList { IsNull: false } keys
            ? [.. keys.Select(k => k is IonString { IsNull: false } s ? s.Value : throw new FormatException("Completed manifest keys must be strings."))]
            : throw new FormatException("A completed manifest needs a keys list.");
    }
}

/// <summary>
/// Accumulates the blocks of one data object in its output format into a pooled buffer. The encoding of a block does
/// not depend on the blocks before it (Ion binary: one stream per block, each with its own version marker and symbol
/// table), so an object's size after each block is known as it grows.
/// </summary>
public sealed class ExportObjectBuffer : IDisposable
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly JournalExportFormat _format;
    private readonly StringBuilder _text = new();
    private byte[] _buffer;
    private int _length;

    /// <summary>Creates an empty buffer for <paramref name="format"/>.</summary>
    public ExportObjectBuffer(JournalExportFormat format, int initialCapacity = 1 << 20)
    {
        _format = format;
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    /// <summary>How many bytes the object has.</summary>
    public int Length => _length;

    /// <summary>How many blocks the object holds.</summary>
    public int BlockCount { get; private set; }

    /// <summary>The sequence number of the first block, valid when <see cref="BlockCount"/> &gt; 0.</summary>
    public long FirstSequenceNo { get; private set; }

    /// <summary>The sequence number of the last block, valid when <see cref="BlockCount"/> &gt; 0.</summary>
    public long LastSequenceNo { get; private set; }

    /// <summary>The commit time of the first block, valid when <see cref="BlockCount"/> &gt; 0.</summary>
    public IonTimestamp FirstTimestamp { get; private set; }

    /// <summary>Appends one block in its export form (system revisions as <c>{hash}</c>).</summary>
    public void Append(JournalBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var value = block.ToIon();
        switch (_format)
        {
            case JournalExportFormat.IonBinary:
                AppendBytes(IonBinary.Write(value));
                break;
            case JournalExportFormat.Json:
                AppendJsonLine(value);
                break;
            default:
                AppendTextLine(value);
                break;
        }

        if (BlockCount == 0)
        {
            FirstSequenceNo = block.SequenceNo;
            FirstTimestamp = block.BlockTimestamp;
        }

        LastSequenceNo = block.SequenceNo;
        BlockCount++;
    }

    /// <summary>Empties the buffer for the next object, keeping its memory.</summary>
    public void Reset()
    {
        _buffer.AsSpan(0, _length).Clear();
        _length = 0;
        BlockCount = 0;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            _buffer.AsSpan(0, _length).Clear();
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _length = 0;
        }
    }

    private void AppendTextLine(IonValue value)
    {
        _text.Clear();
        _text.Append(IonText.Write(value)).Append('\n');
        var needed = Encoding.UTF8.GetMaxByteCount(_text.Length);
        var span = Reserve(needed);
        var written = 0;
        foreach (var chunk in _text.GetChunks())
        {
            written += Encoding.UTF8.GetBytes(chunk.Span, span[written..]);
        }

        _length += written;
    }

    private void AppendJsonLine(IonValue value)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, JsonOptions))
        {
            IonJson.WriteTo(writer, value);
        }

        AppendBytes(output.WrittenSpan);
        AppendBytes("\n"u8);
    }

    private void AppendBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _length += bytes.Length;
    }

    private Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _length < size)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + size));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            _buffer.AsSpan(0, _length).Clear();
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer.AsSpan(_length, size);
    }
}
