using Ledger.Functions.Auth.Credentials;
using Ledger.Ion;

namespace Ledger.Functions.Tests.Api;

/// <summary>Bad input and failed authentication: refused in the protocol's shape, with nothing changed.</summary>
public sealed class SessionApiRefusalTests(SessionHostFixture fixture) : IClassFixture<SessionHostFixture>
{
    private SignedSessionClient Admin => fixture.Admin;

    private static string ExecuteBody(TestSession session, TestTransaction transaction, string parameters) =>
        $$$"""{"SessionToken":"{{{session.Token}}}","ExecuteStatement":{"TransactionId":"{{{transaction.Id}}}","Statement":"INSERT INTO T ?","Parameters":[{{{parameters}}}]}}""";

    [Theory]
    [InlineData("""{"IonBinary":"not base64!"}""", "must be valid base64")]
    [InlineData("""{"IonBinary":"AAECAw=="}""", "Ion version marker")]
    [InlineData("""{"IonBinary":"4AEA6iEBIQI="}""", "exactly one Ion value, not 2")]
    [InlineData("""{"IonBinary":"4AEA6iwA"}""", "must be valid Ion")]
    [InlineData("""{"IonText":"{a: 1} {b: 2}"}""", "exactly one Ion value, not 2")]
    [InlineData("""{"IonText":"{a: "}""", "must be valid Ion (line")]
    [InlineData("""{"IonText":"x","IonBinary":"4AEA6g=="}""", "exactly one of IonBinary or IonText")]
    public async Task Malformed_parameters_are_bad_requests_that_change_nothing(string parameter, string messagePart)
    {
        var ledger = await fixture.CreateLedgerAsync();
        var session = await Admin.StartSessionAsync(ledger);
        await session.RunAsync("CREATE TABLE T");
        var transaction = await session.BeginAsync();

        var refused = await Admin.SendAsync(ExecuteBody(session, transaction, parameter));
        var commit = await transaction.CommitAsync();
        var rows = (await session.RunAsync("SELECT * FROM T"))[0];

        refused.AssertError(400, "BadRequestException");
        Assert.Contains(messagePart, refused.Message, StringComparison.Ordinal);
        Assert.Contains("executeStatement.parameters.1.member", refused.Message, StringComparison.Ordinal);
        commit.AssertOk();
        Assert.Empty(rows);
    }

    [Theory]
    [InlineData("{\"StartSession\":", "well-formed JSON")]
    [InlineData("[]", "well-formed JSON")]
    [InlineData("{}", "exactly one command")]
    [InlineData("""{"StartSession":{"LedgerName":"bad--name"}}""", "regular expression")]
    [InlineData("""{"SessionToken":"AAAA","StartTransaction":{},"EndSession":{}}""", "StartTransaction, EndSession")]
    [InlineData("""{"SessionToken":"AAAA","CommitTransaction":{"TransactionId":"0123456789012345678901","CommitDigest":"AAAA"}}""", "32-byte")]
    public async Task Malformed_requests_are_bad_requests(string body, string messagePart)
    {
        var refused = await Admin.SendAsync(body);

        refused.AssertError(400, "BadRequestException");
        Assert.Contains(messagePart, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_before_it_is_parsed()
    {
        var statement = new string('x', Ledger.Functions.Protocol.RequestBody.DefaultMaxBytes + 1);

        var refused = await Admin.SendAsync($$$"""{"SessionToken":"AAAA","ExecuteStatement":{"TransactionId":"0123456789012345678901","Statement":"{{{statement}}}"}}""");

        refused.AssertError(400, "BadRequestException");
        Assert.Contains("exceeds the limit", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_target_is_an_unknown_operation()
    {
        var missing = await Admin.SendAsync("""{"StartSession":{"LedgerName":"x"}}""", target: null);
        var other = await Admin.SendAsync("""{"StartSession":{"LedgerName":"x"}}""", target: "QLDBSession.ExecuteStatement");

        missing.AssertError(400, "UnknownOperationException");
        other.AssertError(400, "UnknownOperationException");
    }

    [Fact]
    public async Task Unsigned_wrongly_signed_and_unknown_key_requests_are_refused_and_start_nothing()
    {
        var ledger = await fixture.CreateLedgerAsync();
        var body = $$$"""{"StartSession":{"LedgerName":"{{{ledger}}}"}}""";
        var stranger = new SignedSessionClient(fixture.Host, "AKIDNOBODYKNOWS00001", "whatever");

        var unsigned = await Admin.SendAsync(body, sign: false);
        var wrongSecret = await Admin.SendAsync(body, signWith: "not/the/secret");
        var unknownKey = await stranger.SendAsync(body);

        unsigned.AssertError(400, "MissingAuthenticationTokenException");
        wrongSecret.AssertError(400, "InvalidSignatureException");
        unknownKey.AssertError(400, "UnrecognizedClientException");
        Assert.DoesNotContain(LocalDevelopmentCredentials.SecretAccessKey, wrongSecret.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_statements_do_not_fold_into_the_digest_but_failed_ones_do()
    {
        var ledger = await fixture.CreateLedgerAsync();
        var session = await Admin.StartSessionAsync(ledger);
        await session.RunAsync("CREATE TABLE T");
        var transaction = await session.BeginAsync();

        // A statement that reaches the engine and fails there counts, as QLDB counts it (qldb-compat 2).
        var failed = await transaction.ExecuteAsync("SELECT * FROM NoSuchTable");
        var badParameter = await Admin.SendAsync(ExecuteBody(session, transaction, """{"IonText":"{"}"""));
        var inserted = await transaction.ExecuteAsync("INSERT INTO T ?", IonText("{a: 1}"));
        var commit = await transaction.CommitAsync();

        failed.AssertError(400, "BadRequestException");
        badParameter.AssertError(400, "BadRequestException");
        inserted.AssertOk();
        commit.AssertOk();
    }

    private static IonValue IonText(string text) => Ion.IonText.Parse(text);
}
