using System.Text;
using Ledger.Engine.Exports;
using Ledger.Engine.Imports;
using Ledger.Engine.InMemory;
using Ledger.Engine.Ports;
using Ledger.Engine.Tests.Exports;
using Ledger.Ion;
using Ledger.Journal.Model;
using Ledger.Journal.Verification;

namespace Ledger.Engine.Tests.Imports;

public sealed class JournalImporterTests
{
    private const string Bucket = "exports";
    private const string Prefix = "journal/";

    [Theory]
    [InlineData(JournalExportFormat.IonText)]
    [InlineData(JournalExportFormat.IonBinary)]
    public async Task Export_then_import_into_a_new_ledger_keeps_every_block_hash_so_the_old_digests_and_proofs_verify(JournalExportFormat format)
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE Person");
        await fixture.RunAsync("CREATE INDEX ON Person (name)");
        await fixture.RunAsync("CREATE TABLE Car");
        for (var i = 0; i < 12; i++)
        {
            await fixture.RunAsync($"INSERT INTO Person {{'name': 'p{i}', 'n': {i}}}", $"INSERT INTO Car {{'vin': 'v{i}'}}");
        }

        await fixture.RunAsync("UPDATE Person AS p SET p.n = 100 WHERE p.name = 'p3'");
        await fixture.RunAsync("DELETE FROM Car AS c WHERE c.vin = 'v5'");
        var sourceDigest = await fixture.Engine.GetLedgerDigestAsync(fixture.LedgerName);
        var (bucket, exportId) = await ExportAllAsync(fixture, format);

        var importer = new JournalImporter(fixture.Ports);
        var imported = await importer.ImportAsync(bucket, new ImportRequest("imported", Bucket, Prefix, exportId, DeletionProtection: false));

        // The same digest at the same tip: every digest QLDB (here: the source) issued verifies.
        Assert.Equal(sourceDigest.Digest, imported.Digest);
        var importedDigest = await fixture.Engine.GetLedgerDigestAsync("imported");
        Assert.Equal(sourceDigest.Digest, importedDigest.Digest);
        Assert.Equal(sourceDigest.Tip, importedDigest.Tip);
        var block = await fixture.Engine.GetBlockAsync("imported", new BlockAddress(sourceDigest.Tip.StrandId, 7), sourceDigest.Tip);
        Assert.True(JournalVerifier.VerifyBlock(block.Block, block.Proof!, sourceDigest).IsValid);

        // The catalog came from transactionInfo.documents (no index: exports do not carry index definitions).
        Assert.Equal(["Car", "Person"], imported.Tables.Select(t => t.Name).Order());
        Assert.All(imported.Tables, t => Assert.Empty(t.Indexes));

