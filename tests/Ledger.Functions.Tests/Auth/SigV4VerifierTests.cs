using System.Security.Cryptography;
using System.Text;
using Ledger.Client.SigV4;
using Ledger.Functions.Auth.Credentials;
using Ledger.Functions.Auth.SigV4;

namespace Ledger.Functions.Tests.Auth;

public sealed class SigV4VerifierTests
{
    private const string Body = """{"StartSession":{"LedgerName":"vehicles"}}""";

    internal static SigV4Verifier Verifier(DateTimeOffset? now = null, string? sessionToken = null, string service = "qldb")
    {
        var options = new LedgerAuthOptions();
        options.AccessKeys.Add(new AccessKeyOptions
        {
            AccessKeyId = TestSigner.AccessKeyId,
            SecretAccessKey = TestSigner.Secret,
            Principal = "app",
            SessionToken = sessionToken,
        });
        return new SigV4Verifier(new ConfiguredCredentials(options), new FixedClock(now ?? TestSigner.SigningTime),
            new SigV4VerifierOptions { Service = service });
    }

    private static SigV4Request SignedSendCommand(string body = Body) =>
        TestSigner.Sign("POST", "/", "", TestSigner.Headers(body), body);

    private static SigV4Request WithHeader(SigV4Request request, string name, string value) =>
        request with { Headers = [.. request.Headers.Where(header => !header.Key.Equals(name, StringComparison.OrdinalIgnoreCase)), new(name, value)] };

    [Fact]
    public void A_correctly_signed_request_authenticates_its_principal()
    {
        var result = Verifier().Verify(SignedSendCommand());

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("app", result.Principal);
        Assert.Equal(TestSigner.AccessKeyId, result.AccessKeyId);
    }

