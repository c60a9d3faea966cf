using System.Globalization;
using Ledger.Azure.Blobs;
using Ledger.Azure.Core;
using Ledger.Azure.Storage;
using Ledger.Ion;

namespace Ledger.Cli.Tests;

/// <summary>export, verify-export, import and verify against the real handler on in-memory storage.</summary>
public sealed class JournalCommandTests : IAsyncLifetime
{
    private const string Bucket = "exports";
    private LocalHandler _handler = null!;
    private string _folder = null!;

    public async Task InitializeAsync()
    {
        _handler = await LocalHandler.StartAsync();
        _folder = Path.Combine(Path.GetTempPath(), $"cli-export-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder);
    }

    public async Task DisposeAsync()
    {
        await _handler.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task An_export_verifies_offline_fails_when_a_byte_is_tampered_and_imports_with_the_same_digest()
    {
        var (ledger, exportId, digest, digestFile) = await ExportAndDownloadAsync("p1/");

        var verified = await Cli.RunAsync(["verify-export", "--folder", _folder, "--prefix", "p1/", "--digest-file", digestFile]);
        Assert.True(verified.ExitCode == 0, verified.Stderr);
        Assert.StartsWith($"Verified: valid: export {exportId}", verified.Stdout, StringComparison.Ordinal);
        Assert.Contains("digest matches", verified.Stdout, StringComparison.Ordinal);
        Assert.Contains("verify-export: p1/", verified.Stderr, StringComparison.Ordinal);
        if (Terminal.Available)
        {
            // On a terminal the same verification draws a Spectre.Console progress bar on stderr.
            var (exitCode, screen) = await Terminal.RunAsync($"verify-export --folder {_folder} --prefix p1/", []);
            Assert.True(exitCode == 0, screen);
            Assert.True(screen.Contains("100%", StringComparison.Ordinal), screen);
        }

        var imported = await Cli.RunAsync(["import", ledger + "copy", "--endpoint", _handler.Endpoint, "--bucket", Bucket, "--prefix", "p1/"]);
        Assert.True(imported.ExitCode == 0, imported.Stderr);
        Assert.Equal(IonText.Parse(digest.Stdout), IonText.Parse(imported.Stdout));
        var importedDigest = await Cli.RunAsync(["digest", "--endpoint", _handler.Endpoint, "--ledger", ledger + "copy"]);
        Assert.Equal(IonText.Parse(digest.Stdout), IonText.Parse(importedDigest.Stdout));

        var data = DataObject();
        await File.WriteAllBytesAsync(data, Tamper(await File.ReadAllBytesAsync(data)));

        var tampered = await Cli.RunAsync(["verify-export", "--folder", _folder, "--prefix", "p1/"]);

        Assert.Equal(1, tampered.ExitCode);
        var failure = Assert.Single(tampered.Stderr.TrimEnd().Split('\n'), l => l.StartsWith("Verification failed: ", StringComparison.Ordinal));
        Assert.Matches(@"\[block [^/\]]+/\d+\] in p1/\d{4}/\d\d/\d\d/\d\d/", failure);
        Assert.Empty(tampered.Stdout);
    }

    [Fact]
    public async Task Import_of_a_tampered_export_exits_one_naming_the_block_and_creates_no_ledger()
    {
        var (_, _, _, _) = await ExportAndDownloadAsync("bad/");
        var data = DataObject();
        var key = Path.GetRelativePath(_folder, data).Replace(Path.DirectorySeparatorChar, '/');
        _handler.ExportBucket.Replace(Bucket, key, Tamper(await File.ReadAllBytesAsync(data)));
        var name = "cliimport" + Guid.NewGuid().ToString("N")[..8];

        var run = await Cli.RunAsync(["import", name, "--endpoint", _handler.Endpoint, "--bucket", Bucket, "--prefix", "bad/"]);

        Assert.Equal(1, run.ExitCode);
        var error = Assert.Single(run.Stderr.TrimEnd().Split('\n'), l => l.StartsWith("InvalidParameterException: ", StringComparison.Ordinal));
        Assert.Contains("block", error, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
        // The handler verifies before it creates anything.
        Assert.StartsWith("ResourceNotFoundException: ", (await Cli.RunAsync(["digest", "--endpoint", _handler.Endpoint, "--ledger", name])).Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ION_BINARY", "digest matches")]
    [InlineData("JSON", "revision hashes not recomputable (JSON)")]
    public async Task Binary_and_json_exports_verify_against_the_digest(string format, string note)
    {
        var (_, exportId, _, digestFile) = await ExportAndDownloadAsync("fmt/", format);

        var verified = await Cli.RunAsync(["verify-export", "--folder", _folder, "--prefix", "fmt/", "--digest-file", digestFile]);

        Assert.True(verified.ExitCode == 0, verified.Stderr);
        Assert.StartsWith($"Verified: valid: export {exportId}", verified.Stdout, StringComparison.Ordinal);
        Assert.Contains("digest matches", verified.Stdout, StringComparison.Ordinal);
        Assert.Contains(note, verified.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_export_of_a_folder_without_an_export_fails_with_one_line()
    {
        var run = await Cli.RunAsync(["verify-export", "--folder", _folder, "--prefix", "none/"]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Verification failed: invalid: No completed manifest", run.Stderr.Split('\n').Last(l => l.Length > 0), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_with_an_unknown_format_is_a_usage_error()
    {
        var run = await Cli.RunAsync(["export", "--endpoint", _handler.Endpoint, "--ledger", "x", "--bucket", Bucket, "--format", "CSV"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("ION_TEXT, ION_BINARY or JSON", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_checks_a_revision_and_a_block_against_the_current_or_a_saved_digest_and_fails_on_a_changed_digest()
    {
        var ledger = await _handler.CreateLedgerAsync();
        var (address, documentId) = await _handler.InsertAsync(ledger);
        string[] revision = ["verify", "revision", "--endpoint", _handler.Endpoint, "--ledger", ledger, "--block-address", address, "--document-id", documentId];

        var online = await Cli.RunAsync(revision);
        Assert.True(online.ExitCode == 0, online.Stderr);
        Assert.StartsWith("Verified: the revision at ", online.Stdout, StringComparison.Ordinal);
        var block = await Cli.RunAsync(["verify", "block", "--endpoint", _handler.Endpoint, "--ledger", ledger, "--block-address", address]);
        Assert.True(block.ExitCode == 0, block.Stderr);

        var digestFile = Path.Combine(_folder, "digest.ion");
        await File.WriteAllTextAsync(digestFile, (await Cli.RunAsync(["digest", "--endpoint", _handler.Endpoint, "--ledger", ledger])).Stdout);
        // Newer blocks do not matter: the proof is asked for against the saved digest's tip.
        await RunShellAsync(ledger, "INSERT INTO T {'a': 5}\n");
        var saved = await Cli.RunAsync([.. revision, "--digest-file", digestFile]);
        Assert.True(saved.ExitCode == 0, saved.Stderr);

        var text = await File.ReadAllTextAsync(digestFile);
        var blob = text.IndexOf("{{", StringComparison.Ordinal) + 2;
        while (text[blob] == ' ')
        {
            blob++;
        }

        await File.WriteAllTextAsync(digestFile, string.Concat(text.AsSpan(0, blob), text[blob] == 'A' ? "B" : "A", text.AsSpan(blob + 1)));
        var tampered = await Cli.RunAsync([.. revision, "--digest-file", digestFile]);

        Assert.Equal(1, tampered.ExitCode);
        Assert.StartsWith("Verification failed: ", tampered.Stderr, StringComparison.Ordinal);
        Assert.Single(tampered.Stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task An_export_in_a_blob_container_verifies_from_azurite_and_fails_once_a_blob_is_tampered()
    {
        var (_, exportId, _, digestFile) = await ExportAndDownloadAsync("blob/");
        var port = Environment.GetEnvironmentVariable("AZURITE_BLOB_PORT") is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : 10000;
        var connection = $"DefaultEndpointsProtocol=http;AccountName={StorageConnection.DevelopmentAccountName};" +
            $"AccountKey={StorageConnection.DevelopmentAccountKey};BlobEndpoint=http://127.0.0.1:{port}/{StorageConnection.DevelopmentAccountName}";
        var container = "cliverify" + Guid.NewGuid().ToString("N")[..12];
        await new BlobServiceClient(StorageConnection.Parse(connection)).GetBlobContainerClient(container).CreateIfNotExistsAsync();
        var blobs = new BlobExportTarget(StorageConnection.Parse(connection));
        var data = DataObject();
        var dataKey = Path.GetRelativePath(_folder, data).Replace(Path.DirectorySeparatorChar, '/');
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_folder, "blob"), "*", SearchOption.AllDirectories))
        {
            await blobs.PutObjectAsync(container, Path.GetRelativePath(_folder, file).Replace(Path.DirectorySeparatorChar, '/'), await File.ReadAllBytesAsync(file), "application/octet-stream");
        }

        string[] verify = ["verify-export", "--connection-string", connection, "--bucket", container, "--prefix", "blob/", "--digest-file", digestFile];
        var verified = await Cli.RunAsync(verify);
        Assert.True(verified.ExitCode == 0, verified.Stderr);
        Assert.StartsWith($"Verified: valid: export {exportId}", verified.Stdout, StringComparison.Ordinal);

        await blobs.PutObjectAsync(container, dataKey, Tamper(await File.ReadAllBytesAsync(data)), "application/octet-stream");
        var tampered = await Cli.RunAsync(verify);
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains($"in {dataKey}", tampered.Stderr, StringComparison.Ordinal);
    }

    // Changes one byte of a user document in an export object: a:1 becomes a:3.
    private static byte[] Tamper(byte[] bytes)
    {
        var at = System.Text.Encoding.UTF8.GetString(bytes).IndexOf("a:1", StringComparison.Ordinal);
        Assert.True(at >= 0, "the export holds no a:1");
        var changed = (byte[])bytes.Clone();
        changed[at + 2] = (byte)'3';
        return changed;
    }

    private string DataObject() => Directory.EnumerateFiles(_folder, "*.ion", SearchOption.AllDirectories)
        .Single(f => !f.EndsWith("digest.ion", StringComparison.Ordinal));

    /// <summary>
    /// A ledger with table T and {a: 1}, its digest saved before the export's end, a block after the end (which
    /// seals the range, so the worker need not wait for the end to age), the export under <paramref name="prefix"/>,
    /// and the bucket downloaded into the test folder.
    /// </summary>
    private async Task<(string Ledger, string ExportId, CliRun Digest, string DigestFile)> ExportAndDownloadAsync(string prefix, string format = "ION_TEXT")
    {
        var ledger = await _handler.CreateLedgerAsync();
        await _handler.InsertAsync(ledger);
        var digestFile = Path.Combine(_folder, "digest.ion");
        var digest = await Cli.RunAsync(["digest", "--endpoint", _handler.Endpoint, "--ledger", ledger]);
        Assert.True(digest.ExitCode == 0, digest.Stderr);
        await File.WriteAllTextAsync(digestFile, digest.Stdout);
        var end = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        // A block after the end seals the range, so the worker need not wait for the end to age.
        await RunShellAsync(ledger, "INSERT INTO T {'a': 2}\n");

        var export = await Cli.RunAsync(["export", "--endpoint", _handler.Endpoint, "--ledger", ledger, "--bucket", Bucket, "--prefix", prefix,
            "--end-time", end.ToString("O", CultureInfo.InvariantCulture), "--format", format]);

        Assert.True(export.ExitCode == 0, export.Stderr);
        var exportId = export.Stdout.Trim();
        Assert.Matches("^[A-Za-z0-9]+$", exportId);
        // Not a terminal: plain progress lines, the last one the final status.
        Assert.EndsWith($"export {exportId}: COMPLETED", export.Stderr.TrimEnd(), StringComparison.Ordinal);

        await _handler.DownloadAsync(Bucket, _folder);
        return (ledger, exportId, digest, digestFile);
    }

    private async Task RunShellAsync(string ledger, string statements)
    {
        var run = await Cli.RunAsync(["shell", "--endpoint", _handler.Endpoint, "--ledger", ledger], statements);
        Assert.True(run.ExitCode == 0, run.Stderr);
    }
}
