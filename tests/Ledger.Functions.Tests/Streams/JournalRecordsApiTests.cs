using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ledger.Engine;
using Ledger.Engine.Streams;
using Ledger.Functions.Auth.Credentials;
using Ledger.Ion;
using Ledger.Ion.Hash;
using Ledger.Journal;
using Ledger.Journal.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Functions.Tests.Streams;

/// <summary>The local way to consume the stream: GET /ledgers/{name}/journal-records on the real handler.</summary>
public sealed class JournalRecordsApiTests
{
    private static readonly Dictionary<string, string?> LocalKeys = new() { ["Ledger:Auth:UseLocalDevelopmentKeys"] = "true" };

    [Fact]
    public async Task Ndjson_lines_carry_every_block_and_revision_in_journal_order()
    {
        await using var host = await HandlerHost.StartAsync(LocalKeys);
        var ledger = await CreateLedgerAsync(host);
        await RunAsync(host, ledger, "CREATE TABLE Person");
        await RunAsync(host, ledger, "INSERT INTO Person << {'n': 1}, {'n': 2} >>");
        await RunAsync(host, ledger, "UPDATE Person SET n = 3 WHERE n = 1");

        using var response = await GetAsync(host, $"/ledgers/{ledger}/journal-records");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["BLOCK_SUMMARY", "BLOCK_SUMMARY", "REVISION_DETAILS", "REVISION_DETAILS", "BLOCK_SUMMARY", "REVISION_DETAILS"],
            lines.Select(l => l.GetProperty("record").GetProperty("recordType").GetString()));
        Assert.Equal([0L, 1, 1, 1, 2, 2], lines.Select(l => l.GetProperty("sequenceNo").GetInt64()));
        Assert.Equal("local/1/1", lines[2].GetProperty("recordId").GetString());
        Assert.Equal("Person", lines[2].GetProperty("record").GetProperty("payload").GetProperty("tableInfo").GetProperty("tableName").GetString());
    }

    [Fact]
    public async Task Ion_lines_keep_the_types_so_every_revision_hash_verifies()
    {
        await using var host = await HandlerHost.StartAsync(LocalKeys);
        var ledger = await CreateLedgerAsync(host);
        await RunAsync(host, ledger, "CREATE TABLE Person");
        await RunAsync(host, ledger, "INSERT INTO Person {'born': `1963-08-19T`, 'score': 1.50}");

        using var response = await GetAsync(host, $"/ledgers/{ledger}/journal-records?format=ion&fromSequenceNo=1");
        var lines = IonText.ParseAll(await response.Content.ReadAsStringAsync());

        var details = lines.Cast<IonStruct>().Select(l => (IonStruct)l["record"]!)
            .Where(r => ((IonString)r["recordType"]!).Value == "REVISION_DETAILS").ToList();
        var revision = JournalRevision.FromIon(((IonStruct)Assert.Single(details)["payload"]!)["revision"]!);
        Assert.True(revision.VerifyHash().IsValid);
        Assert.Equal(IonText.Parse("{born: 1963-08-19T, score: 1.50}"), revision.Data);
    }

    [Fact]
    public async Task Server_sent_events_follow_the_journal_while_transactions_commit_and_resume_from_the_last_event_id()
    {
        await using var host = await HandlerHost.StartAsync(LocalKeys);
        var ledger = await CreateLedgerAsync(host);
        await RunAsync(host, ledger, "CREATE TABLE Person");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/ledgers/{ledger}/journal-records?follow=true&timeoutSeconds=20");
        request.Headers.Add("x-api-key", LocalDevelopmentCredentials.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await RunAsync(host, ledger, $"INSERT INTO Person {{'n': {i}}}");
            }
        });

        var events = new List<(string Id, string Type, JsonElement Data)>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (events.Count(e => e.Type == "REVISION_DETAILS") < 20)
        {
            events.Add(await ReadEventAsync(reader, timeout.Token));
        }

        await writer;
        var seen = events.Where(e => e.Type == "REVISION_DETAILS")
            .Select(e => e.Data.GetProperty("record").GetProperty("payload").GetProperty("revision").GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal(Enumerable.Range(0, 20), seen.Order());
        Assert.Equal(Enumerable.Range(0, 21).Select(i => (long)i), events.Where(e => e.Type == "BLOCK_SUMMARY").Select(e => e.Data.GetProperty("sequenceNo").GetInt64()));

        // A client that saw block 5's summary resumes with the rest of block 5.
        using var resume = new HttpRequestMessage(HttpMethod.Get, $"/ledgers/{ledger}/journal-records?maxBlocks=1");
        resume.Headers.Add("x-api-key", LocalDevelopmentCredentials.ApiKey);
        resume.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        resume.Headers.Add("Last-Event-ID", "local/5/0");
        using var resumed = await host.Client.SendAsync(resume);
        var body = await resumed.Content.ReadAsStringAsync();
        Assert.StartsWith("id: local/5/1\nevent: REVISION_DETAILS\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("local/6/", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_without_a_key_for_unknown_ledgers_or_with_bad_parameters_are_refused_clearly()
    {
        await using var host = await HandlerHost.StartAsync(LocalKeys);
        var ledger = await CreateLedgerAsync(host);

        using var anonymous = await host.Client.GetAsync(new Uri($"/ledgers/{ledger}/journal-records", UriKind.Relative));
        using var unknown = await GetAsync(host, "/ledgers/no-such-ledger/journal-records");
        using var negative = await GetAsync(host, $"/ledgers/{ledger}/journal-records?fromSequenceNo=-1");
        using var format = await GetAsync(host, $"/ledgers/{ledger}/journal-records?format=xml");
        using var tooMany = await GetAsync(host, $"/ledgers/{ledger}/journal-records?maxBlocks=100000");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no-such-ledger", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.Contains("fromSequenceNo", await negative.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, format.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
    }

    [Fact]
    public async Task The_stream_pump_timer_reports_a_stream_without_a_configured_destination_as_impaired()
    {
        await using var host = await HandlerHost.StartAsync(new Dictionary<string, string?>(LocalKeys) { ["Ledger:Streams:LocalPump"] = "false" });
        var ledger = await CreateLedgerAsync(host);
        await RunAsync(host, ledger, "CREATE TABLE Person");
        var streams = host.Services.GetRequiredService<JournalStreams>();
        var stream = await streams.CreateAsync(new StreamRequest(
            ledger, "blocks", id => $"arn:aws:qldb:us-east-1:000000000000:stream/{ledger}/{id}", null,
            DateTimeOffset.UtcNow.AddMinutes(-5), null, "arn:aws:kinesis:us-east-1:000000000000:stream/blocks"));

        using var content = new StringContent(InvocationPayloadTests.TimerPayload, Encoding.UTF8, "application/json");
        using var response = await host.Client.PostAsync(new Uri("/StreamPump", UriKind.Relative), content);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(body.RootElement.GetProperty("Logs").EnumerateArray(), l => l.GetString()!.Contains($"stream {stream.StreamId}: IMPAIRED", StringComparison.Ordinal));
        var described = await streams.DescribeAsync(ledger, stream.StreamId);
        Assert.Equal("KINESIS_STREAM_NOT_FOUND", described.ErrorCause);
        Assert.Equal(0, described.NextSequenceNo);
    }

    private static async Task<HttpResponseMessage> GetAsync(HandlerHost host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("x-api-key", LocalDevelopmentCredentials.ApiKey);
        return await host.Client.SendAsync(request);
    }

    private static async Task<(string Id, string Type, JsonElement Data)> ReadEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? id = null, type = null, data = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return (id!, type!, JsonDocument.Parse(data).RootElement);
                }

                continue;
            }

            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }

        throw new EndOfStreamException("The event stream ended.");
    }

    private static async Task<string> CreateLedgerAsync(HandlerHost host)
    {
        var name = "records-" + Guid.NewGuid().ToString("N")[..8];
        await host.Services.GetRequiredService<LedgerEngine>().CreateLedgerAsync(name, deletionProtection: false);
        return name;
    }

    // One statement in one transaction, committed with the digest a driver computes (qldb-compat 2).
    private static async Task RunAsync(HandlerHost host, string ledger, string statement)
    {
        var engine = host.Services.GetRequiredService<LedgerEngine>();
        var session = await engine.StartSessionAsync(ledger);
        var transaction = await engine.StartTransactionAsync(session);
        await engine.ExecuteStatementAsync(session, transaction, statement);
        var digest = QldbHash.Dot(Hash(IonString.Of(transaction)), Hash(IonString.Of(statement)));
        await engine.CommitTransactionAsync(session, transaction, digest);
        await engine.EndSessionAsync(session);
    }

    private static Hash32 Hash(IonValue value) => new(IonHash.Compute(value));
}
