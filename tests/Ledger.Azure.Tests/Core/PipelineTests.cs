using System.Diagnostics.Tracing;
using System.Net;
using global::Azure;
using global::Azure.Core.Diagnostics;
using Ledger.Azure.Blobs;
using Ledger.Azure.Core;
using Ledger.Azure.Tables;
using Ledger.Azure.Tests.Infrastructure;

namespace Ledger.Azure.Tests.Core;

public sealed class PipelineTests
{
    [Fact]
    public async Task Request_logs_redact_the_signature_and_never_contain_the_key()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Respond(HttpStatusCode.OK, "{\"value\":[]}", "application/json"));
        var logs = new List<string>();
        using (new AzureEventSourceListener((e, message) =>
        {
            lock (logs)
            {
                logs.Add(message + " | " + string.Join(" | ", e.Payload ?? []));
            }
        }, EventLevel.Verbose))
        {
            await new TableServiceClient(StorageConnection.ForDevelopmentStorage(), new TableClientOptions { Transport = handler.Transport }).PingAsync();
        }

        var authorization = handler.Requests.Single().Headers["Authorization"];
        var signature = authorization[(authorization.IndexOf(':', StringComparison.Ordinal) + 1)..];
        string all;
        lock (logs)
        {
            all = string.Join("\n", logs);
        }
        Assert.Contains("Authorization:REDACTED", all, StringComparison.Ordinal);
        Assert.Contains("x-ms-version:2019-02-02", all, StringComparison.Ordinal);
        Assert.DoesNotContain(signature, all, StringComparison.Ordinal);
        Assert.DoesNotContain(StorageConnection.DevelopmentAccountKey[..16], all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retries_back_off_and_sign_every_attempt_afresh()
    {
        var attempts = 0;
        var handler = new FakeHttpHandler(_ => Interlocked.Increment(ref attempts) < 3
            ? FakeHttpHandler.Respond(HttpStatusCode.ServiceUnavailable, "{\"odata.error\":{\"code\":\"ServerBusy\",\"message\":{\"value\":\"busy\"}}}", "application/json")
            : FakeHttpHandler.Respond(HttpStatusCode.NoContent, headers: ("ETag", "W/\"datetime'x'\"")));
        var options = new TableClientOptions { Transport = handler.Transport };
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        var table = new TableServiceClient(StorageConnection.ForDevelopmentStorage(), options).GetTableClient("ledger");

        var etag = (await table.AddEntityAsync(new TableEntity("p", "r"))).Value;

        Assert.Equal(new ETag("W/\"datetime'x'\""), etag);
        Assert.Equal(3, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.StartsWith("SharedKeyLite devstoreaccount1:", r.Headers["Authorization"], StringComparison.Ordinal));
        Assert.All(handler.Requests, r => Assert.True(r.Headers.ContainsKey("x-ms-date")));
    }

    [Fact]
    public async Task Exhausted_retries_surface_the_error_code()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Respond(HttpStatusCode.ServiceUnavailable,
            "{\"odata.error\":{\"code\":\"ServerBusy\",\"message\":{\"lang\":\"en-US\",\"value\":\"The server is busy.\"}}}", "application/json"));
        var options = new TableClientOptions { Transport = handler.Transport };
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxRetries = 1;
        var table = new TableServiceClient(StorageConnection.ForDevelopmentStorage(), options).GetTableClient("ledger");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.GetEntityAsync("p", "r"));

        Assert.Equal(503, error.Status);
        Assert.Equal("ServerBusy", error.ErrorCode);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Blob_requests_without_a_body_send_no_Content_Type_and_use_x_ms_headers()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Respond(HttpStatusCode.Created, headers: ("ETag", "\"0x1\"")));
        var options = new BlobClientOptions { Transport = handler.Transport };
        var blob = new BlobServiceClient(StorageConnection.ForDevelopmentStorage(), options).GetBlobContainerClient("ledger").GetBlobClient("a b/c");

        await blob.CreateAppendBlobAsync(new BlobRequestConditions { IfNoneMatch = ETag.All }, "application/json", new Dictionary<string, string> { ["k"] = "v" });

        var request = handler.Requests.Single();
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1/ledger/a%20b/c", request.Uri.AbsoluteUri);
        Assert.False(request.Headers.ContainsKey("Content-Type"));
        Assert.Equal("application/json", request.Headers["x-ms-blob-content-type"]);
        Assert.Equal("AppendBlob", request.Headers["x-ms-blob-type"]);
        Assert.Equal("v", request.Headers["x-ms-meta-k"]);
        Assert.Equal("*", request.Headers["If-None-Match"]);
        Assert.StartsWith("SharedKey devstoreaccount1:", request.Headers["Authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Range_reads_send_x_ms_range()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Respond(HttpStatusCode.PartialContent, "234", null, ("Content-Range", "bytes 2-4/10")));
        var blob = new BlobServiceClient(StorageConnection.ForDevelopmentStorage(), new BlobClientOptions { Transport = handler.Transport })
            .GetBlobContainerClient("ledger").GetBlobClient("r");

        var result = (await blob.DownloadContentAsync(new HttpRange(2, 3))).Value;
        await blob.DownloadContentAsync(new HttpRange(7));

        Assert.Equal("bytes=2-4", handler.Requests[0].Headers["x-ms-range"]);
        Assert.Equal("bytes=7-", handler.Requests[1].Headers["x-ms-range"]);
        Assert.Equal(10, result.BlobLength);
    }

    [Theory]
    [InlineData("{\"odata.error\":{\"code\":\"EntityAlreadyExists\",\"message\":{\"lang\":\"en-US\",\"value\":\"exists\"}}}", "EntityAlreadyExists", "exists")]
    [InlineData("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationFailure</Code><Message>denied</Message></Error>", "AuthorizationFailure", "denied")]
    [InlineData("not json or xml", null, null)]
    [InlineData("{\"unexpected\":true}", null, null)]
    [InlineData("<broken", null, null)]
    [InlineData("", null, null)]
    public void Error_bodies_yield_code_and_message(string body, string? code, string? message)
    {
        Assert.Equal((code, message), StorageRequestFailedDetailsParser.ParseBody(body));
    }

    [Fact]
    public async Task Error_code_header_wins_and_HEAD_errors_have_codes_without_a_body()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Respond(HttpStatusCode.NotFound, headers: ("x-ms-error-code", "BlobNotFound")));
        var blob = new BlobServiceClient(StorageConnection.ForDevelopmentStorage(), new BlobClientOptions { Transport = handler.Transport })
            .GetBlobContainerClient("ledger").GetBlobClient("missing");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => blob.GetPropertiesAsync());

        Assert.Equal((404, "BlobNotFound"), (error.Status, error.ErrorCode));
        Assert.False((await blob.ExistsAsync()).Value);
    }
}
