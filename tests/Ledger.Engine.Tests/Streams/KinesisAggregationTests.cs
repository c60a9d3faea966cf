using Ledger.Engine.Streams;

namespace Ledger.Engine.Tests.Streams;

public sealed class KinesisAggregationTests
{
    [Fact]
    public void One_record_encodes_to_the_KPL_bytes()
    {
        var aggregate = KinesisAggregation.Aggregate([("k", new byte[] { 1, 2 })]);

        // magic, then partition_key_table "k" (field 1), then records[0] (field 3) = {index 0, data 01 02}, then MD5.
        byte[] protobuf = [0x0A, 0x01, (byte)'k', 0x1A, 0x06, 0x08, 0x00, 0x1A, 0x02, 0x01, 0x02];
        Assert.Equal(new byte[] { 0xF3, 0x89, 0x9A, 0xC2 }, aggregate[..4]);
        Assert.Equal(protobuf, aggregate[4..^16]);
        Assert.Equal(System.Security.Cryptography.MD5.HashData(protobuf), aggregate[^16..]);
    }

    [Fact]
    public void Records_round_trip_with_shared_partition_keys_in_order()
    {
        var records = Enumerable.Range(0, 300)
            .Select(i => (PartitionKey: i % 3 == 0 ? "a" : "b", Data: (ReadOnlyMemory<byte>)Enumerable.Repeat((byte)i, i).ToArray()))
            .ToList();

        var back = KinesisAggregation.Deaggregate(KinesisAggregation.Aggregate(records));

        Assert.Equal(records.Select(r => r.PartitionKey), back.Select(r => r.PartitionKey));
        Assert.Equal(records.Select(r => r.Data.ToArray()), back.Select(r => r.Data));
    }

    [Fact]
    public void A_changed_byte_or_missing_magic_is_refused()
    {
        var aggregate = KinesisAggregation.Aggregate([("k", new byte[] { 1, 2, 3 })]);
        var tampered = aggregate.ToArray();
        tampered[^17] ^= 1;

        Assert.Contains("MD5", Assert.Throws<FormatException>(() => KinesisAggregation.Deaggregate(tampered)).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => KinesisAggregation.Deaggregate(aggregate[4..]));
        Assert.Throws<ArgumentException>(() => KinesisAggregation.Aggregate([]));
    }
}
