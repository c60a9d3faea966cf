using System.Text;
using Ledger.Functions.Protocol.Session;

namespace Ledger.Functions.Tests.Protocol;

public sealed class SessionCommandParserTests
{
    private const string Token = "AAAAAQAAAAEAAAAAAAAAAQ==";
    private const string TxId = "7eRcBRZ1u4B1PS8Nhm7mbE";
    private static readonly string Digest = Convert.ToBase64String(new byte[32]);

    private static SessionCommand Parse(string json) => SessionCommandParser.Parse(Encoding.UTF8.GetBytes(json));

    private static SessionError Refusal(string json) => Assert.Throws<SessionProtocolException>(() => Parse(json)).Error;

    private static void AssertBadRequest(string json, string messagePart)
    {
        var error = Refusal(json);
        Assert.Equal("BadRequestException", error.Name);
        Assert.Equal(400, error.StatusCode);
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_sub_command_parses()
    {
        Assert.Equal(new StartSessionCommand("vehicles"), Parse("""{"StartSession":{"LedgerName":"vehicles"}}"""));
        Assert.Equal(new StartTransactionCommand(Token), Parse($$$"""{"SessionToken":"{{{Token}}}","StartTransaction":{}}"""));
        Assert.Equal(new AbortTransactionCommand(Token), Parse($$$"""{"SessionToken":"{{{Token}}}","AbortTransaction":{}}"""));
        Assert.Equal(new EndSessionCommand(Token), Parse($$$"""{"SessionToken":"{{{Token}}}","EndSession":{}}"""));
        Assert.Equal(new FetchPageCommand(Token, TxId, "cGFnZS0y"),
            Parse($$$"""{"SessionToken":"{{{Token}}}","FetchPage":{"TransactionId":"{{{TxId}}}","NextPageToken":"cGFnZS0y"}}"""));

        var commit = Assert.IsType<CommitTransactionCommand>(
            Parse($$$"""{"SessionToken":"{{{Token}}}","CommitTransaction":{"TransactionId":"{{{TxId}}}","CommitDigest":"{{{Digest}}}"}}"""));
        Assert.Equal((Token, TxId, 32), (commit.SessionToken, commit.TransactionId, commit.CommitDigest.Length));
    }

    [Fact]
    public void Execute_statement_decodes_binary_and_keeps_text_parameters()
    {
        var command = Assert.IsType<ExecuteStatementCommand>(Parse($$$"""
            {"SessionToken":"{{{Token}}}","ExecuteStatement":{"TransactionId":"{{{TxId}}}","Statement":"SELECT * FROM t WHERE a = ? AND b = ?",
             "Parameters":[{"IonBinary":"4AEA6iE="},{"IonText":"\"x\""}]}}
            """));

        Assert.Equal("SELECT * FROM t WHERE a = ? AND b = ?", command.Statement);
        Assert.Equal(new byte[] { 0xE0, 0x01, 0x00, 0xEA, 0x21 }, command.Parameters[0].IonBinary!.Value.ToArray());
        Assert.Equal("\"x\"", command.Parameters[1].IonText);
        Assert.Null(command.Parameters[1].IonBinary);
    }

    [Fact]
    public void Execute_statement_without_parameters_has_none()
    {
        var command = Assert.IsType<ExecuteStatementCommand>(Parse(
            $$$"""{"SessionToken":"{{{Token}}}","ExecuteStatement":{"TransactionId":"{{{TxId}}}","Statement":"SELECT 1 FROM t"}}"""));

        Assert.Empty(command.Parameters);
    }

    [Fact]
    public void Unknown_members_are_ignored_as_aws_does()
    {
        Assert.Equal(new StartSessionCommand("v"), Parse("""{"StartSession":{"LedgerName":"v","Future":1},"Other":true}"""));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"StartSession\":{\"LedgerName\":5}}")]
    [InlineData("{\"StartSession\":\"vehicles\"}")]
    [InlineData("{\"StartSession\":{\"LedgerName\":\"v\"}} trailing")]
    public void Malformed_json_is_a_bad_request_that_does_not_quote_the_body(string json)
    {
        var error = Refusal(json);

        Assert.Equal("BadRequestException", error.Name);
        Assert.DoesNotContain("trailing", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("vehicles", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exactly_one_sub_command_is_required()
    {
        AssertBadRequest("{}", "contains none");
        AssertBadRequest($$$"""{"SessionToken":"{{{Token}}}","StartTransaction":{},"EndSession":{}}""", "StartTransaction, EndSession");
        AssertBadRequest($$$"""{"SessionToken":"{{{Token}}}","StartTransaction":null}""", "contains none");
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("vehicle-registration", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345", true)]
    [InlineData("a1", true)]
    [InlineData("", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)]
    [InlineData("12345", false)]
    [InlineData("-a", false)]
    [InlineData("a-", false)]
    [InlineData("a--b", false)]
    [InlineData("a_b", false)]
    [InlineData("a b", false)]
    [InlineData("ab\\n", false)]
    public void Ledger_names_follow_the_model_pattern(string name, bool valid)
    {
        var json = $$$"""{"StartSession":{"LedgerName":"{{{name}}}"}}""";
        if (valid)
        {
            Assert.Equal(new StartSessionCommand(name), Parse(json));
        }
        else
        {
            AssertBadRequest(json, "startSession.ledgerName");
        }
    }

    [Fact]
    public void Start_session_needs_a_ledger_name_and_no_session_token()
    {
        AssertBadRequest("""{"StartSession":{}}""", "Value null at 'startSession.ledgerName'");
        AssertBadRequest($$$"""{"SessionToken":"{{{Token}}}","StartSession":{"LedgerName":"v"}}""", "must not carry a SessionToken");
    }

    [Theory]
    [InlineData(null, "Value null at 'sessionToken'")]
    [InlineData("abc", "greater than or equal to 4")]
    [InlineData("a b c d", "regular expression pattern")]
    [InlineData("abcd\\n", "regular expression pattern")]
    [InlineData("abcd!", "regular expression pattern")]
    public void Session_tokens_follow_the_model_constraints(string? token, string messagePart)
    {
        var member = token is null ? "" : $$$"""
            "SessionToken":"{{{token}}}",
            """;
        AssertBadRequest($$$"""{{{{member}}}"StartTransaction":{}}""", messagePart);
    }

    [Fact]
    public void Tokens_may_be_1024_characters_but_not_1025()
    {
        Assert.IsType<EndSessionCommand>(Parse($$$"""{"SessionToken":"{{{new string('A', 1024)}}}","EndSession":{}}"""));
        AssertBadRequest($$$"""{"SessionToken":"{{{new string('A', 1025)}}}","EndSession":{}}""", "less than or equal to 1024");
        AssertBadRequest($$$"""{"SessionToken":"{{{Token}}}","FetchPage":{"TransactionId":"{{{TxId}}}","NextPageToken":"ab"}}""", "fetchPage.nextPageToken");
    }

    [Theory]
    [InlineData("7eRcBRZ1u4B1PS8Nhm7mb", "greater than or equal to 22")]
    [InlineData("7eRcBRZ1u4B1PS8Nhm7mbEE", "less than or equal to 22")]
    [InlineData("7eRcBRZ1u4B1PS8Nhm7mb+", "regular expression pattern")]
    public void Transaction_ids_are_22_letters_or_digits(string id, string messagePart)
    {
        AssertBadRequest($$$"""{"SessionToken":"{{{Token}}}","FetchPage":{"TransactionId":"{{{id}}}","NextPageToken":"cGFnZS0y"}}""", messagePart);
        AssertBadRequest($$$"""{"SessionToken":"{{{Token}}}","ExecuteStatement":{"TransactionId":"{{{id}}}","Statement":"SELECT 1"}}""", "executeStatement.transactionId");
    }

    [Fact]
    public void Statements_are_1_to_100000_characters()
    {
        string Execute(string statement) =>
            $$$"""{"SessionToken":"{{{Token}}}","ExecuteStatement":{"TransactionId":"{{{TxId}}}","Statement":"{{{statement}}}"}}""";

        Assert.IsType<ExecuteStatementCommand>(Parse(Execute(new string('x', 100_000))));
        AssertBadRequest(Execute(new string('x', 100_001)), "less than or equal to 100000");
        AssertBadRequest(Execute(""), "greater than or equal to 1");
        AssertBadRequest($$$"""{"SessionToken":"{{{Token}}}","ExecuteStatement":{"TransactionId":"{{{TxId}}}"}}""", "executeStatement.statement");
    }

    private static string ExecuteWith(string parameters) =>
        $$$"""{"SessionToken":"{{{Token}}}","ExecuteStatement":{"TransactionId":"{{{TxId}}}","Statement":"INSERT INTO t ?","Parameters":[{{{parameters}}}]}}""";

    [Fact]
    public void Ion_binary_parameters_are_1_to_131072_bytes_of_valid_base64()
    {
        Assert.IsType<ExecuteStatementCommand>(Parse(ExecuteWith($$$"""{"IonBinary":"{{{Convert.ToBase64String(new byte[131_072])}}}"}""")));
        AssertBadRequest(ExecuteWith($$$"""{"IonBinary":"{{{Convert.ToBase64String(new byte[131_073])}}}"}"""),
            "'executeStatement.parameters.1.member.ionBinary' failed to satisfy constraint: Member must have length less than or equal to 131072");
        AssertBadRequest(ExecuteWith("""{"IonBinary":""}"""), "greater than or equal to 1");
        AssertBadRequest(ExecuteWith("""{"IonBinary":"4AEA6iE"}"""), "valid base64");
        AssertBadRequest(ExecuteWith("""{"IonBinary":"4AEA 6iE="}"""), "valid base64");
        AssertBadRequest(ExecuteWith("""{"IonBinary":"****"}"""), "valid base64");
    }

    [Fact]
    public void Ion_text_parameters_are_1_to_1048576_characters()
    {
        Assert.IsType<ExecuteStatementCommand>(Parse(ExecuteWith($$$"""{"IonText":"{{{new string('1', 1_048_576)}}}"}""")));
        AssertBadRequest(ExecuteWith($$$"""{"IonText":"{{{new string('1', 1_048_577)}}}"}"""), "less than or equal to 1048576");
        AssertBadRequest(ExecuteWith("""{"IonText":""}"""), "greater than or equal to 1");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("{\"IonText\":\"1\",\"IonBinary\":\"4AEA6iE=\"}")]
    public void Each_parameter_holds_exactly_one_value(string holder)
    {
        AssertBadRequest(ExecuteWith("{\"IonText\":\"1\"}," + holder), "'executeStatement.parameters.2.member' failed to satisfy constraint: Member must contain exactly one of IonBinary or IonText");
    }

    [Theory]
    [InlineData("AAAA")]
    [InlineData("not base64")]
    [InlineData(null)]
    public void Commit_digests_are_32_bytes_of_base64(string? digest)
    {
        var member = digest is null ? "" : $$$""","CommitDigest":"{{{digest}}}" """;
        AssertBadRequest($$$"""{"SessionToken":"{{{Token}}}","CommitTransaction":{"TransactionId":"{{{TxId}}}"{{{member}}}}}""", "commitTransaction.commitDigest");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("QLDBSession.StartSession")]
    [InlineData("qldbsession.sendcommand")]
    public void Only_the_send_command_target_is_known(string? target)
    {
        var error = Assert.Throws<SessionProtocolException>(() => SessionCommandParser.CheckTarget(target)).Error;

        Assert.Equal(("UnknownOperationException", 400), (error.Name, error.StatusCode));
    }

    [Fact]
    public void The_send_command_target_is_accepted()
    {
        Assert.Null(Record.Exception(() => SessionCommandParser.CheckTarget("QLDBSession.SendCommand")));
    }

    [Fact]
    public void Commands_never_show_tokens_or_statements_as_text()
    {
        var command = Parse($$$"""{"SessionToken":"{{{Token}}}","ExecuteStatement":{"TransactionId":"{{{TxId}}}","Statement":"SELECT secret FROM t"}}""");

        Assert.Equal("ExecuteStatementCommand", command.ToString());
    }
}
