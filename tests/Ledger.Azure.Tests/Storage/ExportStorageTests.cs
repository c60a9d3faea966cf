using System.Diagnostics;
using Ledger.Azure.Blobs;
using Ledger.Azure.Storage;
using Ledger.Azure.Tests.Infrastructure;
using Ledger.Engine;
using Ledger.Engine.Exports;
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