        // Committed and history views work, and new transactions continue the chain.
        Assert.Equal([IonInt.Of(100)], await QueryAsync(fixture, "imported", "SELECT VALUE p.n FROM Person AS p WHERE p.name = 'p3'"));
        Assert.Equal(11, (await QueryAsync(fixture, "imported", "SELECT * FROM Car")).Count);
        Assert.Equal(2, (await QueryAsync(fixture, "imported", "SELECT * FROM history(Person) AS h WHERE h.data.name = 'p3'")).Count);
        await QueryAsync(fixture, "imported", "INSERT INTO Person {'name': 'after-import'}");
        var after = await fixture.Engine.GetLedgerDigestAsync("imported");
        Assert.Equal(sourceDigest.Tip.SequenceNo + 1, after.Tip.SequenceNo);
        var next = await fixture.Engine.GetBlockAsync("imported", after.Tip, null);
        Assert.Equal(block.Block.BlockAddress.StrandId, next.Block.BlockAddress.StrandId);
        var last = await fixture.Engine.GetBlockAsync("imported", sourceDigest.Tip, null);
        Assert.Equal(last.Block.BlockHash, next.Block.Hashes.PreviousBlockHash);
    }

    [Fact]
    public async Task A_10000_block_export_imports_with_the_same_digest()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (strandId, start, end) = await JournalExportsTests.WriteJournalAsync(fixture, 10_000, TimeSpan.FromSeconds(2));
        var digest = await JournalExportsTests.DigestAsync(fixture, strandId, 10_000);
        var (bucket, exportId) = await JournalExportsTests.ExportOnceAsync(fixture, start, end, JournalExportFormat.IonBinary);

        var imported = await new JournalImporter(fixture.Ports).ImportAsync(bucket, new ImportRequest("imported", Bucket, Prefix, exportId));

        Assert.Equal(10_000, imported.Blocks);
        Assert.Equal(digest.Digest, imported.Digest);
        Assert.Equal(digest, await fixture.Engine.GetLedgerDigestAsync("imported"));
    }

    [Fact]
    public async Task A_tampered_export_is_refused_naming_the_block_and_no_ledger_is_created()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE Person");
        for (var i = 0; i < 5; i++)
        {
            await fixture.RunAsync($"INSERT INTO Person {{'name': 'person-{i}'}}");
        }

        var (bucket, exportId) = await ExportAllAsync(fixture, JournalExportFormat.IonText);
        var key = (await ExportReader.ReadManifestsAsync(bucket, Bucket, Prefix, exportId)).Keys[0];
        var text = Encoding.UTF8.GetString((await bucket.GetObjectAsync(Bucket, key))!.Value.Span);
        bucket.Replace(Bucket, key, Encoding.UTF8.GetBytes(text.Replace("person-3", "person-X", StringComparison.Ordinal)));

        var refused = await Assert.ThrowsAsync<JournalImportException>(() => new JournalImporter(fixture.Ports).ImportAsync(bucket, new ImportRequest("imported", Bucket, Prefix, exportId)));

        Assert.Equal(4, refused.FailedBlock!.SequenceNo);
        Assert.Equal(key, refused.FailedKey);
        Assert.Contains("block 4", refused.Message, StringComparison.Ordinal);
        Assert.Null(await fixture.Ports.Ledgers.GetAsync("imported"));
    }

    [Fact]
    public async Task Json_exports_partial_exports_and_taken_names_are_refused()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE Person");
        await fixture.RunAsync("INSERT INTO Person {'name': 'a'}");
        var importer = new JournalImporter(fixture.Ports);

        var (json, jsonId) = await ExportAllAsync(fixture, JournalExportFormat.Json);
        var refused = await Assert.ThrowsAsync<JournalImportException>(() => importer.ImportAsync(json, new ImportRequest("imported", Bucket, Prefix, jsonId)));
        Assert.Contains("JSON", refused.Message, StringComparison.Ordinal);

        var (ion, ionId) = await ExportAllAsync(fixture, JournalExportFormat.IonText);
        await Assert.ThrowsAsync<Errors.ResourceAlreadyExistsException>(() => importer.ImportAsync(ion, new ImportRequest(fixture.LedgerName, Bucket, Prefix, ionId)));
        var missing = await Assert.ThrowsAsync<JournalImportException>(() => importer.ImportAsync(ion, new ImportRequest("imported", Bucket, "elsewhere/")));
        Assert.Contains("No completed manifest", missing.Message, StringComparison.Ordinal);
    }

    private static async Task<(InMemoryExportBucket Bucket, string ExportId)> ExportAllAsync(EngineFixture fixture, JournalExportFormat format)
    {
        var ledger = await fixture.Engine.DescribeLedgerAsync(fixture.LedgerName);
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var end = fixture.Clock.GetUtcNow();
        fixture.Clock.Advance(JournalExports.CompletionGrace);
        var exports = new JournalExports(new InMemoryJournalExportStore(), fixture.Ports, fixture.Clock);
        var bucket = new InMemoryExportBucket();
        var export = await exports.ExportAsync(new ExportRequest(fixture.LedgerName, ledger.CreationDateTime, end, Bucket, Prefix, OutputFormat: format));
        Assert.Equal(JournalExportStatus.Completed, (await exports.RunAsync(export, bucket)).Status);
        return (bucket, export.ExportId);
    }

    private static async Task<IReadOnlyList<IonValue>> QueryAsync(EngineFixture fixture, string ledgerName, string statement)
    {
        var session = await fixture.Engine.StartSessionAsync(ledgerName);
        var transactionId = await fixture.Engine.StartTransactionAsync(session);
        var page = await fixture.Engine.ExecuteStatementAsync(session, transactionId, statement);
        await fixture.Engine.CommitTransactionAsync(session, transactionId, EngineFixture.DriverDigest(transactionId, (statement, [])));
        await fixture.Engine.EndSessionAsync(session);
        return page.Values;
    }
}
