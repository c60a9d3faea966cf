using System.Globalization;
using Ledger.Engine;
using Ledger.Functions.Auth.Credentials;

namespace Ledger.Functions.Tests.Api;

/// <summary>Tags, journal exports and journal streams over HTTP.</summary>
public sealed class ControlPlaneTagAndJobTests : IAsyncLifetime
{
    private const string Account = "123456789012";
    private const string RoleArn = "arn:aws:iam::123456789012:role/ledger-export";
    private const string KinesisArn = "arn:aws:kinesis:us-east-1:123456789012:stream/ledger-stream";

    private HandlerHost? _host;
    private SignedControlPlaneClient? _client;

    private SignedControlPlaneClient Client => _client!;

    public async Task InitializeAsync()
    {
        _host = await StartAsync();
        _client = Signed(_host);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    private static Task<HandlerHost> StartAsync() =>
        HandlerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Ledger:Storage"] = "InMemory",
            ["Ledger:AccountId"] = Account,
            ["Ledger:Limits:MaxActiveLedgers"] = "1000",
            ["Ledger:Auth:UseLocalDevelopmentKeys"] = "true",
        });

    private static SignedControlPlaneClient Signed(HandlerHost host) =>
        new(host, LocalDevelopmentCredentials.AccessKeyId, LocalDevelopmentCredentials.SecretAccessKey);

    private static async Task<string> CreateLedgerAsync(SignedControlPlaneClient client, string tags = "")
    {
        var name = ControlPlaneLedgerTests.FreshName();
        var created = await client.PostAsync("/ledgers", $$"""{"Name":"{{name}}","PermissionsMode":"ALLOW_ALL"{{tags}}}""");
        Assert.Equal(200, created.Status);
        return name;
    }

    private static string TagsPath(string arn) => "/tags/" + Uri.EscapeDataString(arn);

    private static string LedgerArn(string name) => $"arn:aws:qldb:us-east-1:{Account}:ledger/{name}";

    private static Dictionary<string, string> Tags(ControlPlaneResponse response) =>
        response.Json.GetProperty("Tags").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    private static string Epoch(DateTimeOffset time) => (time.ToUnixTimeMilliseconds() / 1000m).ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Tags_given_at_creation_are_added_to_replaced_and_removed()
    {
        var name = await CreateLedgerAsync(Client, ""","Tags":{"team":"ledger","env":"dev"}""");
        var path = TagsPath(LedgerArn(name));

        var initial = await Client.GetAsync(path);
        var tagged = await Client.PostAsync(path, """{"Tags":{"env":"prod","cost":""}}""");
        var afterTag = await Client.GetAsync(path);
        var untagged = await Client.DeleteAsync(path + "?tagKeys=team&tagKeys=not-there");
        var afterUntag = await Client.GetAsync(path);

        Assert.Equal(200, initial.Status);
        Assert.Equal(new Dictionary<string, string> { ["env"] = "dev", ["team"] = "ledger" }, Tags(initial));
        Assert.Equal(200, tagged.Status);
        Assert.Equal("{}", tagged.Body);
        Assert.Equal(new Dictionary<string, string> { ["cost"] = "", ["env"] = "prod", ["team"] = "ledger" }, Tags(afterTag));
        Assert.Equal(200, untagged.Status);
        Assert.Equal(new Dictionary<string, string> { ["cost"] = "", ["env"] = "prod" }, Tags(afterUntag));
    }

    [Fact]
    public async Task An_untagged_ledger_lists_no_tags_and_an_unencoded_arn_is_accepted()
    {
        var name = await CreateLedgerAsync(Client);

        var listed = await Client.GetAsync("/tags/" + LedgerArn(name).Replace(":", "%3A", StringComparison.Ordinal));

        Assert.Equal(200, listed.Status);
        Assert.Empty(Tags(listed));
    }

    [Fact]
    public async Task More_than_fifty_tags_on_a_ledger_are_refused_whole()
    {
        var name = await CreateLedgerAsync(Client);
        var tags = string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"k{i}\":\"v\""));

        var refused = await Client.PostAsync(TagsPath(LedgerArn(name)), "{\"Tags\":{" + tags + "}}");
        var listed = await Client.GetAsync(TagsPath(LedgerArn(name)));

        Assert.Equal(400, refused.Status);
        Assert.Equal("InvalidParameterException", refused.ErrorType);
        Assert.Empty(Tags(listed));
    }

    [Theory]
    [InlineData("GET", "arn:aws:qldb:us-east-1:123456789012:ledger/{missing}", null, 404, "ResourceNotFoundException")]
    [InlineData("GET", "arn:aws:qldb:eu-west-1:123456789012:ledger/{ledger}", null, 404, "ResourceNotFoundException")]
    [InlineData("GET", "arn:aws:qldb:us-east-1:999999999999:ledger/{ledger}", null, 404, "ResourceNotFoundException")]
    [InlineData("GET", "arn:aws:s3:::bucket-name-long-enough", null, 400, "InvalidParameterException")]
    [InlineData("GET", "arn:aws:qldb:us-east-1:123456789012:ledger/-bad-", null, 400, "InvalidParameterException")]
    [InlineData("GET", "arn:aws:qldb:us-east-1:123456789012:stream/{ledger}/AAAAAAAAAAAAAAAAAAAAAA", null, 501, "NotImplementedException")]
    [InlineData("POST", "arn:aws:qldb:us-east-1:123456789012:ledger/{ledger}", "{}", 400, "InvalidParameterException")]
    [InlineData("POST", "arn:aws:qldb:us-east-1:123456789012:ledger/{ledger}", """{"Tags":{"":"v"}}""", 400, "InvalidParameterException")]
    [InlineData("DELETE", "arn:aws:qldb:us-east-1:123456789012:ledger/{ledger}", null, 400, "InvalidParameterException")]
    public async Task Tag_requests_on_bad_or_foreign_resources_are_refused(string method, string arnTemplate, string? body, int status, string errorType)
    {
        var ledger = await CreateLedgerAsync(Client);
        var arn = arnTemplate.Replace("{ledger}", ledger, StringComparison.Ordinal)
            .Replace("{missing}", ControlPlaneLedgerTests.FreshName(), StringComparison.Ordinal);

        var response = await Client.SendAsync(new HttpMethod(method), TagsPath(arn), body);

        Assert.Equal(status, response.Status);
        Assert.Equal(errorType, response.ErrorType);
    }

    private static string ExportBody(
        string? start = "default", string? end = "default", string bucket = "\"ledger-exports\"", string prefix = "\"journal/\"",
        string encryption = """{"ObjectEncryptionType":"SSE_S3"}""", string role = $"\"{RoleArn}\"", string format = "\"ION_TEXT\"")
    {
        var now = DateTimeOffset.UtcNow;
        start = start == "default" ? Epoch(now.AddDays(-1)) : start;
        end = end == "default" ? Epoch(now.AddHours(-1)) : end;
        var members = new List<string>();
        if (start is not null)
        {
            members.Add($"\"InclusiveStartTime\":{start}");
        }

        if (end is not null)
        {
            members.Add($"\"ExclusiveEndTime\":{end}");
        }

        members.Add($$"""
            "S3ExportConfiguration":{"Bucket":{{bucket}},"Prefix":{{prefix}},"EncryptionConfiguration":{{encryption}}}
            """.Trim());
        members.Add($"\"RoleArn\":{role}");
        members.Add($"\"OutputFormat\":{format}");
        return "{" + string.Join(",", members) + "}";
    }

    [Fact]
    public async Task An_export_runs_to_completion_is_described_and_listed_and_imports_into_a_new_ledger_with_the_same_digest()
    {
        var name = await CreateLedgerAsync(Client);
        var engine = (LedgerEngine)_host!.Services.GetService(typeof(LedgerEngine))!;
        await RunAsync(engine, name, "CREATE TABLE Person");
        await RunAsync(engine, name, "INSERT INTO Person {'name': 'a'}");
        var now = DateTimeOffset.UtcNow.AddSeconds(1);
        await Task.Delay(TimeSpan.FromSeconds(1.2));

        var export = await Client.PostAsync($"/ledgers/{name}/journal-s3-exports", ExportBody(end: Epoch(now), bucket: "\"ledger-exports\""));
        Assert.Equal(200, export.Status);
        var exportId = export.String("ExportId");

        // A block committed after the end seals the range, so the worker need not wait for the grace period.
        await RunAsync(engine, name, "INSERT INTO Person {'name': 'after'}");
        var invocation = await _host.Client.PostAsync(new Uri("/ExportWorker", UriKind.Relative), new StringContent(InvocationPayloadTests.TimerPayload, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, invocation.StatusCode);

        var described = await Client.GetAsync($"/ledgers/{name}/journal-s3-exports/{exportId}");
        Assert.Equal(200, described.Status);
        var description = described.Json.GetProperty("ExportDescription");
        Assert.Equal("COMPLETED", description.GetProperty("Status").GetString());
        Assert.Equal("ledger-exports", description.GetProperty("S3ExportConfiguration").GetProperty("Bucket").GetString());
        Assert.Equal("ION_TEXT", description.GetProperty("OutputFormat").GetString());
        Assert.Single((await Client.GetAsync($"/ledgers/{name}/journal-s3-exports?max_results=10")).Json.GetProperty("JournalS3Exports").EnumerateArray());
        Assert.Contains((await Client.GetAsync("/journal-s3-exports")).Json.GetProperty("JournalS3Exports").EnumerateArray(), e => e.GetProperty("ExportId").GetString() == exportId);
        var missing = await Client.GetAsync($"/ledgers/{name}/journal-s3-exports/AAAAAAAAAAAAAAAAAAAAAA");
        Assert.Equal(404, missing.Status);
        Assert.Equal("EXPORT", missing.String("ResourceType"));

        var imported = ControlPlaneLedgerTests.FreshName();
        var import = await Client.PostAsync($"/ledgers/{imported}/import", $$"""{"S3ExportConfiguration":{"Bucket":"ledger-exports","Prefix":"journal/"},"ExportId":"{{exportId}}"}""");
        Assert.Equal(200, import.Status);
        Assert.Equal(2, import.Json.GetProperty("Blocks").GetInt64());
        var strand = (await engine.DescribeLedgerAsync(name)).StrandId;
        var first = (await engine.GetBlockAsync(name, new Journal.Model.BlockAddress(strand, 0), null)).Block.BlockHash;
        var second = (await engine.GetBlockAsync(name, new Journal.Model.BlockAddress(strand, 1), null)).Block.BlockHash;
        var sourceDigestAtTip1 = Journal.QldbHash.MerkleRoot([first, second]);
        Assert.Equal(Convert.ToBase64String(sourceDigestAtTip1.ToArray()), import.String("Digest"));
        Assert.Equal(sourceDigestAtTip1, (await engine.GetLedgerDigestAsync(imported)).Digest);
        Assert.Equal(200, (await Client.GetAsync($"/ledgers/{imported}")).Status);
        var again = await Client.PostAsync($"/ledgers/{imported}/import", $$"""{"S3ExportConfiguration":{"Bucket":"ledger-exports","Prefix":"journal/"},"ExportId":"{{exportId}}"}""");
        Assert.Equal(409, again.Status);
        var nothing = await Client.PostAsync($"/ledgers/{ControlPlaneLedgerTests.FreshName()}/import", """{"S3ExportConfiguration":{"Bucket":"ledger-exports","Prefix":"nothing/"}}""");
        Assert.Equal(400, nothing.Status);
        Assert.Contains("No completed manifest", nothing.String("Message"), StringComparison.Ordinal);
    }

    private static async Task RunAsync(LedgerEngine engine, string ledgerName, string statement)
    {
        var session = await engine.StartSessionAsync(ledgerName);
        var transactionId = await engine.StartTransactionAsync(session);
        await engine.ExecuteStatementAsync(session, transactionId, statement);
        var digest = new Journal.Model.CommitDigest(transactionId);
        digest.AddStatement(statement);
        await engine.CommitTransactionAsync(session, transactionId, digest.Value);
        await engine.EndSessionAsync(session);
    }

    public static TheoryData<string, string> InvalidExports()
    {
        var now = DateTimeOffset.UtcNow;
        return new TheoryData<string, string>
        {
            { ExportBody(start: null), "InclusiveStartTime" },
            { ExportBody(end: null), "ExclusiveEndTime" },
            { ExportBody(start: Epoch(now.AddHours(-1)), end: Epoch(now.AddDays(-1))), "InclusiveStartTime" },
            { ExportBody(end: Epoch(now.AddDays(1))), "ExclusiveEndTime" },
            { ExportBody(bucket: "\"ab\""), "Bucket" },
            { ExportBody(bucket: "\"bad bucket\""), "Bucket" },
            { ExportBody(prefix: "null"), "Prefix" },
            { ExportBody(prefix: $"\"{new string('p', 129)}\""), "Prefix" },
            { ExportBody(encryption: """{"ObjectEncryptionType":"ROT13"}"""), "ObjectEncryptionType" },
            { ExportBody(encryption: """{"ObjectEncryptionType":"SSE_KMS"}"""), "KmsKeyArn" },
            { ExportBody(encryption: "null"), "EncryptionConfiguration" },
            { ExportBody(role: "\"short\""), "RoleArn" },
            { ExportBody(format: "\"CSV\""), "OutputFormat" },
            { ExportBody(start: "\"yesterday\""), "Body" },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidExports))]
    public async Task Invalid_exports_name_their_parameter(string body, string parameterName)
    {
        var name = await CreateLedgerAsync(Client);

        var response = await Client.PostAsync($"/ledgers/{name}/journal-s3-exports", body);

        Assert.Equal(400, response.Status);
        Assert.Equal("InvalidParameterException", response.ErrorType);
        Assert.Equal(parameterName, response.String("ParameterName"));
    }

    private static string StreamBody(string? start = "default", string streamName = "\"audit-stream\"", string tags = "", string? end = null)
    {
        start = start == "default" ? Epoch(DateTimeOffset.UtcNow.AddHours(-1)) : start;
        var startMember = start is null ? "" : $"\"InclusiveStartTime\":{start},";
        var endMember = end is null ? "" : $"\"ExclusiveEndTime\":{end},";
        return $$"""{"RoleArn":"{{RoleArn}}",{{startMember}}{{endMember}}"KinesisConfiguration":{"StreamArn":"{{KinesisArn}}","AggregationEnabled":false},"StreamName":{{streamName}}{{tags}}}""";
    }

    [Fact]
    public async Task Unknown_streams_are_not_found_and_a_ledger_without_streams_lists_none()
    {
        var name = await CreateLedgerAsync(Client);
        var stream = "AAAAAAAAAAAAAAAAAAAAAA";

        var listed = await Client.GetAsync($"/ledgers/{name}/journal-kinesis-streams");
        var described = await Client.GetAsync($"/ledgers/{name}/journal-kinesis-streams/{stream}");
        var canceled = await Client.DeleteAsync($"/ledgers/{name}/journal-kinesis-streams/{stream}");
        var otherLedger = await Client.GetAsync($"/ledgers/{ControlPlaneLedgerTests.FreshName()}/journal-kinesis-streams");

        Assert.Equal(200, listed.Status);
        Assert.Empty(listed.Json.GetProperty("Streams").EnumerateArray());
        Assert.Equal(404, described.Status);
        Assert.Equal("STREAM", described.String("ResourceType"));
        Assert.Equal(404, canceled.Status);
        Assert.Equal(404, otherLedger.Status);
        Assert.Equal("LEDGER", otherLedger.String("ResourceType"));
    }

    [Theory]
    [InlineData(null, "\"audit-stream\"", "", "InclusiveStartTime")]
    [InlineData("4102444800", "\"audit-stream\"", "", "InclusiveStartTime")]
    [InlineData("default", "\"--\"", "", "StreamName")]
    [InlineData("default", "null", "", "StreamName")]
    [InlineData("default", "\"audit-stream\"", ""","Tags":{"":"x"}""", "Tags")]
    [InlineData("default", "\"audit-stream\"", ",\"RecordFormat\":\"XML\"", "RecordFormat")]
    public async Task Invalid_streams_name_their_parameter(string? start, string streamName, string tags, string parameterName)
    {
        var name = await CreateLedgerAsync(Client);

        var response = await Client.PostAsync($"/ledgers/{name}/journal-kinesis-streams", StreamBody(start, streamName, tags));

        Assert.Equal(400, response.Status);
        Assert.Equal("InvalidParameterException", response.ErrorType);
        Assert.Equal(parameterName, response.String("ParameterName"));
    }

    [Fact]
    public async Task A_stream_is_created_described_listed_and_canceled()
    {
        var client = Client;
        var name = await CreateLedgerAsync(client);

        var created = await client.PostAsync($"/ledgers/{name}/journal-kinesis-streams", StreamBody());
        var streamId = created.String("StreamId");
        var described = await client.GetAsync($"/ledgers/{name}/journal-kinesis-streams/{streamId}");
        var listed = await client.GetAsync($"/ledgers/{name}/journal-kinesis-streams?max_results=5");
        var canceled = await client.DeleteAsync($"/ledgers/{name}/journal-kinesis-streams/{streamId}");
        var canceledAgain = await client.DeleteAsync($"/ledgers/{name}/journal-kinesis-streams/{streamId}");
        var tagged = await client.PostAsync($"/ledgers/{name}/journal-kinesis-streams", StreamBody(tags: ""","Tags":{"k":"v"}"""));

        Assert.Equal(200, created.Status);
        Assert.Equal(22, streamId.Length);
        Assert.Equal(200, described.Status);
        var stream = described.Json.GetProperty("Stream");
        // The in-process pump may already have found no Event Hub behind the destination (IMPAIRED, as QLDB reports a
        // missing Kinesis stream); either way the stream is live.
        Assert.Contains(stream.GetProperty("Status").GetString(), new[] { "ACTIVE", "IMPAIRED" });
        Assert.Equal($"arn:aws:qldb:us-east-1:{Account}:stream/{name}/{streamId}", stream.GetProperty("Arn").GetString());
        Assert.Equal("audit-stream", stream.GetProperty("StreamName").GetString());
        Assert.Equal(RoleArn, stream.GetProperty("RoleArn").GetString());
        Assert.Equal(KinesisArn, stream.GetProperty("KinesisConfiguration").GetProperty("StreamArn").GetString());
        Assert.False(stream.GetProperty("KinesisConfiguration").GetProperty("AggregationEnabled").GetBoolean());
        Assert.Equal("ION_BINARY", stream.GetProperty("RecordFormat").GetString());
        Assert.Equal(streamId, Assert.Single(listed.Json.GetProperty("Streams").EnumerateArray()).GetProperty("StreamId").GetString());
        Assert.Equal(200, canceled.Status);
        Assert.Equal(streamId, canceled.String("StreamId"));
        Assert.Equal(412, canceledAgain.Status);
        Assert.Equal(501, tagged.Status);
    }
}
