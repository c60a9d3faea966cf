using System.Text.Json.Serialization;
using Ledger.Engine;
using Ledger.Engine.Imports;
using Ledger.Engine.Ports;
using Ledger.Functions.Auth.Permissions;
using Ledger.Functions.Protocol.ControlPlane;

namespace Ledger.Functions.Api;

// POST /ledgers/{name}/import: our own operation beside QLDB's control plane, signed like it (SigV4) and permitted as
// qldb:CreateLedger on the new ledger, since it creates one. The body names the export as ExportJournalToS3 does.
public static partial class ControlPlaneApi
{
    private static void MapImportRoutes(RouteGroupBuilder api, ControlPlaneHandlers handlers) =>
        api.MapPost("/ledgers/{name}/import", handlers.ImportLedgerAsync);
}

internal sealed partial class ControlPlaneHandlers
{
    public async Task<IResult> ImportLedgerAsync(string name, HttpContext context, EnginePorts ports, IExportSource source)
    {
        name = ControlPlaneValidation.LedgerName(name, "Name");
        var request = await ControlPlaneApi.ReadBodyAsync(context, ImportJsonContext.Default.ImportLedgerRequest);
        var s3 = request.S3ExportConfiguration ?? throw Invalid("S3ExportConfiguration is required.", "S3ExportConfiguration");
        if (s3.Bucket is not { Length: >= 3 and <= 63 } bucket)
        {
            throw Invalid("S3ExportConfiguration.Bucket must name the Blob container (3 to 63 characters).", "Bucket");
        }

        if (s3.Prefix is not { Length: <= ExportValidation.MaxPrefixLength } prefix)
        {
            throw Invalid($"S3ExportConfiguration.Prefix is required and at most {ExportValidation.MaxPrefixLength} characters.", "Prefix");
        }

        var exportId = request.ExportId is null ? null : ControlPlaneValidation.Id(request.ExportId, "ExportId");
        var permissionsMode = request.PermissionsMode ?? "ALLOW_ALL";
        if (permissionsMode is not ("ALLOW_ALL" or "STANDARD"))
        {
            throw Invalid("PermissionsMode must be ALLOW_ALL or STANDARD.", "PermissionsMode");
        }

        ControlPlaneApi.Authorize(context, QldbActions.CreateLedger, LedgerArn(name));
        ImportResult imported;
        try
        {
            imported = await new JournalImporter(ports).ImportAsync(
                source, new ImportRequest(name, bucket, prefix, exportId, permissionsMode, request.DeletionProtection ?? true), context.RequestAborted);
        }
        catch (JournalImportException refused)
        {
            throw Invalid(refused.Message, "S3ExportConfiguration");
        }

        return ControlPlaneResults.Ok(
            new ImportLedgerResponse
            {
                Name = imported.Ledger.Name,
                Arn = LedgerArn(imported.Ledger.Name),
                State = "ACTIVE",
                ExportId = imported.ExportId,
                Blocks = imported.Blocks,
                Digest = imported.Digest.ToArray(),
                DigestTipAddress = IonTextHolder.Of(imported.Tip.ToIonText()),
                Tables = [.. imported.Tables.Select(t => t.Name).Order(StringComparer.Ordinal)],
            },
            ImportJsonContext.Default.ImportLedgerResponse);
    }
}

/// <summary><c>POST /ledgers/{name}/import</c>: the export to load into the new ledger <c>name</c>.</summary>
public sealed class ImportLedgerRequest
{
    /// <summary>Bucket = the Blob container, Prefix = the export's prefix (encryption settings are ignored).</summary>
    [JsonPropertyName("S3ExportConfiguration")] public S3ExportConfiguration? S3ExportConfiguration { get; init; }

    /// <summary>The export to load; optional when the prefix holds a single completed export.</summary>
    [JsonPropertyName("ExportId")] public string? ExportId { get; init; }

    [JsonPropertyName("PermissionsMode")] public string? PermissionsMode { get; init; }

    [JsonPropertyName("DeletionProtection")] public bool? DeletionProtection { get; init; }
}

/// <summary>The imported ledger and the digest at the imported tip (equal to QLDB's digest at that tip).</summary>
public sealed class ImportLedgerResponse
{
    [JsonPropertyName("Name")] public required string Name { get; init; }

    [JsonPropertyName("Arn")] public required string Arn { get; init; }

    [JsonPropertyName("State")] public required string State { get; init; }

    [JsonPropertyName("ExportId")] public required string ExportId { get; init; }

    [JsonPropertyName("Blocks")] public required long Blocks { get; init; }

    [JsonPropertyName("Digest")] public required byte[] Digest { get; init; }

    [JsonPropertyName("DigestTipAddress")] public required IonTextHolder DigestTipAddress { get; init; }

    [JsonPropertyName("Tables")] public required IReadOnlyList<string> Tables { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImportLedgerRequest))]
[JsonSerializable(typeof(ImportLedgerResponse))]
public sealed partial class ImportJsonContext : JsonSerializerContext;
