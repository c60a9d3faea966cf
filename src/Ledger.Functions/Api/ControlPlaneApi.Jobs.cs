using System.Text.RegularExpressions;
using Ledger.Engine;
using Ledger.Engine.Exports;
using Ledger.Engine.Ports;
using Ledger.Engine.Streams;
using Ledger.Functions.Auth.Permissions;
using Ledger.Functions.Protocol.ControlPlane;

namespace Ledger.Functions.Api;

// Tags, journal exports and journal streams (qldb-compat 7-9). Streams run on the engine's JournalStreams (registered
// with its pump by StreamHosting), exports on JournalExports (registered with the ExportWorker by ExportHosting):
// S3ExportConfiguration.Bucket names the Blob container, Prefix the blob-name prefix (docs/exports.md).
public static partial class ControlPlaneApi
{
    private static void MapTagAndJobRoutes(RouteGroupBuilder api, ControlPlaneHandlers handlers)
    {
        // The SDK sends the ARN as one encoded segment; the catch-all also takes it with its slashes unencoded.
        api.MapPost("/tags/{**resourceArn}", handlers.TagResourceAsync);
        api.MapDelete("/tags/{**resourceArn}", handlers.UntagResourceAsync);
        api.MapGet("/tags/{**resourceArn}", handlers.ListTagsForResourceAsync);

        api.MapPost("/ledgers/{name}/journal-s3-exports", handlers.ExportJournalToS3Async);
        api.MapGet("/ledgers/{name}/journal-s3-exports", handlers.ListJournalS3ExportsForLedgerAsync);
        api.MapGet("/ledgers/{name}/journal-s3-exports/{exportId}", handlers.DescribeJournalS3ExportAsync);
        api.MapGet("/journal-s3-exports", handlers.ListJournalS3ExportsAsync);
        MapImportRoutes(api, handlers);

        api.MapPost("/ledgers/{name}/journal-kinesis-streams", handlers.StreamJournalToKinesisAsync);
        api.MapGet("/ledgers/{name}/journal-kinesis-streams", handlers.ListJournalKinesisStreamsForLedgerAsync);
        api.MapGet("/ledgers/{name}/journal-kinesis-streams/{streamId}", handlers.DescribeJournalKinesisStreamAsync);
        api.MapDelete("/ledgers/{name}/journal-kinesis-streams/{streamId}", handlers.CancelJournalKinesisStreamAsync);
    }
}

internal sealed partial class ControlPlaneHandlers
{
    // ---------------- tags ----------------

    public async Task<IResult> TagResourceAsync(string resourceArn, HttpContext context, LedgerEngine engine)
    {
        var resource = ParseResourceArn(resourceArn);
        var request = await ControlPlaneApi.ReadBodyAsync(context, JournalJsonContext.Default.TagsBody);
        var tags = ControlPlaneTags.Validate(request.Tags, required: true);
        ControlPlaneApi.Authorize(context, QldbActions.TagResource, resource.Arn);
        await engine.TagLedgerAsync(RequireLedgerResource(resource), tags, context.RequestAborted);
        return ControlPlaneResults.Ok(new EmptyResponse(), JournalJsonContext.Default.EmptyResponse);
    }

    public async Task<IResult> UntagResourceAsync(string resourceArn, HttpContext context, LedgerEngine engine)
    {
        var resource = ParseResourceArn(resourceArn);
        if (!context.Request.Query.TryGetValue("tagKeys", out var keyValues))
        {
            throw Invalid("tagKeys is required.", "TagKeys");
        }

        var keys = keyValues.Select(key => ControlPlaneTags.TagKey(key, "TagKeys")).ToList();
        if (keys.Count > ControlPlaneTags.MaxTagsPerRequest)
        {
            throw Invalid($"At most {ControlPlaneTags.MaxTagsPerRequest} tag keys may be given in one request.", "TagKeys");
        }

        ControlPlaneApi.Authorize(context, QldbActions.UntagResource, resource.Arn);
        await engine.UntagLedgerAsync(RequireLedgerResource(resource), keys, context.RequestAborted);
        return ControlPlaneResults.Ok(new EmptyResponse(), JournalJsonContext.Default.EmptyResponse);
    }

