using System.Net;
using System.Text;
using global::Azure;
using Ledger.Azure.Core;
using Ledger.Azure.Tables;
using Ledger.Azure.Tests.Infrastructure;

namespace Ledger.Azure.Tests.Tables;

public sealed class TableTransactionTests
{
    [Fact]
    public void Operations_must_share_the_partition_key()
    {
        var transaction = new TableTransaction().AddEntity(new TableEntity("p", "1"));

        var error = Assert.Throws<ArgumentException>(() => transaction.UpsertEntity(new TableEntity("q", "2")));

        Assert.Contains("one partition key", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, transaction.Count);
        Assert.False(transaction.CanAdd("q", "2"));
        Assert.True(transaction.CanAdd("p", "2"));
    }

    [Fact]
    public void An_entity_may_appear_only_once()
    {
        var transaction = new TableTransaction().AddEntity(new TableEntity("p", "1"));

        Assert.Throws<ArgumentException>(() => transaction.DeleteEntity("p", "1"));
        Assert.False(transaction.CanAdd("p", "1"));
    }

    [Fact]
    public void At_most_100_operations()
    {
        var transaction = new TableTransaction();
        for (var i = 0; i < 100; i++)
        {
            transaction.AddEntity(new TableEntity("p", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        Assert.False(transaction.CanAdd("p", "x"));
        Assert.Throws<InvalidOperationException>(() => transaction.AddEntity(new TableEntity("p", "x")));
        Assert.Equal(100, transaction.Count);
    }

    [Fact]
    public void Payload_stays_under_4_MiB()
    {
        var transaction = new TableTransaction();
        var big = new string('x', 30_000); // 30K chars per property, under the 64 KiB property limit

        TableEntity NewEntity(int row)
        {
            var entity = new TableEntity("p", $"r{row}");
            for (var p = 0; p < 16; p++)
            {
                entity[$"P{p}"] = big;
            }
            return entity;
        }

        var added = 0;
        while (transaction.CanAdd("p", $"r{added}", 16 * big.Length))
        {
            transaction.AddEntity(NewEntity(added));
            added++;
        }
        var error = Assert.Throws<InvalidOperationException>(() => transaction.AddEntity(NewEntity(added)));

        Assert.Contains("payload", error.Message, StringComparison.Ordinal);
        Assert.True(transaction.EstimatedPayloadBytes <= TableTransaction.MaxPayloadBytes);
        Assert.Equal(added, transaction.Count);
        Assert.InRange(added, 7, 9);
    }

    [Fact]
    public void Estimated_payload_never_underestimates_the_body()
    {
        var transaction = new TableTransaction();
        var partition = new string('\'', 300) + "ü é";
        for (var i = 0; i < 100; i++)
        {
            var entity = new TableEntity(partition, new string('%', 500) + i.ToString(System.Globalization.CultureInfo.InvariantCulture)) { ["Text"] = new string('"', 200) };
            if (i % 2 == 0)
            {
                transaction.UpdateEntity(entity, new ETag("W/\"datetime'2026-11-22T04%3A13%3A54.6807224Z'\""), TableUpdateMode.Replace);
            }
            else
            {
                transaction.DeleteEntity(entity.PartitionKey, entity.RowKey);
            }
        }

        var body = TableBatchMultipart.BuildBody(new Uri("https://averylongaccountname01.table.core.windows.net"), "ledgerjournal0001",
            transaction.Actions, "batch_" + Guid.NewGuid(), "changeset_" + Guid.NewGuid());

        Assert.True(body.Length <= transaction.EstimatedPayloadBytes, $"{body.Length} > {transaction.EstimatedPayloadBytes}");
    }

    [Fact]
    public void Conditional_updates_need_an_ETag_and_keys_are_checked()
    {
        var transaction = new TableTransaction();

        Assert.Throws<ArgumentException>(() => transaction.UpdateEntity(new TableEntity("p", "1"), default));
        Assert.Throws<ArgumentException>(() => transaction.AddEntity(new TableEntity("p", "a/b")));
        Assert.Throws<ArgumentException>(() => transaction.AddEntity(new TableEntity("p", "tab\there")));
        Assert.Equal(0, transaction.Count);
    }

    [Fact]
    public void Entities_are_snapshotted_when_added()
    {
        var entity = new TableEntity("p", "1") { ["V"] = 1 };
        var transaction = new TableTransaction().AddEntity(entity);

        entity["V"] = 2;

        Assert.Contains("\"V\":1", Encoding.UTF8.GetString(transaction.Actions[0].Body!.Value.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void Body_is_a_CRLF_change_set_with_absolute_inner_urls_and_conditions()
    {
        var transaction = new TableTransaction()
            .AddEntity(new TableEntity("p", "1"))
            .UpdateEntity(new TableEntity("p", "o'k"), new ETag("W/\"datetime'x'\""), TableUpdateMode.Replace)
            .UpsertEntity(new TableEntity("p", "3"))
            .DeleteEntity("p", "4");

        var body = Encoding.UTF8.GetString(TableBatchMultipart.BuildBody(
            new Uri("http://127.0.0.1:10002/devstoreaccount1"), "ledger", transaction.Actions, "batch_B", "changeset_C"));

        var expectedStart =
            "--batch_B\r\nContent-Type: multipart/mixed; boundary=changeset_C\r\n\r\n" +
            "--changeset_C\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "POST http://127.0.0.1:10002/devstoreaccount1/ledger HTTP/1.1\r\n" +
            "Accept: application/json;odata=minimalmetadata\r\nContent-Type: application/json\r\nPrefer: return-no-content\r\n" +
            "DataServiceVersion: 3.0\r\n\r\n{\"PartitionKey\":\"p\",\"RowKey\":\"1\"}\r\n";
        Assert.Null(transaction.Actions[3].Body);
        Assert.StartsWith(expectedStart, body, StringComparison.Ordinal);
        Assert.Contains("PUT http://127.0.0.1:10002/devstoreaccount1/ledger(PartitionKey='p',RowKey='o%27%27k') HTTP/1.1\r\n", body, StringComparison.Ordinal);
        Assert.Contains("If-Match: W/\"datetime'x'\"\r\n", body, StringComparison.Ordinal);
        Assert.Contains("MERGE http://127.0.0.1:10002/devstoreaccount1/ledger(PartitionKey='p',RowKey='3') HTTP/1.1\r\n", body, StringComparison.Ordinal);
        Assert.Contains("DELETE http://127.0.0.1:10002/devstoreaccount1/ledger(PartitionKey='p',RowKey='4') HTTP/1.1\r\nAccept: application/json;odata=minimalmetadata\r\nIf-Match: *\r\n", body, StringComparison.Ordinal);
        Assert.EndsWith("--changeset_C--\r\n--batch_B--\r\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\n\n", body.Replace("\r\n", "\u0001", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    // Captured from Azurite 3.37.0: two successful inserts.
    internal static readonly string SuccessResponse = Crlf(
        "--batchresponse_abc",
        "Content-Type: multipart/mixed; boundary=changesetresponse_def",
        "",
        "--changesetresponse_def",
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        "",
        "HTTP/1.1 204 No Content",
        "X-Content-Type-Options: nosniff",
        "Cache-Control: no-cache",
        "DataServiceVersion: 3.0;",
        "Location: http://127.0.0.1:11002/devstoreaccount1/cape00b42a5e06043f8(PartitionKey='p',RowKey='000')",
        "ETag: W/\"datetime'2026-11-22T04%3A13%3A54.6807224Z'\"",
        "",
        "",
        "--changesetresponse_def",
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        "",
        "HTTP/1.1 204 No Content",
        "DataServiceVersion: 3.0;",
        "ETag: W/\"datetime'2026-11-22T04%3A13%3A54.6807234Z'\"",
        "",
        "",
        "--changesetresponse_def--",
        "--batchresponse_abc--",
        "");

    // Captured from Azurite 3.37.0: the third operation collided (Content-ID 3, message prefix "2:").
    internal static readonly string FailureResponse = Crlf(
        "--batchresponse_abc",
        "Content-Type: multipart/mixed; boundary=changesetresponse_def",
        "",
        "--changesetresponse_def",
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        "",
        "HTTP/1.1 409 Conflict",
        "Content-ID: 3",
        "DataServiceVersion: 3.0;",
        "Content-Type: application/json;odata=minimalmetadata;charset=utf-8",
        "",
        "{\"odata.error\":{\"code\":\"EntityAlreadyExists\",\"message\":{\"lang\":\"en-US\",\"value\":\"2:The specified entity already exists.\\nRequestId:11ab52ba\\nTime:2026-11-22T04:13:54.687Z\"}}}",
        "--changesetresponse_def--",
        "--batchresponse_abc--",
        "");

    // Captured from Azurite 3.37.0 for 101 operations: the inner part repeats the boundary without its leading "--".
    internal static readonly string AzuriteOver100Response = Crlf(
        "--batchresponse_abc",
        "Content-Type: multipart/mixed; boundary=changesetresponse_def",
        "",
        "--changesetresponse_def",
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        "",
        "changesetresponse_def",
        "HTTP/1.1 400 Bad Request",
        "X-Content-Type-Options: nosniff",
        "DataServiceVersion: 3.0;",
        "Content-Type: application/json;odata=minimalmetadata;charset=utf-8",
        "",
        "{\"odata.error\":{\"code\":\"InvalidInput\",\"message\":{\"lang\":\"en-US\",\"value\":\"0:The batch request operation exceeds the maximum 100 changes per change set.\\nRequestId:d996f014\"}}}",
        "--changesetresponse_def--",
        "--batchresponse_abc--",
        "");

    private const string ResponseContentType = "multipart/mixed; boundary=batchresponse_abc";

    [Fact]
    public void Success_response_parses_to_one_part_per_operation_with_ETags()
    {
        var parts = TableBatchMultipart.ParseResponse(ResponseContentType, Encoding.UTF8.GetBytes(SuccessResponse));

        Assert.Equal([204, 204], parts.Select(p => p.Status));
        Assert.Equal("W/\"datetime'2026-11-22T04%3A13%3A54.6807234Z'\"", parts[1].Headers["ETag"]);
    }

    [Fact]
    public void Failure_response_yields_status_code_and_index()
    {
        var part = Assert.Single(TableBatchMultipart.ParseResponse(ResponseContentType, Encoding.UTF8.GetBytes(FailureResponse)));
        var (code, message) = StorageRequestFailedDetailsParser.ParseBody(part.Body);

        Assert.Equal(409, part.Status);
        Assert.Equal("EntityAlreadyExists", code);
        Assert.Equal(2, TableBatchMultipart.FailedIndexOf(part, message));
        Assert.Equal(2, TableBatchMultipart.FailedIndexOf(part, null)); // from Content-ID
    }

    [Theory]
    [InlineData("over100")]
    [InlineData("truncated")]
    [InlineData("no-boundary")]
    [InlineData("empty")]
    public void Malformed_responses_are_format_errors(string kind)
    {
        var (contentType, body) = kind switch
        {
            "over100" => (ResponseContentType, AzuriteOver100Response),
            "truncated" => (ResponseContentType, SuccessResponse[..(SuccessResponse.Length / 2)]),
            "no-boundary" => ("multipart/mixed", SuccessResponse),
            _ => (ResponseContentType, ""),
        };

        Assert.Throws<FormatException>(() => TableBatchMultipart.ParseResponse(contentType, Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public async Task Submit_maps_the_failed_part_to_a_TableTransactionFailedException()
    {
        var table = TableOver(FailureResponse);
        var transaction = new TableTransaction().AddEntity(new TableEntity("p", "a")).AddEntity(new TableEntity("p", "b")).AddEntity(new TableEntity("p", "c"));

        var error = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(transaction));

        Assert.Equal(409, error.Status);
        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
        Assert.Equal(2, error.FailedOperationIndex);
    }

    [Fact]
    public async Task Submit_treats_an_unparseable_response_as_failed()
    {
        var table = TableOver(AzuriteOver100Response);

        var error = await Assert.ThrowsAsync<TableTransactionFailedException>(
            () => table.SubmitTransactionAsync(new TableTransaction().AddEntity(new TableEntity("p", "a"))));

        Assert.Equal("InvalidBatchResponse", error.ErrorCode);
        Assert.Null(error.FailedOperationIndex);
        Assert.IsType<FormatException>(error.InnerException);
    }

    [Fact]
    public async Task Submit_sends_a_signed_multipart_batch_and_returns_ETags()
    {
        FakeHttpHandler? handler = null;
        var table = TableOver(SuccessResponse, h => handler = h);

        var results = (await table.SubmitTransactionAsync(
            new TableTransaction().AddEntity(new TableEntity("p", "000")).AddEntity(new TableEntity("p", "001")))).Value;

        var request = Assert.Single(handler!.Requests);
        Assert.Equal("http://127.0.0.1:10002/devstoreaccount1/$batch", request.Uri.AbsoluteUri);
        Assert.StartsWith("multipart/mixed; boundary=batch_", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.StartsWith("SharedKeyLite devstoreaccount1:", request.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Equal(2, results.Count);
        Assert.Equal(new ETag("W/\"datetime'2026-11-22T04%3A13%3A54.6807224Z'\""), results[0].ETag);
    }

    private static TableClient TableOver(string batchResponse, Action<FakeHttpHandler>? capture = null)
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Respond(HttpStatusCode.Accepted, batchResponse, ResponseContentType));
        capture?.Invoke(handler);
        var options = new TableClientOptions { Transport = handler.Transport };
        return new TableServiceClient(StorageConnection.ForDevelopmentStorage(), options).GetTableClient("ledger");
    }

    private static string Crlf(params string[] lines) => string.Join("\r\n", lines);
}
