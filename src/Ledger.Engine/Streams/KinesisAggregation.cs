using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Ledger.Engine.Streams;

/// <summary>
/// The Kinesis Producer Library's aggregated record format that QLDB wrote when a stream had
/// <c>AggregationEnabled</c> (qldb-compat 8): the magic bytes <c>F3 89 9A C2</c>, a protobuf
/// <c>AggregatedRecord</c>, and the MD5 of the protobuf bytes. Existing KPL de-aggregators read it unchanged.
/// </summary>
public static class KinesisAggregation
{
    private const int DigestLength = 16;
    private static ReadOnlySpan<byte> Magic => [0xF3, 0x89, 0x9A, 0xC2];

    /// <summary>The fixed bytes of an aggregate around its records: magic plus digest.</summary>
    public const int FrameOverhead = 4 + DigestLength;

    /// <summary>
    /// An upper bound of what one record adds to an aggregate (its data, the record message's tags and lengths, and
    /// its partition key if new), so a caller can fill an aggregate up to a size limit without encoding twice.
    /// </summary>
    public static int RecordCost(int dataLength, int partitionKeyLength) =>
        dataLength + partitionKeyLength + (3 * 10) + 4;

    /// <summary>Encodes one aggregate of <paramref name="records"/> (partition key, data), in order.</summary>
    public static byte[] Aggregate(IReadOnlyList<(string PartitionKey, ReadOnlyMemory<byte> Data)> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            throw new ArgumentException("An aggregate holds at least one record.", nameof(records));
        }

        var keys = new List<string>();
        var keyIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var indexes = new int[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var key = records[i].PartitionKey;
            if (!keyIndex.TryGetValue(key, out var index))
            {
                index = keys.Count;
                keyIndex.Add(key, index);
                keys.Add(key);
            }

            indexes[i] = index;
        }

        var protobuf = new ArrayBufferWriter<byte>();
        foreach (var key in keys)
        {
            WriteBytesField(protobuf, 1, Encoding.UTF8.GetBytes(key));
        }

        for (var i = 0; i < records.Count; i++)
        {
            var data = records[i].Data.Span;
            var messageLength = 1 + VarintLength((ulong)indexes[i]) + 1 + VarintLength((ulong)data.Length) + data.Length;
            WriteTag(protobuf, 3, wireType: 2);
            WriteVarint(protobuf, (ulong)messageLength);
            WriteTag(protobuf, 1, wireType: 0);
            WriteVarint(protobuf, (ulong)indexes[i]);
            WriteBytesField(protobuf, 3, data);
        }

        var body = protobuf.WrittenSpan;
        var result = new byte[Magic.Length + body.Length + DigestLength];
        Magic.CopyTo(result);
        body.CopyTo(result.AsSpan(Magic.Length));
        MD5.HashData(body, result.AsSpan(Magic.Length + body.Length));
        return result;
    }

    /// <summary>True when <paramref name="data"/> starts with the aggregate magic bytes.</summary>
    public static bool IsAggregate(ReadOnlySpan<byte> data) => data.Length >= FrameOverhead && data[..4].SequenceEqual(Magic);

    /// <summary>
    /// Reads an aggregate back into its records (what a KPL de-aggregator does); for consumers and tests.
    /// </summary>
    /// <exception cref="FormatException">Not an aggregate, a wrong digest, or malformed protobuf.</exception>
    public static IReadOnlyList<(string PartitionKey, byte[] Data)> Deaggregate(ReadOnlySpan<byte> aggregate)
    {
        if (!IsAggregate(aggregate))
        {
            throw new FormatException("Not a KPL aggregated record: the magic bytes F3 89 9A C2 are missing.");
        }

        var body = aggregate[4..^DigestLength];
        Span<byte> digest = stackalloc byte[DigestLength];
        MD5.HashData(body, digest);
        if (!digest.SequenceEqual(aggregate[^DigestLength..]))
        {
            throw new FormatException("The aggregated record's MD5 digest does not match its contents.");
        }

        var keys = new List<string>();
        var records = new List<(int KeyIndex, byte[] Data)>();
        var reader = new ProtobufReader(body);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field, wireType)
            {
                case (1, 2):
                    keys.Add(Encoding.UTF8.GetString(reader.ReadBytes()));
                    break;
                case (3, 2):
                    records.Add(ReadRecord(reader.ReadBytes()));
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return records.Select(r => r.KeyIndex < keys.Count
            ? (keys[r.KeyIndex], r.Data)
            : throw new FormatException($"A record names partition key {r.KeyIndex} of {keys.Count}.")).ToList();
    }

    private static (int KeyIndex, byte[] Data) ReadRecord(ReadOnlySpan<byte> message)
    {
        var reader = new ProtobufReader(message);
        int? keyIndex = null;
        byte[]? data = null;
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field, wireType)
            {
                case (1, 0):
                    keyIndex = checked((int)reader.ReadVarint());
                    break;
                case (3, 2):
                    data = reader.ReadBytes().ToArray();
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return keyIndex is { } index && data is not null
            ? (index, data)
            : throw new FormatException("A record lacks its partition_key_index or data.");
    }

    private static void WriteBytesField(ArrayBufferWriter<byte> writer, int field, ReadOnlySpan<byte> bytes)
    {
        WriteTag(writer, field, wireType: 2);
        WriteVarint(writer, (ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteTag(ArrayBufferWriter<byte> writer, int field, int wireType) =>
        WriteVarint(writer, (ulong)((field << 3) | wireType));

    private static void WriteVarint(ArrayBufferWriter<byte> writer, ulong value)
    {
        var span = writer.GetSpan(10);
        var length = 0;
        while (value >= 0x80)
        {
            span[length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[length++] = (byte)value;
        writer.Advance(length);
    }

    private static int VarintLength(ulong value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }

        return length;
    }

    private ref struct ProtobufReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public readonly bool End => _position >= _data.Length;

        public (int Field, int WireType) ReadTag()
        {
            var tag = ReadVarint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public ulong ReadVarint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_position >= _data.Length)
                {
                    throw new FormatException("The aggregated record ends inside a varint.");
                }

                var b = _data[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new FormatException("The aggregated record has a varint longer than 10 bytes.");
        }

        public ReadOnlySpan<byte> ReadBytes()
        {
            var length = ReadVarint();
            if (length > (ulong)(_data.Length - _position))
            {
                throw new FormatException("A length-delimited field runs past the end of the aggregated record.");
            }

            var bytes = _data.Slice(_position, (int)length);
            _position += (int)length;
            return bytes;
        }

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0:
                    ReadVarint();
                    break;
                case 1:
                    Advance(8);
                    break;
                case 2:
                    ReadBytes();
                    break;
                case 5:
                    Advance(4);
                    break;
                default:
                    throw new FormatException($"Unsupported protobuf wire type {wireType} in the aggregated record.");
            }
        }

        private void Advance(int count)
        {
            if (count > _data.Length - _position)
            {
                throw new FormatException("A fixed-size field runs past the end of the aggregated record.");
            }

            _position += count;
        }
    }
}