    public async Task<IResult> ListTagsForResourceAsync(string resourceArn, HttpContext context, LedgerEngine engine)
    {
        var resource = ParseResourceArn(resourceArn);
        ControlPlaneApi.Authorize(context, QldbActions.ListTagsForResource, resource.Arn);
        var tags = await engine.GetLedgerTagsAsync(RequireLedgerResource(resource), context.RequestAborted);
        return ControlPlaneResults.Ok(
            new TagsBody { Tags = tags.ToDictionary(t => t.Key, t => (string?)t.Value, StringComparer.Ordinal) },
            JournalJsonContext.Default.TagsBody);
    }

    // ---------------- journal exports ----------------

    public async Task<IResult> ExportJournalToS3Async(string name, HttpContext context, LedgerEngine engine, JournalExports exports)
    {
        name = ControlPlaneValidation.LedgerName(name, "Name");
        var request = await ControlPlaneApi.ReadBodyAsync(context, JournalJsonContext.Default.ExportJournalToS3Request);
        ExportValidation.Validate(request, TimeProvider(context).GetUtcNow());
        ControlPlaneApi.Authorize(context, QldbActions.ExportJournalToS3, LedgerArn(name));
        var ledger = await engine.DescribeLedgerAsync(name, context.RequestAborted);
        RequireActive(ledger);
        var s3 = request.S3ExportConfiguration!;
        var export = await exports.ExportAsync(
            new ExportRequest(
                name, request.InclusiveStartTime!.Value, request.ExclusiveEndTime!.Value, s3.Bucket!, s3.Prefix!,
                s3.EncryptionConfiguration!.ObjectEncryptionType!, s3.EncryptionConfiguration.KmsKeyArn, request.RoleArn,
                ExportObjects.ParseFormat(request.OutputFormat)),
            context.RequestAborted);
        return ControlPlaneResults.Ok(new ExportJournalToS3Response { ExportId = export.ExportId }, JournalJsonContext.Default.ExportJournalToS3Response);
    }

    public async Task<IResult> DescribeJournalS3ExportAsync(string name, string exportId, HttpContext context, LedgerEngine engine, JournalExports exports)
    {
        name = ControlPlaneValidation.LedgerName(name, "Name");
        exportId = ControlPlaneValidation.Id(exportId, "ExportId");
        ControlPlaneApi.Authorize(context, QldbActions.DescribeJournalS3Export, LedgerArn(name));
        await engine.DescribeLedgerAsync(name, context.RequestAborted);
        var export = await exports.DescribeAsync(name, exportId, context.RequestAborted);
        return ControlPlaneResults.Ok(new DescribeJournalS3ExportResponse { ExportDescription = Describe(export) }, JournalJsonContext.Default.DescribeJournalS3ExportResponse);
    }

    public async Task<IResult> ListJournalS3ExportsForLedgerAsync(string name, HttpContext context, LedgerEngine engine, JournalExports exports)
    {
        name = ControlPlaneValidation.LedgerName(name, "Name");
        var (maxResults, nextToken) = ValidatePaging(context);
        ControlPlaneApi.Authorize(context, QldbActions.ListJournalS3ExportsForLedger, LedgerArn(name));
        await engine.DescribeLedgerAsync(name, context.RequestAborted);
        return ExportPage(await exports.ListForLedgerAsync(name, maxResults ?? DefaultPageSize, nextToken, context.RequestAborted));
    }

    public async Task<IResult> ListJournalS3ExportsAsync(HttpContext context, JournalExports exports)
    {
        var (maxResults, nextToken) = ValidatePaging(context);
        ControlPlaneApi.Authorize(context, QldbActions.ListJournalS3Exports, AccountWildcardArn);
        return ExportPage(await exports.ListAllAsync(maxResults ?? DefaultPageSize, nextToken, context.RequestAborted));
    }

    private static IResult ExportPage(JournalExportPage page) => ControlPlaneResults.Ok(
        new ListJournalS3ExportsResponse { JournalS3Exports = [.. page.Exports.Select(Describe)], NextToken = page.NextToken },
        JournalJsonContext.Default.ListJournalS3ExportsResponse);

    private static JournalS3ExportDescription Describe(JournalExportRecord export) => new()
    {
        LedgerName = export.LedgerName,
        ExportId = export.ExportId,
        ExportCreationTime = export.ExportCreationTime,
        Status = export.Status switch
        {
            JournalExportStatus.InProgress => "IN_PROGRESS",
            JournalExportStatus.Completed => "COMPLETED",
            _ => "CANCELLED",
        },
        InclusiveStartTime = export.InclusiveStartTime,
        ExclusiveEndTime = export.ExclusiveEndTime,
        S3ExportConfiguration = new S3ExportConfiguration
        {
            Bucket = export.Bucket,
            Prefix = export.Prefix,
            EncryptionConfiguration = new S3EncryptionConfiguration { ObjectEncryptionType = export.EncryptionType, KmsKeyArn = export.KmsKeyArn },
        },
        RoleArn = export.RoleArn ?? string.Empty,
        OutputFormat = export.OutputFormat is { } format ? ExportObjects.FormatName(format) : null,
    };

