using System.Text;
using Ledger.Client.SigV4;

namespace Ledger.Functions.Tests.Auth;

public sealed class SigV4SignerTests
{
    private const string ExampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private static SigV4Request Request(string method, string path, string query, params (string Name, string Value)[] headers) =>
        new(method, path, query, headers.Select(header => KeyValuePair.Create(header.Name, header.Value)).ToList(),
            System.Security.Cryptography.SHA256.HashData(ReadOnlySpan<byte>.Empty));

    // The worked example of the AWS General Reference ("Signature Version 4 signing process"):
    // GET https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08 at 20150830T123600Z.
    private static readonly SigV4Request IamListUsers = Request("GET", "/", "Action=ListUsers&Version=2010-05-08",
        ("Host", "iam.amazonaws.com"),
        ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ("X-Amz-Date", "20150830T123600Z"));

    private static readonly string[] IamSignedHeaders = ["content-type", "host", "x-amz-date"];

    [Fact]
    public void Iam_example_canonical_request_matches_the_published_text()
    {
        var canonical = SigV4Signer.CanonicalRequest(IamListUsers, IamSignedHeaders, SigV4Signer.EmptyBodySha256);

        Assert.Equal(
            "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
            + "content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            + "content-type;host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            canonical);
        Assert.Equal("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59",
            SigV4Signer.HexSha256(Encoding.UTF8.GetBytes(canonical)));
    }

    [Fact]
    public void Iam_example_string_to_sign_signing_key_and_signature_match_the_published_values()
    {
        var canonical = SigV4Signer.CanonicalRequest(IamListUsers, IamSignedHeaders, SigV4Signer.EmptyBodySha256);
        var stringToSign = SigV4Signer.StringToSign("20150830T123600Z", "20150830/us-east-1/iam/aws4_request", canonical);
        var signingKey = SigV4Signer.SigningKey(ExampleSecret, "20150830", "us-east-1", "iam");

        Assert.Equal(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
            + "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59",
            stringToSign);
        Assert.Equal("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9", Convert.ToHexStringLower(signingKey));
        Assert.Equal("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
            SigV4Signer.Signature(signingKey, stringToSign));
    }

    // Cases of the AWS SigV4 test suite (aws-sig-v4-test-suite), credential scope 20150830/us-east-1/service.
    [Theory]
    [InlineData("get-vanilla", "GET", "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData("post-vanilla", "POST", "", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")]
    [InlineData("get-vanilla-query-order-key-case", "GET", "Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")]
    public void Test_suite_vectors(string name, string method, string query, string expectedSignature)
    {
        var request = Request(method, "/", query, ("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z"));

        var signature = SigV4Signer.ComputeSignature(request, ["host", "x-amz-date"], SigV4Signer.EmptyBodySha256,
            "20150830T123600Z", new SigV4Scope("20150830", "us-east-1", "service"), ExampleSecret);

        Assert.True(expectedSignature == signature, $"{name}: expected {expectedSignature}, got {signature}");
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("", "/")]
    [InlineData("/ledgers", "/ledgers")]
    [InlineData("/ledgers/my-ledger/", "/ledgers/my-ledger/")]
    [InlineData("//ledgers//x", "/ledgers/x")]
    [InlineData("/a/./b/../c", "/a/c")]
    [InlineData("/../a", "/a")]
    // The SDK signs the path it sends, already encoded, and encodes it again for non-S3 services.
    [InlineData("/tags/arn%3Aaws%3Aqldb%3Aus-east-1%3A123456789012%3Aledger%2Fx",
        "/tags/arn%253Aaws%253Aqldb%253Aus-east-1%253A123456789012%253Aledger%252Fx")]
    [InlineData("/a b/~c_d.e", "/a%20b/~c_d.e")]
    [InlineData("/ü", "/%C3%BC")]
    public void Canonical_uri_normalizes_and_double_encodes(string rawPath, string expected)
    {
        Assert.Equal(expected, SigV4Signer.CanonicalUri(rawPath));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("b=2&a=1", "a=1&b=2")]
    [InlineData("a=2&a=1", "a=1&a=2")]
    [InlineData("max_results=10&next_token=ab%2Bc%3D", "max_results=10&next_token=ab%2Bc%3D")]
    [InlineData("tagKeys=k%202&tagKeys=k1", "tagKeys=k%202&tagKeys=k1")]
    [InlineData("flag", "flag=")]
    [InlineData("a=x+y", "a=x%2By")]
    [InlineData("Z=1&a=1", "Z=1&a=1")]
    [InlineData("a=%7e", "a=~")]
    public void Canonical_query_string_decodes_reencodes_and_sorts(string rawQuery, string expected)
    {
        Assert.Equal(expected, SigV4Signer.CanonicalQueryString(rawQuery));
    }

    [Fact]
    public void Canonical_headers_trim_collapse_spaces_and_join_repeats()
    {
        var request = Request("POST", "/", "",
            ("My-Header1", "  value1  "), ("my-header2", "\"a   b \t c\""), ("My-Header1", "second"), ("Host", "h"));

        var headers = SigV4Signer.CanonicalHeaders(request, ["host", "my-header1", "my-header2"]);

        Assert.Equal("host:h\nmy-header1:value1,second\nmy-header2:\"a b c\"\n", headers);
    }

    [Theory]
    [InlineData("AZaz09-_.~", "AZaz09-_.~")]
    [InlineData("a/b c+d=e*", "a%2Fb%20c%2Bd%3De%2A")]
    [InlineData("€", "%E2%82%AC")]
    public void Uri_encode_keeps_only_unreserved_characters(string value, string expected)
    {
        Assert.Equal(expected, SigV4Signer.UriEncode(value));
    }
}
