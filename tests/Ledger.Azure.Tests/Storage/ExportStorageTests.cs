using System.Diagnostics;
using Ledger.Azure.Blobs;
using Ledger.Azure.Storage;
using Ledger.Azure.Tests.Infrastructure;
using Ledger.Engine;
using Ledger.Engine.Exports;
using Ledger.Engine.Imports;
using Ledger.Engine.Ports;
using Ledger.Journal.Model;
using Ledger.Journal.Tree;
using Ledger.Tests.Shared;
using Xunit.Abstractions;

namespace Ledger.Azure.Tests.Storage;

/// <summary>Exports from a journal in Azure Table into Blob containers, checkpointed in Azure Table, on the real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ExportStorageTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Prefix = "journal/";
    private readonly AzureStorageOptions _options = new(AzuriteFixture.UniqueName("x"));
    private readonly string _container = AzuriteFixture.UniqueName("export-");
    private readonly DateTimeOffset _start = new(2026, 11, 22, 4, 0, 0, TimeSpan.Zero);

    public async Task InitializeAsync() => await new BlobServiceClient(azurite.Connection).GetBlobContainerClient(_container).CreateIfNotExistsAsync();

    public async Task DisposeAsync()
    {
        await new BlobServiceClient(azurite.Connection).GetBlobContainerClient(_container).DeleteIfExistsAsync();
        await new TableJournalExportStore(azurite.Connection, _options).DeleteTableAsync();
        await AzureEnginePorts.DeleteAllAsync(azurite.Connection, _options);
    }

    [Fact]
    public async Task A_10000_block_journal_in_table_storage_exports_to_blobs_in_all_three_formats_and_verifies_offline()
    {
        var (ports, ledger) = await LedgerAsync(10_000);
        var digest = new LedgerDigest(await JournalProofBuilder.DigestAsync(ports.Journal.Nodes(ledger.Name), 10_000), new BlockAddress(ledger.StrandId, 9_999));
        var target = new BlobExportTarget(azurite.Connection);
        var exports = new JournalExports(new TableJournalExportStore(azurite.Connection, _options), ports, Clock());

        foreach (var format in new[] { JournalExportFormat.IonText, JournalExportFormat.IonBinary, JournalExportFormat.Json })
        {
            var watch = Stopwatch.StartNew();
            var export = await exports.ExportAsync(Request(ledger.Name, format, Prefix + format + "/"));
            var pass = await exports.RunAsync(export, target);
            Assert.Equal(JournalExportStatus.Completed, pass.Status);
            output.WriteLine($"{format}: {pass.BytesWritten / 1e6:F1} MB in {watch.Elapsed.TotalSeconds:F1} s");

            var described = await exports.DescribeAsync(ledger.Name, export.ExportId);
            Assert.Equal(JournalExportStatus.Completed, described.Status);
            var verification = await ExportVerifier.VerifyAsync(target, _container, Prefix + format + "/", export.ExportId, digest);
            Assert.True(verification.IsValid, verification.ToString());
            Assert.Equal(10_000, verification.BlocksVerified);
            Assert.Equal(described.Keys, (await ExportReader.ReadManifestsAsync(target, _container, Prefix + format + "/", export.ExportId)).Keys);
        }
    }

    [Fact]
    public async Task An_export_worker_killed_midway_and_restarted_produces_the_same_completed_export()
    {
        var (ports, ledger) = await LedgerAsync(2_500);
        var target = new BlobExportTarget(azurite.Connection);
        var reference = new JournalExports(new TableJournalExportStore(azurite.Connection, _options), ports, Clock());
        var uninterrupted = await reference.ExportAsync(Request(ledger.Name, JournalExportFormat.IonBinary, "whole/"));
        Assert.Equal(JournalExportStatus.Completed, (await reference.RunAsync(uninterrupted, target)).Status);

        // The worker dies after the started manifest and two objects: the process (and its services) are gone.
        var exports = new JournalExports(new TableJournalExportStore(azurite.Connection, _options), ports, Clock());
        var export = await exports.ExportAsync(Request(ledger.Name, JournalExportFormat.IonBinary, "killed/"));
        var killed = await exports.RunAsync(export, new DyingTarget(target, puts: 3));
        Assert.Equal(JournalExportStatus.InProgress, killed.Status);
        Assert.Equal(1800, killed.NextSequenceNo);

        var restarted = new JournalExports(new TableJournalExportStore(azurite.Connection, _options), ports, Clock());
        var results = await restarted.RunAllAsync(target);
        Assert.Equal(JournalExportStatus.Completed, Assert.Single(results, r => r.ExportId == export.ExportId).Status);

        var expected = await ExportReader.ReadManifestsAsync(target, _container, "whole/", uninterrupted.ExportId);
        var actual = await ExportReader.ReadManifestsAsync(target, _container, "killed/", export.ExportId);
        Assert.Equal(expected.Keys.Select(k => k["whole/".Length..]), actual.Keys.Select(k => k["killed/".Length..]));
        for (var i = 0; i < expected.Keys.Count; i++)
        {
            var a = (await target.GetObjectAsync(_container, expected.Keys[i]))!.Value;
            var b = (await target.GetObjectAsync(_container, actual.Keys[i]))!.Value;
            Assert.True(a.Span.SequenceEqual(b.Span), actual.Keys[i]);
        }

        Assert.True((await ExportVerifier.VerifyAsync(target, _container, "killed/", export.ExportId)).IsValid);
    }

    [Fact]
    public async Task An_export_to_a_container_that_does_not_exist_is_cancelled()
    {
        var (ports, ledger) = await LedgerAsync(3);
        var exports = new JournalExports(new TableJournalExportStore(azurite.Connection, _options), ports, Clock());
        var export = await exports.ExportAsync(Request(ledger.Name, null, Prefix) with { Bucket = AzuriteFixture.UniqueName("missing-") });
        Assert.Equal(JournalExportStatus.Cancelled, (await exports.RunAsync(export, new BlobExportTarget(azurite.Connection))).Status);
        Assert.Equal(JournalExportStatus.Cancelled, (await exports.DescribeAsync(ledger.Name, export.ExportId)).Status);
    }

    [Fact]
    public async Task Export_then_import_into_a_new_ledger_on_azure_gives_identical_digests_and_a_tampered_export_is_refused()
    {
        var (ports, ledger) = await LedgerAsync(1_200);
        var target = new BlobExportTarget(azurite.Connection);
        var exports = new JournalExports(new TableJournalExportStore(azurite.Connection, _options), ports, Clock());
        var export = await exports.ExportAsync(Request(ledger.Name, JournalExportFormat.IonText, Prefix));
        Assert.Equal(JournalExportStatus.Completed, (await exports.RunAsync(export, target)).Status);

        var importer = new JournalImporter(ports);
        var imported = await importer.ImportAsync(target, new ImportRequest(ledger.Name + "i", _container, Prefix, export.ExportId));
        var source = await JournalProofBuilder.DigestAsync(ports.Journal.Nodes(ledger.Name), 1_200);
        Assert.Equal(source, imported.Digest);
        Assert.Equal(source, await JournalProofBuilder.DigestAsync(ports.Journal.Nodes(ledger.Name + "i"), 1_200));
        await using (var engine = new LedgerEngine(ports, Clock()))
        {
            var digest = await engine.GetLedgerDigestAsync(ledger.Name + "i");
            Assert.Equal(source, digest.Digest);
            Assert.Equal(new BlockAddress(ledger.StrandId, 1_199), digest.Tip);

            // The catalog rebuilt from transactionInfo.documents serves queries; an index can be added afterwards.
            const string Query = "SELECT VALUE v.Year FROM Vehicle AS v WHERE v.VIN = 'VIN00000000000007'";
            Assert.Single(await SampleJournal.RunAsync(engine, ledger.Name + "i", Query));
            await SampleJournal.RunAsync(engine, ledger.Name + "i", "CREATE INDEX ON Vehicle (VIN)");
            Assert.Single(await SampleJournal.RunAsync(engine, ledger.Name + "i", Query));
        }

        // One revision's data changed in the second object (blocks 1000-1199): refused, naming the block.
        var key = (await ExportReader.ReadManifestsAsync(target, _container, Prefix, export.ExportId)).Keys[1];
        var text = System.Text.Encoding.UTF8.GetString((await target.GetObjectAsync(_container, key))!.Value.Span);
        await target.PutObjectAsync(_container, key, System.Text.Encoding.UTF8.GetBytes(text.Replace("VIN00000000001100", "VIN00000000001101", StringComparison.Ordinal)), "text/x-amzn-ion");
        var refused = await Assert.ThrowsAsync<JournalImportException>(() => importer.ImportAsync(target, new ImportRequest(ledger.Name + "t", _container, Prefix, export.ExportId)));
        Assert.Equal(1100, refused.FailedBlock!.SequenceNo);
        Assert.Contains("block 1100", refused.Message, StringComparison.Ordinal);
        Assert.Null(await ports.Ledgers.GetAsync(ledger.Name + "t"));
    }

    private async Task<(EnginePorts Ports, LedgerRecord Ledger)> LedgerAsync(int blocks)
    {
        var ports = await AzureEnginePorts.CreateAsync(azurite.Connection, Clock(), _options);
        var name = AzuriteFixture.UniqueName("l");
        var ledger = new LedgerRecord(name, LedgerState.Active, _start, "ALLOW_ALL", false, "KmA3ZZca7vAIiJAK9S5Iwl");
        Assert.True(await ports.Ledgers.TryCreateAsync(ledger));
        await SyntheticJournal.AppendAsync(ports.Journal, name, ledger.StrandId, blocks, _start, TimeSpan.FromSeconds(2), payloadBytes: 600);
        return (ports, ledger);
    }

    private ExportRequest Request(string ledgerName, JournalExportFormat? format, string prefix) =>
        new(ledgerName, _start, _start + TimeSpan.FromHours(6), _container, prefix, OutputFormat: format);

    private FixedClock Clock() => new(_start + TimeSpan.FromHours(7));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    // Lets a number of puts through, then fails every put as a killed worker would stop writing.
    private sealed class DyingTarget(IExportTarget inner, int puts) : IExportTarget
    {
        private int _left = puts;

        public ValueTask PutObjectAsync(string bucket, string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken = default) =>
            Interlocked.Decrement(ref _left) >= 0
                ? inner.PutObjectAsync(bucket, key, content, contentType, cancellationToken)
                : throw new ExportTargetException("The worker was killed.");
    }
}