    // ---------------- journal streams ----------------

    public async Task<IResult> StreamJournalToKinesisAsync(string name, HttpContext context, LedgerEngine engine, JournalStreams streams)
    {
        name = ControlPlaneValidation.LedgerName(name, "Name");
        var request = await ControlPlaneApi.ReadBodyAsync(context, JournalJsonContext.Default.StreamJournalToKinesisRequest);
        var (roleArn, start, destination, streamName) = StreamValidation.Validate(request, TimeProvider(context).GetUtcNow());
        ControlPlaneApi.Authorize(context, QldbActions.StreamJournalToKinesis, LedgerArn(name));
        var ledger = await engine.DescribeLedgerAsync(name, context.RequestAborted);
        RequireActive(ledger);
        var stream = await streams.CreateAsync(
            new StreamRequest(
                name, streamName, id => QldbArns.Stream(Options.Region, Options.AccountId, name, id), roleArn, start,
                request.ExclusiveEndTime, destination, request.KinesisConfiguration!.AggregationEnabled ?? true, ParseRecordFormat(request.RecordFormat)),
            context.RequestAborted);
        return ControlPlaneResults.Ok(new StreamIdResponse { StreamId = stream.StreamId }, JournalJsonContext.Default.StreamIdResponse);
    }

    public async Task<IResult> DescribeJournalKinesisStreamAsync(string name, string streamId, HttpContext context, LedgerEngine engine, JournalStreams streams)
    {
        (name, streamId) = await StreamOperationAsync(name, streamId, QldbActions.DescribeJournalKinesisStream, context, engine);
        var stream = await streams.DescribeAsync(name, streamId, context.RequestAborted);
        return ControlPlaneResults.Ok(new DescribeJournalKinesisStreamResponse { Stream = Describe(stream) }, JournalJsonContext.Default.DescribeJournalKinesisStreamResponse);
    }

    public async Task<IResult> ListJournalKinesisStreamsForLedgerAsync(string name, HttpContext context, LedgerEngine engine, JournalStreams streams)
    {
        name = ControlPlaneValidation.LedgerName(name, "Name");
        var (maxResults, nextToken) = ValidatePaging(context);
        ControlPlaneApi.Authorize(context, QldbActions.ListJournalKinesisStreamsForLedger, LedgerArn(name));
        await engine.DescribeLedgerAsync(name, context.RequestAborted);
        var page = await streams.ListAsync(name, maxResults ?? DefaultPageSize, nextToken, context.RequestAborted);
        return ControlPlaneResults.Ok(
            new ListJournalKinesisStreamsResponse { Streams = [.. page.Streams.Select(Describe)], NextToken = page.NextToken },
            JournalJsonContext.Default.ListJournalKinesisStreamsResponse);
    }

    public async Task<IResult> CancelJournalKinesisStreamAsync(string name, string streamId, HttpContext context, LedgerEngine engine, JournalStreams streams)
    {
        (name, streamId) = await StreamOperationAsync(name, streamId, QldbActions.CancelJournalKinesisStream, context, engine);
        var canceled = await streams.CancelAsync(name, streamId, context.RequestAborted);
        return ControlPlaneResults.Ok(new StreamIdResponse { StreamId = canceled.StreamId }, JournalJsonContext.Default.StreamIdResponse);
    }

    // Validation, permission on the stream's ARN and the ledger's existence, shared by Describe and Cancel.
    private async Task<(string Name, string StreamId)> StreamOperationAsync(
        string name, string streamId, string action, HttpContext context, LedgerEngine engine)
    {
        name = ControlPlaneValidation.LedgerName(name, "Name");
        streamId = ControlPlaneValidation.Id(streamId, "StreamId");
        ControlPlaneApi.Authorize(context, action, QldbArns.Stream(Options.Region, Options.AccountId, name, streamId));
        await engine.DescribeLedgerAsync(name, context.RequestAborted);
        return (name, streamId);
    }

