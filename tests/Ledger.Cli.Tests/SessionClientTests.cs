using System.Net;
using System.Text;
using System.Text.Json;
using Ledger.Client;
using Ledger.Client.Session;
using Ledger.Client.SigV4;

namespace Ledger.Cli.Tests;

/// <summary>The driver-like retry of <see cref="QldbSessionClient.ExecuteAsync(IReadOnlyList{string}, CancellationToken)"/> against a scripted service.</summary>
public sealed class SessionClientTests
{
    [Fact]
    public async Task An_occ_conflict_on_commit_retries_the_whole_transaction()
    {
        var service = new ScriptedService(commitFailures: 1, statementError: null);
        await using var client = service.Client();

        var results = await client.ExecuteAsync(["INSERT INTO T {'a': 1}"]);

        Assert.Single(results);
        Assert.Equal(2, service.Count("StartTransaction"));
        Assert.Equal(2, service.Count("ExecuteStatement"));
        Assert.Equal(2, service.Count("CommitTransaction"));
    }

    [Fact]
    public async Task A_bad_request_is_not_retried_and_the_transaction_is_aborted()
    {
        var service = new ScriptedService(commitFailures: 0, statementError: "BadRequestException");
        await using var client = service.Client();

        var error = await Assert.ThrowsAsync<LedgerServiceException>(() => client.ExecuteAsync(["SELEKT"]));

        Assert.Equal("BadRequestException", error.ErrorType);
        Assert.Equal("scripted failure", error.Message);
        Assert.Equal(1, service.Count("StartTransaction"));
        Assert.Equal(1, service.Count("AbortTransaction"));
    }

    private sealed class ScriptedService(int commitFailures, string? statementError) : HttpMessageHandler
    {
        private readonly List<string> _commands = [];
        private int _commitFailures = commitFailures;

        public int Count(string command) => _commands.Count(c => c == command);

        public QldbSessionClient Client() => new(
            new HttpClient(this),
            new LedgerClientOptions(new Uri("http://ledger.test"), new SigV4Credentials("AKIATEST", "test-secret")),
            "L");

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
            var command = body.RootElement.EnumerateObject().Select(p => p.Name).Single(n => n != "SessionToken");
            _commands.Add(command);
            return command switch
            {
                "StartSession" => Ok("""{"StartSession":{"SessionToken":"s"}}"""),
                "StartTransaction" => Ok($$$"""{"StartTransaction":{"TransactionId":"t{{{_commands.Count}}}"}}"""),
                "ExecuteStatement" when statementError is not null => Error(statementError),
                "ExecuteStatement" => Ok("""{"ExecuteStatement":{"FirstPage":{"Values":[]}}}"""),
                "CommitTransaction" when _commitFailures-- > 0 => Error("OccConflictException"),
                _ => Ok($$$"""{"{{{command}}}":{}}"""),
            };
        }

        private static HttpResponseMessage Ok(string json) =>
            new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.0") };

        private static HttpResponseMessage Error(string type)
        {
            var response = new HttpResponseMessage(HttpStatusCode.BadRequest)
            {
                Content = new StringContent($$"""{"__type":"com.amazonaws.qldbsession#{{type}}","Message":"scripted failure"}""", Encoding.UTF8,
                    "application/x-amz-json-1.0"),
            };
            response.Headers.TryAddWithoutValidation("x-amzn-ErrorType", type);
            return response;
        }
    }
}
