using System.Text;
using System.Text.Json;
using Ledger.Functions.Protocol.ControlPlane;

namespace Ledger.Functions.Tests.Protocol;

public sealed class ControlPlaneTests
{
    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeMilliseconds(1568839243951);

    [Fact]
    public void Error_bodies_carry_the_members_of_each_exception()
    {
        static string Body(ControlPlaneError error) => Encoding.UTF8.GetString(ControlPlaneResults.ErrorBody(error));

        Assert.Equal("""{"Message":"bad","ParameterName":"Name"}""", Body(ControlPlaneError.InvalidParameter("bad", "Name")));
        Assert.Equal("""{"Message":"many","ResourceType":"LEDGER"}""", Body(ControlPlaneError.LimitExceeded("many", "LEDGER")));
        Assert.Equal("""{"Message":"gone","ResourceType":"LEDGER","ResourceName":"v"}""", Body(ControlPlaneError.ResourceNotFound("gone", "LEDGER", "v")));
    }

    [Theory]
    [InlineData("InvalidParameterException", 400)]
    [InlineData("LimitExceededException", 400)]
    [InlineData("ResourceAlreadyExistsException", 409)]
    [InlineData("ResourceInUseException", 409)]
    [InlineData("ResourceNotFoundException", 404)]
    [InlineData("ResourcePreconditionNotMetException", 412)]
    [InlineData("AccessDeniedException", 403)]
    public void Each_exception_has_its_model_status(string name, int status)
    {
        var error = name switch
        {
            "InvalidParameterException" => ControlPlaneError.InvalidParameter("m", "p"),
            "LimitExceededException" => ControlPlaneError.LimitExceeded("m", "t"),
            "ResourceAlreadyExistsException" => ControlPlaneError.ResourceAlreadyExists("m", "t", "n"),
            "ResourceInUseException" => ControlPlaneError.ResourceInUse("m", "t", "n"),
            "ResourceNotFoundException" => ControlPlaneError.ResourceNotFound("m", "t", "n"),
            "ResourcePreconditionNotMetException" => ControlPlaneError.ResourcePreconditionNotMet("m", "t", "n"),
            _ => ControlPlaneError.AccessDenied("m"),
        };

        Assert.Equal((name, status), (error.Name, error.StatusCode));
    }

    [Fact]
    public async Task The_error_writer_sets_status_type_header_and_request_id()
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        await ControlPlaneResults.Error(ControlPlaneError.ResourcePreconditionNotMet("protected", "LEDGER", "v")).ExecuteAsync(context);

