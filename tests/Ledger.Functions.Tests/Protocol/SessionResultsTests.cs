using System.Text;
using System.Text.Json;
using Ledger.Functions.Protocol;
using Ledger.Functions.Protocol.Session;
using Microsoft.AspNetCore.Http;

namespace Ledger.Functions.Tests.Protocol;

public sealed class SessionResultsTests
{
    private static string Json(SendCommandResult result) =>
        JsonSerializer.Serialize(result, SessionJsonContext.Default.SendCommandResult);

    private static readonly TimingInformation Timing = new(12);

    [Fact]
    public void Start_session_and_transaction_results_have_the_model_shape()
    {
        Assert.Equal("""{"StartSession":{"SessionToken":"AAAA","TimingInformation":{"ProcessingTimeMilliseconds":12}}}""",
            Json(new SendCommandResult { StartSession = new StartSessionResult { SessionToken = "AAAA", TimingInformation = Timing } }));
        Assert.Equal("""{"StartTransaction":{"TransactionId":"7eRcBRZ1u4B1PS8Nhm7mbE","TimingInformation":{"ProcessingTimeMilliseconds":12}}}""",
            Json(new SendCommandResult { StartTransaction = new StartTransactionResult { TransactionId = "7eRcBRZ1u4B1PS8Nhm7mbE", TimingInformation = Timing } }));
        Assert.Equal("""{"AbortTransaction":{"TimingInformation":{"ProcessingTimeMilliseconds":12}}}""",
            Json(new SendCommandResult { AbortTransaction = new TimedResult { TimingInformation = Timing } }));
        Assert.Equal("""{"EndSession":{"TimingInformation":{"ProcessingTimeMilliseconds":12}}}""",
            Json(new SendCommandResult { EndSession = new TimedResult { TimingInformation = Timing } }));
    }

    [Fact]
    public void Execute_statement_results_carry_ion_binary_values_page_token_and_ios()
    {
        var result = new SendCommandResult
        {
            ExecuteStatement = new ExecuteStatementResult
            {
                FirstPage = new Page { Values = [ValueHolder.FromIonBinary([0xE0, 0x01, 0x00, 0xEA, 0x21])], NextPageToken = "cGFnZS0y" },
                TimingInformation = Timing,
                ConsumedIOs = new IOUsage(3, 0),
            },
        };

        Assert.Equal(
            """{"ExecuteStatement":{"FirstPage":{"Values":[{"IonBinary":"4AEA6iE="}],"NextPageToken":"cGFnZS0y"}"""
            + ""","TimingInformation":{"ProcessingTimeMilliseconds":12},"ConsumedIOs":{"ReadIOs":3,"WriteIOs":0}}}""",
            Json(result));
    }

    [Fact]
    public void The_last_page_omits_its_token_and_may_be_empty()
    {
        var result = new SendCommandResult
        {
            FetchPage = new FetchPageResult { Page = new Page { Values = [] }, TimingInformation = Timing, ConsumedIOs = new IOUsage(0, 0) },
        };

        Assert.Equal(
            """{"FetchPage":{"Page":{"Values":[]},"TimingInformation":{"ProcessingTimeMilliseconds":12},"ConsumedIOs":{"ReadIOs":0,"WriteIOs":0}}}""",
            Json(result));
    }

    [Fact]
    public void Commit_results_carry_the_digest_as_base64()
    {
        var digest = Enumerable.Range(0, 32).Select(value => (byte)value).ToArray();
        var result = new SendCommandResult
        {
            CommitTransaction = new CommitTransactionResult
            {
                TransactionId = "7eRcBRZ1u4B1PS8Nhm7mbE",
                CommitDigest = digest,
                TimingInformation = Timing,
                ConsumedIOs = new IOUsage(1, 2),
            },
        };

        Assert.Equal(
            $$$$"""{"CommitTransaction":{"TransactionId":"7eRcBRZ1u4B1PS8Nhm7mbE","CommitDigest":"{{{{Convert.ToBase64String(digest)}}}}","TimingInformation":{"ProcessingTimeMilliseconds":12},"ConsumedIOs":{"ReadIOs":1,"WriteIOs":2}}}""",
            Json(result));
    }

