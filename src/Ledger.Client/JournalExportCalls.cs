using System.Text.Json;
using Ledger.Journal;
using Ledger.Journal.Model;

namespace Ledger.Client;

/// <summary>
/// What ExportJournalToS3 exports and where: Bucket is the Blob container, Prefix the blob-name prefix, OutputFormat
/// ION_TEXT, ION_BINARY or JSON. RoleArn is required by the QLDB model; the handler records it but writes with its
/// own storage identity.
/// </summary>
public sealed record JournalExportRequest(
    DateTimeOffset InclusiveStartTime,
    DateTimeOffset ExclusiveEndTime,
    string Bucket,
    string Prefix,
    string OutputFormat,
    string RoleArn,
    string ObjectEncryptionType = "NO_ENCRYPTION");

/// <summary>The fields of a DescribeJournalS3Export answer the CLI shows; Status is IN_PROGRESS, COMPLETED or CANCELLED (or FAILED on QLDB).</summary>
public sealed record JournalExportDescription(string ExportId, string LedgerName, string Status, string Bucket, string Prefix, string? OutputFormat)
{
    public bool IsFinished => Status is not "IN_PROGRESS";
}

/// <summary>The answer of <c>POST /ledgers/{name}/import</c>: the new ledger and its digest at the imported tip.</summary>
public sealed record ImportedLedger(string Name, string ExportId, long Blocks, LedgerDigest Digest, IReadOnlyList<string> Tables);

internal static class JournalExportJson
{
    // REST-JSON timestamps are epoch seconds; milliseconds survive as the fraction.
    public static decimal EpochSeconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000m;

    public static JournalExportDescription ReadDescription(JsonElement description)
    {
        var s3 = description.GetProperty("S3ExportConfiguration");
        return new JournalExportDescription(
            description.GetProperty("ExportId").GetString()!,
            description.GetProperty("LedgerName").GetString()!,
            description.GetProperty("Status").GetString()!,
            s3.GetProperty("Bucket").GetString()!,
            s3.TryGetProperty("Prefix", out var prefix) ? prefix.GetString() ?? string.Empty : string.Empty,
            description.TryGetProperty("OutputFormat", out var format) && format.ValueKind == JsonValueKind.String ? format.GetString() : null);
    }

    public static ImportedLedger ReadImport(JsonElement answer) => new(
        answer.GetProperty("Name").GetString()!,
        answer.GetProperty("ExportId").GetString()!,
        answer.GetProperty("Blocks").GetInt64(),
        new LedgerDigest(
            new Hash32(answer.GetProperty("Digest").GetBytesFromBase64()),
            BlockAddress.Parse(answer.GetProperty("DigestTipAddress").GetProperty("IonText").GetString()!)),
        [.. answer.GetProperty("Tables").EnumerateArray().Select(t => t.GetString()!)]);
}
