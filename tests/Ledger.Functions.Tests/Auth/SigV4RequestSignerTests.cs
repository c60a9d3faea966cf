using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Ledger.Client.SigV4;

namespace Ledger.Functions.Tests.Auth;

/// <summary>The client signer (Ledger.Client) checked against the handler's verifier.</summary>
public sealed class SigV4RequestSignerTests
{
    private const string Body = """{"StartSession":{"LedgerName":"vehicles"}}""";

    private static HttpRequestMessage SignedRequest(string path, string secret = TestSigner.Secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("http://127.0.0.1:7071" + path))
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "QLDBSession.SendCommand");
        SigV4RequestSigner.Sign(request, Encoding.UTF8.GetBytes(Body), new SigV4Credentials(TestSigner.AccessKeyId, secret),
            "us-east-1", "qldb", TestSigner.SigningTime);
        return request;
    }

    private static SigV4Request AsArrived(HttpRequestMessage request, string body)
    {
        var headers = request.Headers.NonValidated.Concat(request.Content!.Headers.NonValidated)
            .SelectMany(header => header.Value.Select(value => new KeyValuePair<string, string>(header.Key, value)))
            .ToList();
        return new SigV4Request(request.Method.Method, request.RequestUri!.AbsolutePath, request.RequestUri.Query.TrimStart('?'),
            headers, SHA256.HashData(Encoding.UTF8.GetBytes(body)));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/ledgers/vehicles/digest")]
    public void A_request_the_client_signs_is_accepted_by_the_handler(string path)
    {
        var result = SigV4VerifierTests.Verifier().Verify(AsArrived(SignedRequest(path), Body));

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("app", result.Principal);
    }

    [Fact]
    public void A_changed_body_is_refused()
    {
        var result = SigV4VerifierTests.Verifier().Verify(AsArrived(SignedRequest("/"), Body.Replace("vehicles", "vehicleZ", StringComparison.Ordinal)));

        Assert.False(result.Succeeded);
    }

    [Fact]
    public void A_wrong_secret_is_refused()
    {
        var result = SigV4VerifierTests.Verifier().Verify(AsArrived(SignedRequest("/", secret: "not-the-secret"), Body));

        Assert.False(result.Succeeded);
    }
}