    [Fact]
    public void The_iam_documentation_example_verifies_with_its_service_name()
    {
        var request = new SigV4Request("GET", "/", "Action=ListUsers&Version=2010-05-08",
        [
            new("Host", "iam.amazonaws.com"),
            new("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            new("X-Amz-Date", "20150830T123600Z"),
            new("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"),
        ], SHA256.HashData(ReadOnlySpan<byte>.Empty));

        var result = Verifier(new DateTimeOffset(2015, 8, 30, 12, 40, 0, TimeSpan.Zero), service: "iam").Verify(request);

        Assert.True(result.Succeeded, result.Message);
    }

    [Theory]
    [InlineData("us-east-1")]
    [InlineData("eu-west-1")]
    [InlineData("local")]
    public void Any_region_is_accepted(string region)
    {
        var request = TestSigner.Sign("POST", "/", "", TestSigner.Headers(Body), Body, region: region);

        Assert.True(Verifier().Verify(request).Succeeded);
    }

    [Fact]
    public void Control_plane_paths_and_queries_verify()
    {
        var request = TestSigner.Sign("GET", "/tags/arn%3Aaws%3Aqldb%3Aus-east-1%3A123456789012%3Aledger%2Fvehicles",
            "tagKeys=b&tagKeys=a%20b&max_results=5", TestSigner.Headers(""), "");

        Assert.True(Verifier().Verify(request).Succeeded);
    }

    [Fact]
    public void A_wrong_secret_is_an_invalid_signature()
    {
        var request = TestSigner.Sign("POST", "/", "", TestSigner.Headers(Body), Body, secret: "not-the-secret");

        var result = Verifier().Verify(request);

        Assert.Equal(SigV4Failure.InvalidSignature, result.Failure);
        Assert.Null(result.Principal);
        Assert.DoesNotContain(TestSigner.Secret, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_body_is_an_invalid_signature()
    {
        var request = SignedSendCommand() with
        {
            BodySha256 = SHA256.HashData(Encoding.UTF8.GetBytes("""{"StartSession":{"LedgerName":"other"}}""")),
        };

        Assert.Equal(SigV4Failure.InvalidSignature, Verifier().Verify(request).Failure);
    }

    [Theory]
    [InlineData("X-Amz-Target", "QLDBSession.Other")]
    [InlineData("Host", "evil.example")]
    public void A_changed_signed_header_is_an_invalid_signature(string header, string value)
    {
        Assert.Equal(SigV4Failure.InvalidSignature, Verifier().Verify(WithHeader(SignedSendCommand(), header, value)).Failure);
    }

    [Fact]
    public void A_changed_path_or_query_is_an_invalid_signature()
    {
        var request = TestSigner.Sign("GET", "/ledgers", "max_results=5", TestSigner.Headers(""), "");

        Assert.Equal(SigV4Failure.InvalidSignature, Verifier().Verify(request with { RawPath = "/ledgers/x" }).Failure);
        Assert.Equal(SigV4Failure.InvalidSignature, Verifier().Verify(request with { RawQuery = "max_results=6" }).Failure);
    }

    [Fact]
    public void An_unsigned_header_may_change()
    {
        Assert.True(Verifier().Verify(WithHeader(SignedSendCommand(), "User-Agent", "QLDB Driver for Node.js v3.1.0")).Succeeded);
    }

    [Fact]
    public void An_unknown_access_key_is_an_unrecognized_client()
    {
        var request = TestSigner.Sign("POST", "/", "", TestSigner.Headers(Body), Body, accessKeyId: "AKIDUNKNOWN");

        Assert.Equal(SigV4Failure.UnrecognizedClient, Verifier().Verify(request).Failure);
    }

    [Fact]
    public void A_missing_authorization_header_is_missing_authentication()
    {
        var request = new SigV4Request("POST", "/", "", TestSigner.Headers(Body), SHA256.HashData(Encoding.UTF8.GetBytes(Body)));

        var result = Verifier().Verify(request);

        Assert.Equal(SigV4Failure.MissingAuthentication, result.Failure);
        Assert.Equal("Missing Authentication Token", result.Message);
    }

    [Theory]
    [InlineData("Bearer abc")]
    [InlineData("AWS4-HMAC-SHA256")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/qldb/aws4_request, SignedHeaders=host;x-amz-date")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/qldb, SignedHeaders=host;x-amz-date, Signature=" + Sig)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2026112/us-east-1/qldb/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + Sig)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/qldb/aws4_request, SignedHeaders=Host;x-amz-date, Signature=" + Sig)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/qldb/aws4_request, SignedHeaders=host;x-amz-date, Signature=XYZ")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/qldb/aws4_request, SignedHeaders=x-amz-date, Signature=" + Sig)]
    public void A_malformed_authorization_header_is_an_incomplete_signature(string authorization)
    {
        var request = WithHeader(SignedSendCommand(), "Authorization", authorization);

        Assert.Equal(SigV4Failure.IncompleteSignature, Verifier().Verify(request).Failure);
    }

    private const string Sig = "0000000000000000000000000000000000000000000000000000000000000000";

    [Fact]
    public void A_missing_or_unsigned_date_is_an_incomplete_signature()
    {
        var headers = TestSigner.Headers(Body);
        var signed = TestSigner.Sign("POST", "/", "", headers, Body);
        var withoutDate = signed with { Headers = [.. signed.Headers.Where(header => header.Key != "X-Amz-Date")] };

        Assert.Equal(SigV4Failure.IncompleteSignature, Verifier().Verify(withoutDate).Failure);
        Assert.Equal(SigV4Failure.IncompleteSignature, Verifier().Verify(WithHeader(signed, "X-Amz-Date", "2026-11-22T04:00:00Z")).Failure);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(14, true)]
    [InlineData(-14, true)]
    [InlineData(16, false)]
    [InlineData(-16, false)]
    public void The_request_date_must_be_within_15_minutes_of_the_clock(int clockMinutesAhead, bool accepted)
    {
        var result = Verifier(TestSigner.SigningTime.AddMinutes(clockMinutesAhead)).Verify(SignedSendCommand());

        Assert.Equal(accepted, result.Succeeded);
        if (!accepted)
        {
            Assert.Equal(SigV4Failure.SignatureExpired, result.Failure);
            Assert.Equal(clockMinutesAhead > 0
                ? "Signature expired: 20261122T040000Z is now earlier than 20261122T040100Z (20261122T041600Z - 15 min.)"
                : "Signature not yet current: 20261122T040000Z is still later than 20261122T035900Z (20261122T034400Z + 15 min.)",
                result.Message);
        }
    }

    [Fact]
    public void A_scope_for_another_service_is_refused()
    {
        var request = TestSigner.Sign("POST", "/", "", TestSigner.Headers(Body), Body, service: "dynamodb");

        var result = Verifier().Verify(request);

        Assert.Equal(SigV4Failure.InvalidSignature, result.Failure);
        Assert.Contains("'qldb'", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scope_date_other_than_the_request_date_is_refused()
    {
        var request = TestSigner.Sign("POST", "/", "", TestSigner.Headers(Body), Body, scopeDate: "20261121");

        Assert.Equal(SigV4Failure.InvalidSignature, Verifier().Verify(request).Failure);
    }

    [Fact]
    public void A_declared_payload_hash_must_match_the_body()
    {
        var honest = TestSigner.Headers(Body);
        honest.Add(new("x-amz-content-sha256", SigV4Signer.HexSha256(Encoding.UTF8.GetBytes(Body))));
        var lying = TestSigner.Headers(Body);
        lying.Add(new("x-amz-content-sha256", SigV4Signer.EmptyBodySha256));
        var unsigned = TestSigner.Headers(Body);
        unsigned.Add(new("x-amz-content-sha256", "UNSIGNED-PAYLOAD"));

        Assert.True(Verifier().Verify(TestSigner.Sign("POST", "/", "", honest, Body)).Succeeded);
        Assert.Equal(SigV4Failure.InvalidSignature, Verifier().Verify(TestSigner.Sign("POST", "/", "", lying, Body)).Failure);
        Assert.Equal(SigV4Failure.InvalidSignature, Verifier().Verify(TestSigner.Sign("POST", "/", "", unsigned, Body)).Failure);
    }

    [Fact]
    public void A_signed_security_token_is_accepted_and_checked_when_configured()
    {
        var request = TestSigner.Sign("POST", "/", "", TestSigner.Headers(Body, securityToken: "session-token-1"), Body);

        Assert.True(Verifier().Verify(request).Succeeded);
        Assert.True(Verifier(sessionToken: "session-token-1").Verify(request).Succeeded);
        Assert.Equal(SigV4Failure.UnrecognizedClient, Verifier(sessionToken: "session-token-2").Verify(request).Failure);
        Assert.Equal(SigV4Failure.UnrecognizedClient, Verifier(sessionToken: "session-token-1").Verify(SignedSendCommand()).Failure);
    }

    [Fact]
    public void An_unsigned_security_token_is_refused()
    {
        var request = WithHeader(SignedSendCommand(), "X-Amz-Security-Token", "session-token-1");

        Assert.Equal(SigV4Failure.IncompleteSignature, Verifier().Verify(request).Failure);
    }
}
