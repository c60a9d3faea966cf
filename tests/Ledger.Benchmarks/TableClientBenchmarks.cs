using System.Globalization;
using System.Net;
using System.Text;
using Azure;
using Azure.Core.Pipeline;
using BenchmarkDotNet.Attributes;
using Ledger.Azure.Core;
using Ledger.Azure.Tables;

namespace Ledger.Benchmarks;

/// <summary>
/// The client-side CPU of the Table requests a transaction makes (issue 7): a conditional session PUT and a
/// <c>$batch</c> of journal-block-shaped entities, through the real pipeline (Shared Key signing, Azure.Core,
/// HttpClient) against an in-process handler that answers at once, so only our side of the request is measured.
/// </summary>
[MemoryDiagnoser]
public class TableClientBenchmarks
{
    private const int BatchSize = 20;

    private TableClient _table = null!;
    private TableEntity _session = null!;
    private TableEntity[] _blocks = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new TableClientOptions { Transport = new HttpClientTransport(new HttpClient(new CannedTableHandler(BatchSize))) };
        _table = new TableServiceClient(StorageConnection.ForDevelopmentStorage(), options).GetTableClient("loadSessions");
        _session = new TableEntity("c2Vzc2lvbi10b2tlbi1vZi1zaXh0eS1mb3VyLWNoYXJhY3RlcnMtaW4tYmFzZTY0LXRleHQ", "session")
        {
            ["SessionId"] = "8sVqKz3JcW5GZqPbLk2xYt",
            ["LedgerName"] = "load",
            ["CreatedAt"] = new DateTimeOffset(2026, 12, 7, 22, 0, 0, TimeSpan.Zero),
            ["TransactionId"] = "Jb6cKq0Ew9C8Zr2T1mVnXa",
            ["TransactionStartedAt"] = new DateTimeOffset(2026, 12, 7, 22, 0, 1, TimeSpan.Zero),
        };
        var hash = new byte[32];
        var block = new byte[906];
        Random.Shared.NextBytes(block);
        _blocks = [.. Enumerable.Range(0, BatchSize).Select(i => new TableEntity("load", i.ToString("D19", CultureInfo.InvariantCulture))
        {
            ["Hash"] = hash,
            ["Chunks"] = 1,
            ["D0"] = block,
        })];
    }

    [Benchmark(Description = "conditional session PUT (If-Match, 204)")]
    public async Task<ETag> SessionReplace() =>
        (await _table.UpdateEntityAsync(_session, new ETag("W/\"datetime'2026-12-07T22%3A00%3A01.0000000Z'\""), TableUpdateMode.Replace)).Value;

    [Benchmark(Description = "$batch of 20 block entities (~1 KB each)")]
    public async Task<int> BlockBatch()
    {
        var transaction = new TableTransaction();
        foreach (var block in _blocks)
        {
            transaction.AddEntity(block);
        }

        return (await _table.SubmitTransactionAsync(transaction)).Value.Count;
    }

    [Benchmark(Description = "serialize 20 block entities into a transaction (no request)")]
    public long BlockTransactionOnly()
    {
        var transaction = new TableTransaction();
        foreach (var block in _blocks)
        {
            transaction.AddEntity(block);
        }

        return transaction.EstimatedPayloadBytes;
    }

    /// <summary>Answers a PUT with 204 and a <c>$batch</c> with one 204 part per operation, as Azurite does.</summary>
    private sealed class CannedTableHandler(int batchSize) : HttpMessageHandler
    {
        private const string BatchContentType = "multipart/mixed; boundary=batchresponse_6b1e";
        private readonly byte[] _batchResponse = Encoding.UTF8.GetBytes(BatchResponse(batchSize));

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = request.RequestUri!.AbsolutePath.EndsWith("/$batch", StringComparison.Ordinal)
                ? new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new ByteArrayContent(_batchResponse) }
                : new HttpResponseMessage(HttpStatusCode.NoContent) { Content = new ByteArrayContent([]) };
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                response.Content.Headers.TryAddWithoutValidation("Content-Type", BatchContentType);
            }
            else
            {
                response.Headers.TryAddWithoutValidation("ETag", "W/\"datetime'2026-12-07T22%3A00%3A02.0000000Z'\"");
            }

            return Task.FromResult(response);
        }

        private static string BatchResponse(int parts)
        {
            var text = new StringBuilder("--batchresponse_6b1e\r\nContent-Type: multipart/mixed; boundary=changesetresponse_9f2c\r\n\r\n");
            for (var i = 0; i < parts; i++)
            {
                text.Append("--changesetresponse_9f2c\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n")
                    .Append("HTTP/1.1 204 No Content\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nDataServiceVersion: 3.0;\r\n")
                    .Append(CultureInfo.InvariantCulture, $"Content-ID: {i + 1}\r\n")
                    .Append(CultureInfo.InvariantCulture, $"ETag: W/\"datetime'2026-12-07T22%3A00%3A02.{i:D7}Z'\"\r\n\r\n\r\n");
            }

            return text.Append("--changesetresponse_9f2c--\r\n--batchresponse_6b1e--\r\n").ToString();
        }
    }
}
