using System.Globalization;
using Ledger.Azure.Core;
using Ledger.Azure.Storage;
using Ledger.Client;
using Ledger.Engine.Exports;
using Ledger.Engine.Ports;

namespace Ledger.Cli;

/// <summary><c>ledger export</c>, <c>ledger verify-export</c> and <c>ledger import</c>.</summary>
internal static class JournalCommands
{
    // A placeholder role for the local handler, which writes with its own storage identity; QLDB needs a real one.
    public const string LocalRoleArn = "arn:aws:iam::000000000000:role/ledger-local-export";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Starts ExportJournalToS3 and polls DescribeJournalS3Export until the export is no longer in progress.</summary>
    public static async Task<int> ExportAsync(
        CliOptions options, QldbControlPlaneClient control, TextWriter stdout, ProgressDisplay progress, TimeProvider clock, CancellationToken cancellationToken)
    {
        var ledger = options.Require("ledger");
        var now = clock.GetUtcNow();
        // Like the QLDB console: without a range, everything from the ledger's creation (the start is clamped to it) until now.
        var start = Time(options, "start-time") ?? DateTimeOffset.UnixEpoch;
        var end = Time(options, "end-time") ?? now;
        var format = (options.Get("format") ?? "ION_TEXT").ToUpperInvariant();
        if (format is not ("ION_TEXT" or "ION_BINARY" or "JSON"))
        {
            throw new UsageException("--format of export is ION_TEXT, ION_BINARY or JSON.");
        }

        var request = new JournalExportRequest(
            start, end, options.Require("bucket"), options.Get("prefix") ?? string.Empty, format, options.Get("role-arn") ?? LocalRoleArn);
        var exportId = await control.ExportJournalToS3Async(ledger, request, cancellationToken);
        var final = await progress.RunAsync($"export {exportId}", async line =>
        {
            while (true)
            {
                var description = await control.DescribeJournalS3ExportAsync(ledger, exportId, cancellationToken);
                await line.ReportAsync(description.Status, 0, null);
                if (description.IsFinished)
                {
                    return description;
                }

                await Task.Delay(PollInterval, clock, cancellationToken);
            }
        });

        // stdout holds only the id, so scripts can pass it on to verify-export or import.
        await stdout.WriteLineAsync(exportId);
        return final.Status == "COMPLETED" ? ExitCodes.Ok : ExitCodes.Failure;
    }

    /// <summary>Verifies an export offline from a local folder or a Blob container; exit 1 names the broken block and object.</summary>
    public static async Task<int> VerifyExportAsync(
        CliOptions options, TextWriter stdout, TextWriter stderr, ProgressDisplay progress, CancellationToken cancellationToken)
    {
        var (source, bucket) = Source(options);
        var prefix = options.Get("prefix") ?? string.Empty;
        var exportId = options.Get("export-id");
        var digest = options.Get("digest-file") is { } digestFile ? await DigestFile.ReadAsync(digestFile, cancellationToken) : null;
        var result = await progress.RunAsync("verify-export", async line =>
        {
            ExportManifests manifests;
            try
            {
                manifests = await ExportReader.ReadManifestsAsync(source, bucket, prefix, exportId, cancellationToken);
            }
            catch (ExportFormatException)
            {
                // The verifier reports the same failure as its result, with the rest of the one-line format.
                manifests = new ExportManifests(string.Empty, string.Empty, string.Empty, [], null);
            }

            var reporting = new ReportingExportSource(source, manifests.Keys, line);
            return await ExportVerifier.VerifyAsync(reporting, bucket, prefix, exportId, digest, cancellationToken);
        });

        if (result.IsValid)
        {
            await stdout.WriteLineAsync($"Verified: {result}");
            return ExitCodes.Ok;
        }

        await stderr.WriteLineAsync($"Verification failed: {Shell.OneLine(result.ToString())}");
        return ExitCodes.Failure;
    }

    /// <summary>Imports an export in the handler's storage into a new ledger and prints the new ledger's digest.</summary>
    public static async Task<int> ImportAsync(
        string name, CliOptions options, QldbControlPlaneClient control, TextWriter stdout, TextWriter stderr, ProgressDisplay progress,
        CancellationToken cancellationToken)
    {
        var bucket = options.Require("bucket");
        var prefix = options.Get("prefix") ?? string.Empty;
        var permissions = options.Get("permissions-mode") ?? "ALLOW_ALL";
        var imported = await progress.RunAsync($"import into {name}", async line =>
        {
            // One request: the handler verifies the whole export before it creates anything, so only the wait shows.
            await line.ReportAsync($"verifying and loading {bucket}/{prefix}", 0, null);
            var result = await control.ImportLedgerAsync(name, bucket, prefix, options.Get("export-id"), permissions, deletionProtection: false, cancellationToken);
            await line.ReportAsync("done", 1, 1);
            return result;
        });

        await stderr.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"Imported export {imported.ExportId} into ledger {imported.Name}: {imported.Blocks} blocks, tables [{string.Join(", ", imported.Tables)}]."));
        // The same shape as `ledger digest`, so it can be compared with a digest saved from the source ledger.
        await stdout.WriteLineAsync(DigestFile.Write(imported.Digest));
        return ExitCodes.Ok;
    }

    private static (IExportSource Source, string Bucket) Source(CliOptions options)
    {
        var folder = options.Get("folder");
        var connection = options.Get("connection-string");
        return (folder, connection) switch
        {
            ({ } path, null) when Directory.Exists(path) => (new FolderExportSource(path), options.Get("bucket") ?? "local"),
            ({ } path, null) => throw new UsageException($"--folder {path} is not a directory."),
            (null, { } text) => (new BlobExportTarget(ParseConnection(text)), options.Require("bucket")),
            (null, null) => throw new UsageException("verify-export reads --folder DIR or --connection-string CS --bucket CONTAINER."),
            _ => throw new UsageException("Give --folder or --connection-string, not both."),
        };
    }

    private static StorageConnection ParseConnection(string text)
    {
        try
        {
            return StorageConnection.Parse(text);
        }
        catch (FormatException error)
        {
            // StorageConnection.Parse never puts the account key in its message.
            throw new UsageException($"--connection-string: {error.Message}");
        }
    }

    private static DateTimeOffset? Time(CliOptions options, string name)
    {
        if (options.Get(name) is not { } text)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new UsageException($"--{name} '{text}' is not an ISO 8601 time (e.g. 2026-12-07T18:00:00Z).");
    }
}
