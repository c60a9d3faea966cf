using System.Text;
using Ledger.Engine.Exports;
using Ledger.Engine.Imports;
using Ledger.Engine.InMemory;
using Ledger.Journal.Model;

namespace Ledger.Engine.Tests.Exports;

/// <summary>An export shaped as QLDB writes it, holding the real AWS block of qldb-compat 11.4.</summary>
public sealed class AwsExportTests
{
    private const string Bucket = "aws-export";
    private const string Prefix = "journalExport/";
    private const string ExportId = "8UyXulxccYLAsbN1aon7e4";
    private const string StrandId = "KmA3ZZca7vAIiJAK9S5Iwl";
    private const string DataKey = Prefix + "2019/09/16/19/" + StrandId + ".100-100.ion";

    // The block as the AWS CLI documentation prints it (the statement's newlines as Ion escapes: the same string).
    private const string AwsBlock = """
        {blockAddress:{strandId:"KmA3ZZca7vAIiJAK9S5Iwl",sequenceNo:100},transactionId:"FnQeJBAicTX0Ah32ZnVtSX",blockTimestamp:2019-09-16T19:37:05.360Z,blockHash:{{NoChM92yKRuJAb/jeLd1VnYn4DHiWIf071ACfic9uHc=}},entriesHash:{{l05LOsiKV14SDbuaYnH7uwXzUvqzIwUiRLXGbTyj/nY=}},previousBlockHash:{{7kewBXhpdbClcZKxhVmpoMHpUGOJtWQD0iY2LPfZkYA=}},entriesHashList:[{{eRSwnmAM7WWANWDd5iGOyK+T4tDXyzUq6HZ/0fgLHos=}},{{mHVex/yjHAWjFPpwhBuH2GKXmKJjK2FBa9faqoUVNtg=}},{{y5cCBr7pOAIUfsVQ1j0TqtE97b4b4oo1R0vnYyE5wWM=}},{{TvTXygML1bMe6NvEZtGkX+KR+W/EJl4qD1mmV77KZQg=}}],transactionInfo:{statements:[{statement:"FROM VehicleRegistration AS r \nWHERE r.VIN = '1N4AL11D75C109151'\nINSERT INTO r.Owners.SecondaryOwners\n    VALUE { 'PersonId' : 'CMVdR77XP8zAglmmFDGTvt' }",startTime:2019-09-16T19:37:05.302Z,statementDigest:{{jcgPX2vsOJ0waum4qmDYtn1pCAT9xKNIzA+2k4R+mxA=}}}],documents:{JUJgkIcNbhS2goq8RqLuZ4:{tableName:"VehicleRegistration",tableId:"BFJKdXgzt9oF4wjMbuxy4G",statements:[0]}}},revisions:[{blockAddress:{strandId:"KmA3ZZca7vAIiJAK9S5Iwl",sequenceNo:100},hash:{{mHVex/yjHAWjFPpwhBuH2GKXmKJjK2FBa9faqoUVNtg=}},data:{VIN:"1N4AL11D75C109151",LicensePlateNumber:"LEWISR261LL",State:"WA",PendingPenaltyTicketAmount:90.25,ValidFromDate:2017-08-21,ValidToDate:2020-05-11,Owners:{PrimaryOwner:{PersonId:"BFJKdXhnLRT27sXBnojNGW"},SecondaryOwners:[{PersonId:"CMVdR77XP8zAglmmFDGTvt"}]},City:"Everett"},metadata:{id:"JUJgkIcNbhS2goq8RqLuZ4",version:3,txTime:2019-09-16T19:37:05.344Z,txId:"FnQeJBAicTX0Ah32ZnVtSX"}}]}
        """;

    [Fact]
    public async Task A_qldb_shaped_export_of_a_real_aws_block_verifies_and_a_change_to_its_data_names_block_100()
    {
        var bucket = QldbExport(AwsBlock);
        var verification = await ExportVerifier.VerifyAsync(bucket, Bucket, Prefix);
        Assert.True(verification.IsValid, verification.ToString());
        Assert.Equal(ExportId, verification.ExportId);
        Assert.Equal(new BlockAddress(StrandId, 100), verification.FirstBlock);

        var tampered = QldbExport(AwsBlock.Replace("LEWISR261LL", "LEWISR261LM", StringComparison.Ordinal));
        var failed = await ExportVerifier.VerifyAsync(tampered, Bucket, Prefix);
        Assert.Equal(new BlockAddress(StrandId, 100), failed.FailedBlock);
        Assert.Contains("revision hash", failed.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_that_does_not_start_at_block_0_cannot_become_a_ledger()
    {
        var ports = EnginePorts.InMemory(TimeProvider.System);
        var refused = await Assert.ThrowsAsync<JournalImportException>(() =>
            new JournalImporter(ports).ImportAsync(QldbExport(AwsBlock), new ImportRequest("vehicle-registration", Bucket, Prefix)));
        Assert.Contains("from block 0", refused.Message, StringComparison.Ordinal);
        Assert.Null(await ports.Ledgers.GetAsync("vehicle-registration"));
    }

    private static InMemoryExportBucket QldbExport(string blockText)
    {
        var bucket = new InMemoryExportBucket();
        bucket.Replace(Bucket, Prefix + ExportId + ".started.manifest", Encoding.UTF8.GetBytes(
            "{ledgerName:\"vehicle-registration\",exportId:\"" + ExportId + "\",inclusiveStartTime:2019-09-16T00:00:00.000Z,exclusiveEndTime:2019-09-17T00:00:00.000Z,bucket:\"aws-export\",prefix:\"journalExport/\",objectEncryptionType:\"NO_ENCRYPTION\"}"));
        bucket.Replace(Bucket, DataKey, Encoding.UTF8.GetBytes(blockText + "\n"));
        bucket.Replace(Bucket, Prefix + ExportId + "." + StrandId + ".completed.manifest", Encoding.UTF8.GetBytes("{keys:[\"" + DataKey + "\"]}"));
        return bucket;
    }
}
