using System.Text;
using Ledger.Engine.Errors;
using Ledger.Engine.Exports;
using Ledger.Engine.InMemory;
using Ledger.Engine.Ports;
using Ledger.Journal.Model;
using Ledger.Journal.Tree;
using Ledger.Tests.Shared;

namespace Ledger.Engine.Tests.Exports;

public sealed class JournalExportsTests
{
    private const string Bucket = "exports";
    private const string Prefix = "journal/";

    [Theory]
    [InlineData(JournalExportFormat.IonText)]
    [InlineData(JournalExportFormat.IonBinary)]
    [InlineData(JournalExportFormat.Json)]
    public async Task A_ledger_of_10000_blocks_exports_and_the_export_verifies_offline_against_the_digest(JournalExportFormat format)
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (strandId, start, end) = await WriteJournalAsync(fixture, 10_000, TimeSpan.FromSeconds(2));
        var digest = await DigestAsync(fixture, strandId, 10_000);
        var (exports, bucket) = Service(fixture);

        var export = await exports.ExportAsync(Request(fixture, start, end, format));
        var progress = new ProgressLog();
        var pass = await exports.RunAsync(export, bucket, progress);

        Assert.Equal(JournalExportStatus.Completed, pass.Status);
        var described = await exports.DescribeAsync(fixture.LedgerName, export.ExportId);
        Assert.Equal(JournalExportStatus.Completed, described.Status);
        Assert.Equal(10_000, described.NextSequenceNo);
        Assert.Equal(described.Keys.Count, progress.Reports.Count);
        Assert.Equal(10_000, progress.Reports[^1].NextSequenceNo);

        var manifests = await ExportReader.ReadManifestsAsync(bucket, Bucket, Prefix, export.ExportId);
        Assert.Equal(described.Keys, manifests.Keys);
        Assert.Equal(strandId, manifests.StrandId);
        var extension = format is JournalExportFormat.Json ? ".json" : ".ion";
        Assert.All(manifests.Keys, k => Assert.Matches($"^journal/2026/11/22/0[4-9]/{strandId}\\.[0-9]+-[0-9]+\\{extension}$", k));
        Assert.Equal($"{Prefix}2026/11/22/04/{strandId}.0-999{extension}", manifests.Keys[0]);
        Assert.Equal(format.ToString() switch { "IonText" => "ION_TEXT", "IonBinary" => "ION_BINARY", _ => "JSON" }, manifests.Started!["outputFormat"]!.ToString().Trim('"'));
        Assert.Equal(fixture.LedgerName, manifests.Started!["ledgerName"]!.ToString().Trim('"'));

