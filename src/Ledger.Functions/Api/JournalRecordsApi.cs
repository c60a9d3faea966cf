using System.Globalization;
using System.Text;
using System.Text.Json;
using Ledger.Engine;
using Ledger.Engine.Errors;
using Ledger.Engine.Streams;
using Ledger.Functions.Auth;
using Ledger.Functions.Auth.Permissions;
using Ledger.Ion;

namespace Ledger.Functions.Api;

/// <summary>
/// The local way to consume a journal stream without Event Hubs: <c>GET /ledgers/{name}/journal-records</c> serves
/// the records a stream would carry (CONTROL is left out; BLOCK_SUMMARY and REVISION_DETAILS in journal order) from a
/// block position, as NDJSON (JSON or Ion text lines) or as server-sent events, and can follow the journal as
/// transactions commit. API-key authenticated; the principal needs <c>qldb:GetBlock</c> on the ledger, since the
/// records reveal every block.
/// </summary>
public static class JournalRecordsApi
{
    public const int DefaultMaxBlocks = 1000;
    public const int MaxMaxBlocks = 10_000;
    public const int MaxFollowSeconds = 600;
    private const string EventStream = "text/event-stream";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static IEndpointRouteBuilder MapJournalRecordsApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var options = ControlPlaneOptions.From(routes.ServiceProvider.GetRequiredService<IConfiguration>());
        routes.MapGet("/ledgers/{name}/journal-records", (HttpContext context, string name) => ServeAsync(context, name, options))
            .RequireApiKey();
        return routes;
    }

    private static async Task<IResult> ServeAsync(HttpContext context, string name, ControlPlaneOptions options)
    {
        var query = context.Request.Query;
        var principal = context.GetLedgerPrincipal()!;
        var permissions = context.RequestServices.GetRequiredService<PermissionEvaluator>();
        var ledgerArn = QldbArns.Ledger(options.Region, options.AccountId, name);
        if (!permissions.IsAllowed(principal.Name, QldbActions.GetBlock, ledgerArn))
        {
            return Problem(StatusCodes.Status403Forbidden, "AccessDenied", LedgerAuth.AccessDeniedMessage(principal.Name, QldbActions.GetBlock, ledgerArn));
        }

        if (!TryLong(query["fromSequenceNo"], 0, out var from) || from < 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "InvalidParameter", "fromSequenceNo must be a whole number of at least 0.");
        }

        if (!TryLong(query["maxBlocks"], DefaultMaxBlocks, out var maxBlocks) || maxBlocks is < 1 or > MaxMaxBlocks)
        {
            return Problem(StatusCodes.Status400BadRequest, "InvalidParameter", $"maxBlocks must be between 1 and {MaxMaxBlocks}.");
        }

        var follow = query["follow"].ToString() is "true" or "1";
        if (!TryLong(query["timeoutSeconds"], follow ? 60 : 0, out var timeoutSeconds) || timeoutSeconds is < 0 or > MaxFollowSeconds)
        {
            return Problem(StatusCodes.Status400BadRequest, "InvalidParameter", $"timeoutSeconds must be between 0 and {MaxFollowSeconds}.");
        }

        var format = query["format"].ToString() switch
        {
            "" or "json" => "json",
            "ion" => "ion",
            _ => null,
        };
        if (format is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "InvalidParameter", "format must be json or ion.");
        }

        var engine = context.RequestServices.GetRequiredService<LedgerEngine>();
        var streams = context.RequestServices.GetRequiredService<JournalStreams>();
        try
        {
            await engine.DescribeLedgerAsync(name, context.RequestAborted);
        }
        catch (ResourceNotFoundException failure)
        {
            return Problem(StatusCodes.Status404NotFound, "ResourceNotFound", failure.Message);
        }

        var streamId = query["streamId"].ToString();
        var streamArn = QldbArns.Stream(options.Region, options.AccountId, name, streamId.Length > 0 ? streamId : "local");
        if (streamId.Length > 0)
        {
            try
            {
                streamArn = (await streams.DescribeAsync(name, streamId, context.RequestAborted)).Arn;
            }
            catch (ResourceNotFoundException failure)
            {
                return Problem(StatusCodes.Status404NotFound, "ResourceNotFound", failure.Message);
            }
        }
        else
        {
            streamId = "local";
        }

        var sse = context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(EventStream, StringComparison.OrdinalIgnoreCase));
        var (resumeSequenceNo, resumeIndex) = sse ? ParseLastEventId(context.Request.Headers["Last-Event-ID"].ToString(), streamId) : (null, -1);
        if (resumeSequenceNo is { } resumed)
        {
            from = resumed;
        }

        return new RecordStreamResult(streams, name, streamArn, streamId, from, (int)maxBlocks, follow, TimeSpan.FromSeconds(timeoutSeconds), format, sse, resumeIndex);
    }

    // Last-Event-ID is the id of the last record the client saw: {streamId}/{sequenceNo}/{index}; the rest of that
    // block and everything after it follow.
    private static (long? SequenceNo, int Index) ParseLastEventId(string lastEventId, string streamId)
    {
        var parts = lastEventId.Split('/');
        return parts.Length == 3 && parts[0] == streamId
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sequenceNo)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? (sequenceNo, index)
            : (null, -1);
    }

    private static bool TryLong(string? text, long fallback, out long value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);

    private sealed class RecordStreamResult(
        JournalStreams streams, string ledgerName, string streamArn, string streamId, long from, int maxBlocks,
        bool follow, TimeSpan timeout, string format, bool sse, int skipThroughIndex) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.ContentType = sse ? EventStream : format == "ion" ? "application/x-ndjson+ion" : "application/x-ndjson";
            response.Headers.CacheControl = "no-cache";
            var aborted = httpContext.RequestAborted;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            if (follow)
            {
                deadline.CancelAfter(timeout);
            }

            var position = from;
            var blocksLeft = maxBlocks;
            var skipIndex = skipThroughIndex;
            try
            {
                await response.StartAsync(aborted);
                while (blocksLeft > 0)
                {
                    var (records, next) = await streams.ReadRecordsAsync(ledgerName, streamArn, streamId, position, Math.Min(blocksLeft, JournalStreams.BlocksPerSend), deadline.Token);
                    foreach (var record in records)
                    {
                        if (record.SequenceNo == from && Index(record) <= skipIndex)
                        {
                            continue;
                        }

                        await response.WriteAsync(Render(record), deadline.Token);
                    }

                    if (next > position)
                    {
                        blocksLeft -= (int)(next - position);
                        position = next;
                        await response.Body.FlushAsync(deadline.Token);
                        continue;
                    }

                    if (!follow)
                    {
                        break;
                    }

                    // Caught up: wait for the next commit (a comment line keeps proxies from closing an idle SSE stream).
                    if (sse)
                    {
                        await response.WriteAsync(":\n\n", deadline.Token);
                        await response.Body.FlushAsync(deadline.Token);
                    }

                    await Task.Delay(PollInterval, deadline.Token);
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                // The follow timeout or the client hung up: the stream simply ends; the client resumes from its last id.
            }
        }

        private static int Index(StreamRecord record) =>
            int.Parse(record.RecordId.AsSpan(record.RecordId.LastIndexOf('/') + 1), CultureInfo.InvariantCulture);

        private string Render(StreamRecord record)
        {
            if (format == "ion")
            {
                var line = IonStruct.Of(
                    new IonField("recordId", IonString.Of(record.RecordId)),
                    new IonField("sequenceNo", IonInt.Of(record.SequenceNo)),
                    new IonField("record", record.Value));
                return sse ? $"id: {record.RecordId}\nevent: {record.RecordTypeName}\ndata: {IonText.Write(line)}\n\n" : IonText.Write(line) + "\n";
            }

            var buffer = new StringBuilder();
            using (var stream = new MemoryStream())
            {
                using (var writer = new Utf8JsonWriter(stream))
                {
                    writer.WriteStartObject();
                    writer.WriteString("recordId", record.RecordId);
                    writer.WriteNumber("sequenceNo", record.SequenceNo);
                    writer.WritePropertyName("record");
                    IonJson.WriteTo(writer, record.Value);
                    writer.WriteEndObject();
                }

                buffer.Append(Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length));
            }

            return sse
                ? $"id: {record.RecordId}\nevent: {record.RecordTypeName}\ndata: {buffer}\n\n"
                : buffer.Append('\n').ToString();
        }
    }
}