    private static JournalKinesisStreamDescription Describe(JournalStreamRecord stream) => new()
    {
        LedgerName = stream.LedgerName,
        CreationTime = stream.CreationTime,
        InclusiveStartTime = stream.InclusiveStartTime,
        ExclusiveEndTime = stream.ExclusiveEndTime,
        RoleArn = stream.RoleArn ?? string.Empty,
        StreamId = stream.StreamId,
        Arn = stream.Arn,
        Status = stream.Status.ToString().ToUpperInvariant(),
        KinesisConfiguration = new KinesisConfiguration { StreamArn = stream.DestinationArn, AggregationEnabled = stream.AggregationEnabled },
        ErrorCause = stream.ErrorCause,
        StreamName = stream.StreamName,
        RecordFormat = stream.Format is StreamRecordFormat.Json ? "JSON" : "ION_BINARY",
    };

    // Our extension of StreamJournalToKinesis: QLDB always wrote Ion binary, which stays the default.
    private static StreamRecordFormat ParseRecordFormat(string? format) => format switch
    {
        null or "ION_BINARY" => StreamRecordFormat.IonBinary,
        "JSON" => StreamRecordFormat.Json,
        _ => throw new ControlPlaneProtocolException(ControlPlaneError.InvalidParameter("RecordFormat must be ION_BINARY or JSON.", "RecordFormat")),
    };

    // ---------------- shared ----------------

    private static (int? MaxResults, string? NextToken) ValidatePaging(HttpContext context) => (
        ControlPlaneValidation.MaxResults(QueryValue(context, "max_results")),
        ControlPlaneValidation.NextToken(QueryValue(context, "next_token")));

    private static void RequireActive(LedgerRecord ledger)
    {
        if (ledger.State is LedgerState.Creating)
        {
            throw new ControlPlaneProtocolException(ControlPlaneError.ResourcePreconditionNotMet(
                $"Ledger {ledger.Name} is still being created", "LEDGER", ledger.Name));
        }

        if (ledger.State is not LedgerState.Active)
        {
            throw new ControlPlaneProtocolException(ControlPlaneError.ResourceNotFound($"LEDGER {ledger.Name} does not exist", "LEDGER", ledger.Name));
        }
    }

    private static TimeProvider TimeProvider(HttpContext context) =>
        context.RequestServices.GetService<TimeProvider>() ?? System.TimeProvider.System;

    private static ControlPlaneProtocolException Invalid(string message, string parameterName) =>
        new(ControlPlaneError.InvalidParameter(message, parameterName));

    /// <summary>A QLDB resource ARN of this deployment: a ledger or a journal stream.</summary>
    private sealed record QldbResource(string Arn, string LedgerName, string? StreamId);

    private QldbResource ParseResourceArn(string? encoded)
    {
        // Route values keep %2F encoded; the ARN's own characters never include '%'.
        var arn = Uri.UnescapeDataString(encoded ?? string.Empty);
        if (arn.Length is < 20 or > 1600 || ArnRegex().Match(arn) is not { Success: true } match)
        {
            throw Invalid("ResourceArn must be a QLDB ledger or stream ARN, arn:aws:qldb:<region>:<account>:ledger/<name>.", "ResourceArn");
        }

        var ledgerName = match.Groups["ledger"].Value;
        var streamId = match.Groups["stream"].Success ? match.Groups["stream"].Value : null;
        if (match.Groups["region"].Value != Options.Region || match.Groups["account"].Value != Options.AccountId)
        {
            // Another region's or account's resources are not served here.
            throw new ControlPlaneProtocolException(ControlPlaneError.ResourceNotFound(
                $"{arn} is not a resource of {Options.Region}/{Options.AccountId}", streamId is null ? "LEDGER" : "STREAM", arn));
        }

        ControlPlaneValidation.LedgerName(ledgerName, "ResourceArn");
        return new QldbResource(arn, ledgerName, streamId);
    }

    private static string RequireLedgerResource(QldbResource resource) => resource.StreamId is null
        ? resource.LedgerName
        : throw new ControlPlaneProtocolException(ControlPlaneError.NotImplemented(
            "Tags on journal streams are not supported yet; tag the ledger instead."));

    [GeneratedRegex(@"^arn:aws:qldb:(?<region>[a-z0-9-]+):(?<account>[0-9]{12}):(?:ledger/(?<ledger>[^/]+)|stream/(?<ledger>[^/]+)/(?<stream>[A-Za-z0-9]{22}))$")]
    private static partial Regex ArnRegex();
}