    [Theory]
    [InlineData("BadRequestException", 400)]
    [InlineData("InvalidSessionException", 400)]
    [InlineData("OccConflictException", 400)]
    [InlineData("RateExceededException", 400)]
    [InlineData("LimitExceededException", 400)]
    [InlineData("CapacityExceededException", 503)]
    public void Model_errors_use_the_qldbsession_namespace_and_their_status(string name, int status)
    {
        var error = name switch
        {
            "BadRequestException" => SessionError.BadRequest("m"),
            "InvalidSessionException" => SessionError.InvalidSession("m"),
            "OccConflictException" => SessionError.OccConflict("m"),
            "RateExceededException" => SessionError.RateExceeded("m"),
            "LimitExceededException" => SessionError.LimitExceeded("m"),
            _ => SessionError.CapacityExceeded("m"),
        };

        Assert.Equal((name, status), (error.Name, error.StatusCode));
        Assert.Equal($$$"""{"__type":"com.amazonaws.qldbsession#{{{name}}}","Message":"m"}""", Encoding.UTF8.GetString(SessionResults.ErrorBody(error)));
    }

    [Fact]
    public void Error_bodies_include_code_when_set()
    {
        Assert.Equal("""{"__type":"com.amazonaws.qldbsession#BadRequestException","Message":"m","Code":"c"}""",
            Encoding.UTF8.GetString(SessionResults.ErrorBody(SessionError.BadRequest("m", "c"))));
    }

    [Fact]
    public void Expiry_messages_match_the_driver_patterns()
    {
        var transactionExpired = new System.Text.RegularExpressions.Regex(@"Transaction\s.*\shas\sexpired");

        Assert.Matches(transactionExpired, SessionError.TransactionExpired("7eRcBRZ1u4B1PS8Nhm7mbE").Message);
        Assert.DoesNotMatch(transactionExpired, SessionError.SessionExpired("abc").Message);
        Assert.DoesNotMatch(transactionExpired, SessionError.NoSuchSession().Message);
        Assert.Equal("InvalidSessionException", SessionError.TransactionExpired("x").Name);
        Assert.Equal("BadRequestException", SessionError.InvalidSessionToken().Name);
    }

    [Fact]
    public void Auth_errors_are_client_faults_in_the_service_namespace()
    {
        var denied = SessionError.AccessDenied("no");

        Assert.Equal(400, denied.StatusCode);
        Assert.Equal("""{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"no"}""",
            Encoding.UTF8.GetString(SessionResults.ErrorBody(denied)));
        Assert.All(
            new[] { SessionError.MissingAuthenticationToken(), SessionError.IncompleteSignature("m"), SessionError.UnrecognizedClient("m"), SessionError.InvalidSignature("m") },
            error => Assert.Equal(400, error.StatusCode));
    }

    [Fact]
    public async Task The_error_writer_sets_status_headers_and_body()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        await SessionResults.Error(SessionError.CapacityExceeded()).ExecuteAsync(context);

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("application/x-amz-json-1.0", context.Response.ContentType);
        Assert.Equal("CapacityExceededException", context.Response.Headers["x-amzn-ErrorType"]);
        Assert.True(Guid.TryParse(context.Response.Headers[AwsRequestId.HeaderName], out _));
        Assert.Equal(AwsRequestId.For(context), context.Response.Headers[AwsRequestId.HeaderName]);
        Assert.Equal("""{"__type":"com.amazonaws.qldbsession#CapacityExceededException","Message":"Capacity exceeded"}""",
            Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }

    [Fact]
    public async Task The_success_writer_sets_status_content_type_and_request_id()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        await SessionResults.Ok(new SendCommandResult { EndSession = new TimedResult { TimingInformation = Timing } }).ExecuteAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("application/x-amz-json-1.0", context.Response.ContentType);
        Assert.NotEmpty(context.Response.Headers[AwsRequestId.HeaderName].ToString());
        Assert.Equal("""{"EndSession":{"TimingInformation":{"ProcessingTimeMilliseconds":12}}}""",
            Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }

    [Theory]
    [InlineData(10, 10, false)]
    [InlineData(11, 10, true)]
    [InlineData(0, 10, false)]
    public async Task Request_bodies_are_read_up_to_the_limit(int size, int limit, bool tooLarge)
    {
        var undeclared = await RequestBody.ReadAsync(new MemoryStream(new byte[size]), null, limit, CancellationToken.None);
        var declared = await RequestBody.ReadAsync(new MemoryStream(new byte[size]), size, limit, CancellationToken.None);

        Assert.Equal(tooLarge, undeclared.TooLarge);
        Assert.Equal(tooLarge, declared.TooLarge);
        Assert.Equal(tooLarge ? 0 : size, undeclared.Body.Length);
    }

    [Fact]
    public async Task A_declared_oversize_body_is_refused_without_reading_it()
    {
        var body = new MemoryStream(new byte[5]);

        var result = await RequestBody.ReadAsync(body, 1_000_000, 10, CancellationToken.None);

        Assert.True(result.TooLarge);
        Assert.Equal(0, body.Position);
    }
}
