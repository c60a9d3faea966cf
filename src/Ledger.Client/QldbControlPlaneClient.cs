using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Journal;
using Ledger.Journal.Model;

namespace Ledger.Client;

/// <summary>A GetRevision or GetBlock answer: the Ion text of the revision or block and, when a tip was given, the proof.</summary>
public sealed record ProofResult(string IonText, string? ProofIonText);

/// <summary>The QLDB control plane (REST-JSON) operations the CLI needs.</summary>
public sealed class QldbControlPlaneClient(HttpClient http, LedgerClientOptions options)
{
    private const string Json = "application/json";

    public async Task CreateLedgerAsync(string name, string permissionsMode = "STANDARD", bool deletionProtection = true, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["Name"] = name, ["PermissionsMode"] = permissionsMode, ["DeletionProtection"] = deletionProtection };
        await PostAsync("/ledgers", body, cancellationToken).ConfigureAwait(false);
    }

    public async Task<LedgerDigest> GetDigestAsync(string name, CancellationToken cancellationToken = default)
    {
        var answer = await PostAsync($"/ledgers/{Uri.EscapeDataString(name)}/digest", null, cancellationToken).ConfigureAwait(false);
        var digest = new Hash32(answer.GetProperty("Digest").GetBytesFromBase64());
        var tip = BlockAddress.Parse(answer.GetProperty("DigestTipAddress").GetProperty("IonText").GetString()!);
        return new LedgerDigest(digest, tip);
    }

    public async Task<ProofResult> GetRevisionAsync(string name, string blockAddressIon, string documentId, string? digestTipIon, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["BlockAddress"] = Holder(blockAddressIon), ["DocumentId"] = documentId };
        if (digestTipIon is not null)
        {
            body["DigestTipAddress"] = Holder(digestTipIon);
        }

        var answer = await PostAsync($"/ledgers/{Uri.EscapeDataString(name)}/revision", body, cancellationToken).ConfigureAwait(false);
        return Read(answer, "Revision");
    }

    public async Task<ProofResult> GetBlockAsync(string name, string blockAddressIon, string? digestTipIon, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["BlockAddress"] = Holder(blockAddressIon) };
        if (digestTipIon is not null)
        {
            body["DigestTipAddress"] = Holder(digestTipIon);
        }

        var answer = await PostAsync($"/ledgers/{Uri.EscapeDataString(name)}/block", body, cancellationToken).ConfigureAwait(false);
        return Read(answer, "Block");
    }

    /// <summary>ExportJournalToS3: starts the export and returns its id; the handler's worker writes the objects.</summary>
    public async Task<string> ExportJournalToS3Async(string name, JournalExportRequest export, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(export);
        var body = new JsonObject
        {
            ["InclusiveStartTime"] = JournalExportJson.EpochSeconds(export.InclusiveStartTime),
            ["ExclusiveEndTime"] = JournalExportJson.EpochSeconds(export.ExclusiveEndTime),
            ["S3ExportConfiguration"] = S3Configuration(export.Bucket, export.Prefix, export.ObjectEncryptionType),
            ["RoleArn"] = export.RoleArn,
            ["OutputFormat"] = export.OutputFormat,
        };
        var answer = await PostAsync($"/ledgers/{Uri.EscapeDataString(name)}/journal-s3-exports", body, cancellationToken).ConfigureAwait(false);
        return answer.GetProperty("ExportId").GetString()!;
    }

    public async Task<JournalExportDescription> DescribeJournalS3ExportAsync(string name, string exportId, CancellationToken cancellationToken = default)
    {
        var answer = await LedgerHttp.SendAsync(
            http, options, HttpMethod.Get, $"/ledgers/{Uri.EscapeDataString(name)}/journal-s3-exports/{Uri.EscapeDataString(exportId)}", null, Json, null,
            cancellationToken).ConfigureAwait(false);
        return JournalExportJson.ReadDescription(answer.GetProperty("ExportDescription"));
    }

    /// <summary>
    /// Our import operation: the handler verifies the export in its storage (bucket = container) and creates the
    /// ledger <paramref name="name"/> from it. <paramref name="exportId"/> may be null when the prefix holds one export.
    /// </summary>
    public async Task<ImportedLedger> ImportLedgerAsync(
        string name, string bucket, string prefix, string? exportId, string permissionsMode = "ALLOW_ALL", bool deletionProtection = true,
        CancellationToken cancellationToken = default)
    {
        var body = new JsonObject
        {
            ["S3ExportConfiguration"] = new JsonObject { ["Bucket"] = bucket, ["Prefix"] = prefix },
            ["PermissionsMode"] = permissionsMode,
            ["DeletionProtection"] = deletionProtection,
        };
        if (exportId is not null)
        {
            body["ExportId"] = exportId;
        }

        var answer = await PostAsync($"/ledgers/{Uri.EscapeDataString(name)}/import", body, cancellationToken).ConfigureAwait(false);
        return JournalExportJson.ReadImport(answer);
    }

    private static JsonObject S3Configuration(string bucket, string prefix, string encryptionType) => new()
    {
        ["Bucket"] = bucket,
        ["Prefix"] = prefix,
        ["EncryptionConfiguration"] = new JsonObject { ["ObjectEncryptionType"] = encryptionType },
    };

    private static JsonObject Holder(string ionText) => new() { ["IonText"] = ionText };

    private static ProofResult Read(JsonElement answer, string field)
    {
        var value = answer.GetProperty(field).GetProperty("IonText").GetString()!;
        var proof = answer.TryGetProperty("Proof", out var p) && p.ValueKind == JsonValueKind.Object ? p.GetProperty("IonText").GetString() : null;
        return new ProofResult(value, proof);
    }

    private Task<JsonElement> PostAsync(string path, JsonObject? body, CancellationToken cancellationToken) =>
        LedgerHttp.SendAsync(http, options, HttpMethod.Post, path, body is null ? null : Encoding.UTF8.GetBytes(body.ToJsonString()), Json, null,
            cancellationToken);
}
