using Ledger.Azure.EventHubs;

namespace Ledger.Azure.Tests.EventHubs;

public sealed class SharedAccessSignatureTests
{
    // Hand-computed with openssl:
    // printf 'https%3A%2F%2Fcontoso.servicebus.windows.net%2Fledger-stream\n1893456000' \
    //   | openssl dgst -sha256 -hmac 'Zm9vYmFy+/key=' -binary | base64
    private const string Resource = "https://contoso.servicebus.windows.net/ledger-stream";
    private const string Key = "Zm9vYmFy+/key=";
    private static readonly DateTimeOffset Expiry = DateTimeOffset.FromUnixTimeSeconds(1893456000);

    [Fact]
    public void Token_matches_the_hand_computed_vector()
    {
        var token = SharedAccessSignature.CreateToken(Resource, "send-policy", Key, Expiry);

        Assert.Equal(
            "SharedAccessSignature sr=https%3A%2F%2Fcontoso.servicebus.windows.net%2Fledger-stream" +
            "&sig=z0K8GayMz2rSUeeJtBLwuBdjI8GRBuGxFHucyofi01k%3D&se=1893456000&skn=send-policy",
            token);
    }

    [Fact]
    public void String_to_sign_is_the_encoded_uri_a_line_feed_and_the_expiry()
    {
        Assert.Equal("https%3A%2F%2Fcontoso.servicebus.windows.net%2Fledger-stream\n1893456000",
            SharedAccessSignature.StringToSign(SharedAccessSignature.Encode(Resource), "1893456000"));
    }

    [Fact]
    public void The_key_is_used_as_utf8_text_not_decoded_from_base64()
    {
        // "c2VjcmV0" is valid base64 ("secret"); signing with the decoded bytes would give another signature.
        var asText = SharedAccessSignature.CreateToken(Resource, "p", "c2VjcmV0", Expiry);
        var asDecodedBytes = SharedAccessSignature.CreateToken(Resource, "p", "secret", Expiry);

        Assert.NotEqual(asText, asDecodedBytes);
        var expected = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(
            "c2VjcmV0"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes(SharedAccessSignature.Encode(Resource) + "\n1893456000")));
        Assert.Contains("&sig=" + System.Net.WebUtility.UrlEncode(expected) + "&", asText, StringComparison.Ordinal);
    }

    [Fact]
    public void Provider_caches_the_token_and_renews_it_before_expiry()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var provider = new SharedAccessSignatureProvider(new EventHubsSharedAccessKeyCredential("send", Key), Resource, TimeSpan.FromHours(1), clock);

        var first = provider.GetToken();
        clock.Advance(TimeSpan.FromMinutes(54));
        var cached = provider.GetToken();
        clock.Advance(TimeSpan.FromMinutes(1));
        var renewed = provider.GetToken();

        Assert.Same(first, cached);
        Assert.Contains("&se=1800003600&", first, StringComparison.Ordinal);
        Assert.NotEqual(first, renewed);
        // Renewed 5 minutes before the old expiry, valid one hour from then.
        Assert.Contains($"&se={1_800_000_000 + (55 * 60) + 3600}&", renewed, StringComparison.Ordinal);
    }

    [Fact]
    public void Credential_never_renders_its_key()
    {
        var credential = new EventHubsSharedAccessKeyCredential("send", "super-secret-key");

        Assert.DoesNotContain("super-secret-key", credential.ToString(), StringComparison.Ordinal);
        Assert.Contains("send", credential.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>A clock that moves only when told.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