        Assert.Equal(412, context.Response.StatusCode);
        Assert.Equal("ResourcePreconditionNotMetException", context.Response.Headers["x-amzn-ErrorType"]);
        Assert.Equal("application/json", context.Response.ContentType);
        Assert.NotEmpty(context.Response.Headers["x-amzn-RequestId"].ToString());
    }

    [Fact]
    public void Ledger_descriptions_use_epoch_seconds_and_omit_absent_members()
    {
        var created = new LedgerDescription
        {
            Name = "vehicles",
            Arn = "arn:aws:qldb:us-east-1:123456789012:ledger/vehicles",
            State = "CREATING",
            CreationDateTime = Created,
            PermissionsMode = "STANDARD",
            DeletionProtection = true,
            KmsKeyArn = "AWS_OWNED_KMS_KEY",
        };

        Assert.Equal(
            """{"Name":"vehicles","Arn":"arn:aws:qldb:us-east-1:123456789012:ledger/vehicles","State":"CREATING","CreationDateTime":1568839243.951,"PermissionsMode":"STANDARD","DeletionProtection":true,"KmsKeyArn":"AWS_OWNED_KMS_KEY"}""",
            JsonSerializer.Serialize(created, ControlPlaneJsonContext.Default.LedgerDescription));
    }

    [Fact]
    public void Described_ledgers_carry_their_encryption_description()
    {
        var described = new LedgerDescription
        {
            Name = "v",
            Arn = "a",
            State = "ACTIVE",
            CreationDateTime = DateTimeOffset.FromUnixTimeSeconds(1568839243),
            EncryptionDescription = new LedgerEncryptionDescription { KmsKeyArn = "AWS_OWNED_KMS_KEY", EncryptionStatus = "ENABLED" },
        };

        Assert.Equal(
            """{"Name":"v","Arn":"a","State":"ACTIVE","CreationDateTime":1568839243"""
            + ""","EncryptionDescription":{"KmsKeyArn":"AWS_OWNED_KMS_KEY","EncryptionStatus":"ENABLED"}}""",
            JsonSerializer.Serialize(described, ControlPlaneJsonContext.Default.LedgerDescription));
    }

    [Fact]
    public void Ledger_lists_omit_the_token_on_the_last_page()
    {
        var list = new ListLedgersResponse { Ledgers = [new LedgerSummary { Name = "v", State = "ACTIVE", CreationDateTime = Created }] };

        Assert.Equal("""{"Ledgers":[{"Name":"v","State":"ACTIVE","CreationDateTime":1568839243.951}]}""",
            JsonSerializer.Serialize(list, ControlPlaneJsonContext.Default.ListLedgersResponse));
    }

    [Fact]
    public void Digest_block_and_revision_bodies_use_ion_text_holders()
    {
        // System.Text.Json's default encoder writes quotes inside strings as \u0022: equal JSON for every client.
        var digest = new GetDigestResponse
        {
            Digest = new byte[32],
            DigestTipAddress = IonTextHolder.Of("{strandId:\"JdxjkR9bSYB5jMHWcI464T\",sequenceNo:999}"),
        };
        var block = new GetBlockResponse { Block = IonTextHolder.Of("{}") };

        Assert.Equal(
            $$$"""{"Digest":"{{{Convert.ToBase64String(new byte[32])}}}","DigestTipAddress":{"IonText":"{strandId:\u0022JdxjkR9bSYB5jMHWcI464T\u0022,sequenceNo:999}"}}""",
            JsonSerializer.Serialize(digest, ControlPlaneJsonContext.Default.GetDigestResponse));
        Assert.Equal("""{"Block":{"IonText":"{}"}}""", JsonSerializer.Serialize(block, ControlPlaneJsonContext.Default.GetBlockResponse));
    }

    [Fact]
    public void Requests_parse_with_their_model_names()
    {
        var request = ControlPlaneValidation.ParseBody(
            """{"BlockAddress":{"IonText":"{strandId:\"x\",sequenceNo:1}"},"DocumentId":"d","DigestTipAddress":{"IonText":"t"}}"""u8,
            ControlPlaneJsonContext.Default.GetRevisionRequest);
        var create = ControlPlaneValidation.ParseBody("""{"Name":"v","PermissionsMode":"STANDARD","Tags":{"k":"v"}}"""u8,
            ControlPlaneJsonContext.Default.CreateLedgerRequest);

        Assert.Equal(("{strandId:\"x\",sequenceNo:1}", "d", "t"), (request.BlockAddress!.IonText, request.DocumentId, request.DigestTipAddress!.IonText));
        Assert.Equal(("v", "STANDARD", (bool?)null, "v"), (create.Name, create.PermissionsMode, create.DeletionProtection, create.Tags!["k"]));
        Assert.Null(ControlPlaneValidation.ParseBody(""u8, ControlPlaneJsonContext.Default.GetBlockRequest).BlockAddress);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[1]")]
    [InlineData("{\"Name\":1}")]
    [InlineData("{\"DeletionProtection\":\"yes\"}")]
    public void Malformed_bodies_are_invalid_parameters(string json)
    {
        var error = Assert.Throws<ControlPlaneProtocolException>(() =>
            ControlPlaneValidation.ParseBody(Encoding.UTF8.GetBytes(json), ControlPlaneJsonContext.Default.CreateLedgerRequest)).Error;

        Assert.Equal(("InvalidParameterException", "Body"), (error.Name, error.ParameterName));
    }

    [Theory]
    [InlineData("vehicles", true)]
    [InlineData("a-b", true)]
    [InlineData("123", false)]
    [InlineData("a--b", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Ledger_names_are_validated_with_the_parameter_named(string? name, bool valid)
    {
        if (valid)
        {
            Assert.Equal(name, ControlPlaneValidation.LedgerName(name, "Name"));
        }
        else
        {
            Assert.Equal("Name", Assert.Throws<ControlPlaneProtocolException>(() => ControlPlaneValidation.LedgerName(name, "Name")).Error.ParameterName);
        }
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("1", 1)]
    [InlineData("100", 100)]
    public void Max_results_accepts_1_to_100(string? value, int? expected)
    {
        Assert.Equal(expected, ControlPlaneValidation.MaxResults(value));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData(" 5")]
    public void Max_results_outside_1_to_100_is_refused(string value)
    {
        Assert.Equal("MaxResults", Assert.Throws<ControlPlaneProtocolException>(() => ControlPlaneValidation.MaxResults(value)).Error.ParameterName);
    }

    [Fact]
    public void Next_tokens_ids_and_permissions_modes_are_validated()
    {
        Assert.Equal("abcd", ControlPlaneValidation.NextToken("abcd"));
        Assert.Throws<ControlPlaneProtocolException>(() => ControlPlaneValidation.NextToken("abc"));
        Assert.Throws<ControlPlaneProtocolException>(() => ControlPlaneValidation.NextToken(new string('a', 1025)));
        Assert.Equal("7eRcBRZ1u4B1PS8Nhm7mbE", ControlPlaneValidation.Id("7eRcBRZ1u4B1PS8Nhm7mbE", "DocumentId"));
        Assert.Equal("DocumentId",
            Assert.Throws<ControlPlaneProtocolException>(() => ControlPlaneValidation.Id("short", "DocumentId")).Error.ParameterName);
        Assert.Equal("ALLOW_ALL", ControlPlaneValidation.PermissionsMode("ALLOW_ALL"));
        Assert.Throws<ControlPlaneProtocolException>(() => ControlPlaneValidation.PermissionsMode("allow_all"));
    }

    [Fact]
    public void Epoch_second_timestamps_read_back()
    {
        var options = new JsonSerializerOptions { Converters = { new EpochSecondsConverter() } };

        Assert.Equal(Created, JsonSerializer.Deserialize<DateTimeOffset>("1568839243.951", options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<DateTimeOffset>("\"2019-09-18\"", options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<DateTimeOffset>("1e20", options));
    }
}
