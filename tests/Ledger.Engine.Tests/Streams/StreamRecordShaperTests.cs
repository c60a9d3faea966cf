using Ledger.Engine.Streams;
using Ledger.Ion;

namespace Ledger.Engine.Tests.Streams;

public sealed class StreamRecordShaperTests
{
    private const string Arn = "arn:aws:qldb:us-east-1:000000000000:stream/ledger/S1";

    [Fact]
    public async Task A_user_block_becomes_one_summary_and_one_revision_detail_per_revision()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE Person");
        await fixture.RunAsync("INSERT INTO Person << {'name': 'Ann'}, {'name': 'Bob'} >>");
        var block = (await fixture.BlocksAsync())[^1];

        var records = StreamRecordShaper.FromBlock(Arn, "S1", block);

        Assert.Equal(3, records.Count);
        Assert.Equal([StreamRecordType.BlockSummary, StreamRecordType.RevisionDetails, StreamRecordType.RevisionDetails], records.Select(r => r.Type));
        Assert.Equal(["S1/1/0", "S1/1/1", "S1/1/2"], records.Select(r => r.RecordId));
        Assert.All(records, r => Assert.Equal("S1", r.PartitionKey));
        Assert.All(records, r => Assert.Equal(Arn, ((IonString)r.Value["qldbStreamArn"]!).Value));

        var summary = (IonStruct)records[0].Value["payload"]!;
        Assert.Equal(
            ["blockAddress", "transactionId", "blockTimestamp", "blockHash", "entriesHash", "previousBlockHash", "entriesHashList", "transactionInfo", "revisionSummaries"],
            summary.Fields.Select(f => f.Name.Text));
        var summaries = (IonList)summary["revisionSummaries"]!;
        Assert.Equal(block.Revisions.Select(r => r.DocumentId), summaries.Select(s => ((IonString)((IonStruct)s)["documentId"]!).Value));

        var detail = (IonStruct)records[1].Value["payload"]!;
        var tableInfo = (IonStruct)detail["tableInfo"]!;
        Assert.Equal("Person", ((IonString)tableInfo["tableName"]!).Value);
        Assert.Equal(block.Revisions[0].TableId, ((IonString)tableInfo["tableId"]!).Value);
        Assert.Equal(block.Revisions[0].Journal.ToIon(), detail["revision"]);
    }

    [Fact]
    public async Task A_catalog_block_shows_its_system_revision_as_hash_only_and_has_no_revision_details()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE Person");
        var block = (await fixture.BlocksAsync())[0];

        var records = StreamRecordShaper.FromBlock(Arn, "S1", block);

        var only = Assert.Single(records);
        var summaries = (IonList)((IonStruct)only.Value["payload"]!)["revisionSummaries"]!;
        var summary = (IonStruct)Assert.Single(summaries);
        Assert.Equal(["hash"], summary.Fields.Select(f => f.Name.Text));
    }

    [Fact]
    public async Task A_consumer_rebuilds_each_block_from_its_records_and_the_hashes_verify()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE Person");
        await fixture.RunAsync("INSERT INTO Person << {'name': 'Ann'}, {'name': 'Bob'} >>");
        await fixture.RunAsync("UPDATE Person SET age = 3 WHERE name = 'Ann'");
        await fixture.RunAsync("DELETE FROM Person WHERE name = 'Bob'");

        foreach (var block in await fixture.BlocksAsync())
        {
            var records = StreamRecordShaper.FromBlock(Arn, "S1", block);
            var rebuilt = Rebuild(records);
            Assert.True(rebuilt.Verify().IsValid, $"block {block.SequenceNo} does not verify from its stream records");
            Assert.Equal(block.Hashes.BlockHash, rebuilt.BlockHash);
        }
    }

    [Fact]
    public void Control_records_have_fixed_ids_and_QLDB_payloads()
    {
        var created = StreamRecordShaper.Created(Arn, "S1");
        var completed = StreamRecordShaper.Completed(Arn, "S1", 41);

        Assert.Equal("S1/created", created.RecordId);
        Assert.Equal("S1/completed", completed.RecordId);
        Assert.Equal(IonText.Parse($"{{qldbStreamArn:\"{Arn}\",recordType:\"CONTROL\",payload:{{controlRecordType:\"CREATED\"}}}}"), created.Value);
        Assert.Equal("COMPLETED", ((IonString)((IonStruct)completed.Value["payload"]!)["controlRecordType"]!).Value);
        Assert.Equal(41, completed.SequenceNo);
    }

    // What a consumer does (like AWS's stream verification sample): the summary with each revision summary replaced
    // by the matching REVISION_DETAILS revision, system revisions kept as {hash}.
    internal static Ledger.Journal.Model.JournalBlock Rebuild(IReadOnlyList<StreamRecord> records)
    {
        var summary = (IonStruct)records.Single(r => r.Type is StreamRecordType.BlockSummary).Value["payload"]!;
        var details = records.Where(r => r.Type is StreamRecordType.RevisionDetails)
            .Select(r => (IonStruct)((IonStruct)r.Value["payload"]!)["revision"]!)
            .ToDictionary(r => ((IonBlob)r["hash"]!).Bytes.ToArray(), r => (IonValue)r, ByteArrayComparer.Instance);
        var revisions = ((IonList)summary["revisionSummaries"]!)
            .Select(s => details.GetValueOrDefault(((IonBlob)((IonStruct)s)["hash"]!).Bytes.ToArray()) ?? IonStruct.Of(((IonStruct)s).Fields[0]));
        var block = summary.Without("revisionSummaries").Add("revisions", IonList.Of(revisions));
        return Ledger.Journal.Model.JournalBlock.FromIon(block);
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length == 0 ? 0 : BitConverter.ToInt32(obj, 0);
    }
}