        var verification = await ExportVerifier.VerifyAsync(bucket, Bucket, Prefix, export.ExportId, digest);
        Assert.True(verification.IsValid, verification.ToString());
        Assert.Equal(10_000, verification.BlocksVerified);
        Assert.True(verification.DigestChecked);
        Assert.Equal(format is not JournalExportFormat.Json, verification.RevisionHashesChecked);
    }

    [Fact]
    public async Task Only_blocks_committed_in_the_time_range_are_exported_and_objects_never_span_an_hour()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (strandId, start, _) = await WriteJournalAsync(fixture, 50, TimeSpan.FromMinutes(3));
        var (exports, bucket) = Service(fixture);

        // Blocks 10 (start+30m) to 39 (start+117m); block 40 sits exactly on the exclusive end.
        var export = await exports.ExportAsync(Request(fixture, start + TimeSpan.FromMinutes(29), start + TimeSpan.FromMinutes(120), JournalExportFormat.IonText));
        Assert.Equal(JournalExportStatus.Completed, (await exports.RunAsync(export, bucket)).Status);

        var keys = (await ExportReader.ReadManifestsAsync(bucket, Bucket, Prefix, export.ExportId)).Keys;
        Assert.Equal([$"{Prefix}2026/11/22/04/{strandId}.10-19.ion", $"{Prefix}2026/11/22/05/{strandId}.20-39.ion"], keys);
        var verification = await ExportVerifier.VerifyAsync(bucket, Bucket, Prefix, export.ExportId);
        Assert.True(verification.IsValid, verification.ToString());
        Assert.Equal(10, verification.FirstBlock!.SequenceNo);
        Assert.Equal(39, verification.LastBlock!.SequenceNo);

        // A digest needs the whole journal from block 0.
        var withDigest = await ExportVerifier.VerifyAsync(bucket, Bucket, Prefix, export.ExportId, await DigestAsync(fixture, strandId, 50));
        Assert.False(withDigest.IsValid);
        Assert.Contains("start at block 0", withDigest.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_killed_midway_and_restarted_produces_the_same_completed_export()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (_, start, end) = await WriteJournalAsync(fixture, 10_000, TimeSpan.FromSeconds(2));
        var store = new InMemoryJournalExportStore();
        var reference = await ExportOnceAsync(fixture, start, end);

        // The destination dies after the started manifest and four data objects.
        var bucket = new InMemoryExportBucket { FailAfterPuts = 5 };
        var exports = new JournalExports(store, fixture.Ports, fixture.Clock);
        var export = await exports.ExportAsync(Request(fixture, start, end, JournalExportFormat.IonText));
        var killed = await exports.RunAsync(export, bucket);
        Assert.Equal(JournalExportStatus.InProgress, killed.Status);
        Assert.Equal(3600, killed.NextSequenceNo); // 0-999, 1000-1799 (the hour ends), 1800-2799, 2800-3599

        // A new worker (fresh service over the same durable store) finishes it.
        bucket.FailAfterPuts = null;
        var restarted = new JournalExports(store, fixture.Ports, fixture.Clock);
        Assert.Equal(JournalExportStatus.Completed, Assert.Single(await restarted.RunAllAsync(bucket)).Status);

        await AssertSameExportAsync(reference.Bucket, reference.ExportId, bucket, export.ExportId);
        Assert.True((await ExportVerifier.VerifyAsync(bucket, Bucket, Prefix, export.ExportId)).IsValid);
    }

    [Fact]
    public async Task A_worker_that_dies_between_writing_an_object_and_saving_its_checkpoint_rewrites_the_same_object()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (_, start, end) = await WriteJournalAsync(fixture, 3_500, TimeSpan.FromSeconds(2));
        var reference = await ExportOnceAsync(fixture, start, end);
        var store = new InMemoryJournalExportStore();
        var bucket = new InMemoryExportBucket();

        // Updates: started manifest, start located, object 1; the fourth (object 2's checkpoint) dies with the process.
        var dying = new DyingExportStore(store, updatesBeforeDeath: 3);
        var export = await new JournalExports(dying, fixture.Ports, fixture.Clock).ExportAsync(Request(fixture, start, end, JournalExportFormat.IonText));
        await Assert.ThrowsAsync<IOException>(() => new JournalExports(dying, fixture.Ports, fixture.Clock).RunAsync(export, bucket));
        Assert.Equal(1000, (await store.GetAsync(fixture.LedgerName, export.ExportId))!.NextSequenceNo);

        var results = await new JournalExports(store, fixture.Ports, fixture.Clock).RunAllAsync(bucket);
        Assert.Equal(JournalExportStatus.Completed, Assert.Single(results).Status);
        await AssertSameExportAsync(reference.Bucket, reference.ExportId, bucket, export.ExportId);
    }

    [Fact]
    public async Task Verification_of_a_tampered_export_fails_and_names_the_block()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (strandId, start, end) = await WriteJournalAsync(fixture, 1_500, TimeSpan.FromSeconds(2));
        var reference = await ExportOnceAsync(fixture, start, end);
        var key = (await ExportReader.ReadManifestsAsync(reference.Bucket, Bucket, Prefix, reference.ExportId)).Keys[1];
        var text = Encoding.UTF8.GetString((await reference.Bucket.GetObjectAsync(Bucket, key))!.Value.Span);

        reference.Bucket.Replace(Bucket, key, Encoding.UTF8.GetBytes(text.Replace("VIN00000000001234", "VIN00000000004321", StringComparison.Ordinal)));
        var verification = await ExportVerifier.VerifyAsync(reference.Bucket, Bucket, Prefix, reference.ExportId);

        Assert.False(verification.IsValid);
        Assert.Equal(new BlockAddress(strandId, 1234), verification.FailedBlock);
        Assert.Equal(key, verification.FailedKey);
        Assert.Contains("block 1234", verification.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verification_catches_a_missing_object_and_a_broken_chain()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (strandId, start, end) = await WriteJournalAsync(fixture, 2_500, TimeSpan.FromSeconds(2));
        var reference = await ExportOnceAsync(fixture, start, end);
        var keys = (await ExportReader.ReadManifestsAsync(reference.Bucket, Bucket, Prefix, reference.ExportId)).Keys;

        // The completed manifest without its second object (1000-1799, cut at the hour): block 1800 follows block 999.
        var manifestKey = ExportObjects.CompletedManifestKey(Prefix, reference.ExportId, strandId);
        reference.Bucket.Replace(Bucket, manifestKey, ExportObjects.EncodeManifest(ExportObjects.CompletedManifest([keys[0], keys[2]]), JournalExportFormat.IonText));
        var gap = await ExportVerifier.VerifyAsync(reference.Bucket, Bucket, Prefix, reference.ExportId);
        Assert.Equal(1800, gap.FailedBlock!.SequenceNo);
        Assert.Contains("follows block 999", gap.Failure!.Message, StringComparison.Ordinal);

        // A manifest naming an object that is not there.
        reference.Bucket.Replace(Bucket, manifestKey, ExportObjects.EncodeManifest(ExportObjects.CompletedManifest([keys[0], keys[1] + ".gone"]), JournalExportFormat.IonText));
        var missing = await ExportVerifier.VerifyAsync(reference.Bucket, Bucket, Prefix, reference.ExportId);
        Assert.False(missing.IsValid, missing.ToString());
        Assert.True(missing.FailedBlock is not null, missing.ToString());
        Assert.Equal(1000, missing.FailedBlock!.SequenceNo);
        Assert.Contains("does not exist", missing.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_most_two_exports_run_at_once_per_ledger_and_requests_are_validated()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (_, start, end) = await WriteJournalAsync(fixture, 10, TimeSpan.FromSeconds(2));
        var (exports, bucket) = Service(fixture);
        var now = end;

        var first = await exports.ExportAsync(Request(fixture, start, now, null));
        await exports.ExportAsync(Request(fixture, start, now, JournalExportFormat.Json));
        await Assert.ThrowsAsync<LimitExceededException>(() => exports.ExportAsync(Request(fixture, start, now, null)));

        await exports.RunAsync(first, bucket);
        var third = await exports.ExportAsync(Request(fixture, start, now, null));
        Assert.Equal(JournalExportStatus.InProgress, third.Status);
        Assert.Equal(3, (await exports.ListForLedgerAsync(fixture.LedgerName)).Exports.Count);
        var page = await exports.ListAllAsync(maxResults: 2);
        Assert.Equal(2, page.Exports.Count);
        Assert.Single((await exports.ListAllAsync(maxResults: 2, nextToken: page.NextToken)).Exports);

        // The started manifest of an export without OutputFormat omits it (ION_TEXT by default).
        var started = ExportObjects.DecodeManifest((await bucket.GetObjectAsync(Bucket, ExportObjects.StartedManifestKey(Prefix, first.ExportId)))!.Value.Span);
        Assert.Null(started["outputFormat"]);

        await Assert.ThrowsAsync<InvalidParameterException>(() => exports.ExportAsync(Request(fixture, start, fixture.Clock.GetUtcNow() + TimeSpan.FromMinutes(1), null)));
        await Assert.ThrowsAsync<InvalidParameterException>(() => exports.ExportAsync(Request(fixture, now, start, null)));
        await Assert.ThrowsAsync<InvalidParameterException>(() => exports.ExportAsync(Request(fixture, start, now, null) with { Bucket = "Not_A_Container" }));
        await Assert.ThrowsAsync<InvalidParameterException>(() => exports.ExportAsync(Request(fixture, start, now, null) with { EncryptionType = "SSE_KMS" }));
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => exports.DescribeAsync(fixture.LedgerName, "noSuchExport0000000000"));

        // Completed exports expire after seven days.
        fixture.Clock.Advance(TimeSpan.FromDays(8));
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => exports.DescribeAsync(fixture.LedgerName, first.ExportId));
    }

    internal static async Task<(string StrandId, DateTimeOffset Start, DateTimeOffset End)> WriteJournalAsync(EngineFixture fixture, int blocks, TimeSpan spacing)
    {
        var ledger = await fixture.Engine.DescribeLedgerAsync(fixture.LedgerName);
        var start = fixture.Clock.GetUtcNow();
        await SyntheticJournal.AppendAsync(fixture.Ports.Journal, fixture.LedgerName, ledger.StrandId, blocks, start, spacing, payloadBytes: 600);
        fixture.Clock.Advance((spacing * blocks) + JournalExports.CompletionGrace);
        return (ledger.StrandId, start, start + (spacing * blocks));
    }

    internal static async Task<LedgerDigest> DigestAsync(EngineFixture fixture, string strandId, long size) =>
        new(await JournalProofBuilder.DigestAsync(fixture.Ports.Journal.Nodes(fixture.LedgerName), size), new BlockAddress(strandId, size - 1));

    internal static ExportRequest Request(EngineFixture fixture, DateTimeOffset start, DateTimeOffset end, JournalExportFormat? format) =>
        new(fixture.LedgerName, start, end, Bucket, Prefix, OutputFormat: format);

    internal static async Task<(InMemoryExportBucket Bucket, string ExportId)> ExportOnceAsync(EngineFixture fixture, DateTimeOffset start, DateTimeOffset end, JournalExportFormat format = JournalExportFormat.IonText)
    {
        var (exports, bucket) = Service(fixture);
        var export = await exports.ExportAsync(Request(fixture, start, end, format));
        Assert.Equal(JournalExportStatus.Completed, (await exports.RunAsync(export, bucket)).Status);
        return (bucket, export.ExportId);
    }

    private static (JournalExports Exports, InMemoryExportBucket Bucket) Service(EngineFixture fixture) =>
        (new JournalExports(new InMemoryJournalExportStore(), fixture.Ports, fixture.Clock), new InMemoryExportBucket());

    private static async Task AssertSameExportAsync(InMemoryExportBucket expectedBucket, string expectedId, InMemoryExportBucket actualBucket, string actualId)
    {
        var expected = await ExportReader.ReadManifestsAsync(expectedBucket, Bucket, Prefix, expectedId);
        var actual = await ExportReader.ReadManifestsAsync(actualBucket, Bucket, Prefix, actualId);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var key in expected.Keys)
        {
            var expectedBytes = (await expectedBucket.GetObjectAsync(Bucket, key))!.Value;
            var actualBytes = (await actualBucket.GetObjectAsync(Bucket, key))!.Value;
            Assert.True(expectedBytes.Span.SequenceEqual(actualBytes.Span), key);
        }
    }

    private sealed class ProgressLog : IProgress<ExportProgress>
    {
        public List<ExportProgress> Reports { get; } = [];

        public void Report(ExportProgress value) => Reports.Add(value);
    }

    // Passes updates through until the given number, then throws as a process dying mid-write would.
    private sealed class DyingExportStore(IJournalExportStore inner, int updatesBeforeDeath) : IJournalExportStore
    {
        private int _updates;

        public ValueTask<bool> TryCreateAsync(JournalExportRecord export, CancellationToken cancellationToken = default) => inner.TryCreateAsync(export, cancellationToken);

        public ValueTask<JournalExportRecord?> GetAsync(string ledgerName, string exportId, CancellationToken cancellationToken = default) => inner.GetAsync(ledgerName, exportId, cancellationToken);

        public ValueTask<IReadOnlyList<JournalExportRecord>> ListAsync(string ledgerName, CancellationToken cancellationToken = default) => inner.ListAsync(ledgerName, cancellationToken);

        public ValueTask<bool> TryUpdateAsync(JournalExportRecord export, CancellationToken cancellationToken = default) =>
            ++_updates > updatesBeforeDeath ? throw new IOException("The worker process died.") : inner.TryUpdateAsync(export, cancellationToken);
    }
}
