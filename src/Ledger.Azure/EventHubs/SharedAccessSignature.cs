using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Ledger.Azure.EventHubs;

/// <summary>
/// Builds Service Bus / Event Hubs shared access signature tokens:
/// <c>SharedAccessSignature sr={enc(uri)}&amp;sig={enc(signature)}&amp;se={expiry}&amp;skn={keyName}</c> where
/// <c>signature = Base64(HMAC-SHA256(UTF-8(key), enc(uri) + "\n" + expiry))</c>. The key string is used as UTF-8 bytes,
/// not base64-decoded: that is what the service does, even though portal keys look like base64.
/// </summary>
public static class SharedAccessSignature
{
    /// <summary>The scheme that prefixes the token in the Authorization header.</summary>
    public const string Scheme = "SharedAccessSignature";

    /// <summary>Builds a token for <paramref name="resourceUri"/> valid until <paramref name="expiresOn"/> (whole Unix seconds).</summary>
    /// <param name="resourceUri">The audience, e.g. <c>https://ns.servicebus.windows.net/hub</c>.</param>
    /// <param name="keyName">The shared access policy name (skn).</param>
    /// <param name="key">The shared access key string.</param>
    /// <param name="expiresOn">When the token stops being accepted.</param>
    public static string CreateToken(string resourceUri, string keyName, string key, DateTimeOffset expiresOn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceUri);
        return new EventHubsSharedAccessKeyCredential(keyName, key).CreateToken(resourceUri, expiresOn);
    }

    /// <summary>The exact string that is signed: the encoded resource URI, a line feed and the expiry in Unix seconds.</summary>
    public static string StringToSign(string encodedResourceUri, string expiryUnixSeconds) => encodedResourceUri + "\n" + expiryUnixSeconds;

    /// <summary>Base64(HMAC-SHA256(<paramref name="keyBytes"/>, UTF-8(stringToSign))).</summary>
    internal static string ComputeSignature(byte[] keyBytes, string encodedResourceUri, string expiryUnixSeconds) =>
        Convert.ToBase64String(HMACSHA256.HashData(keyBytes, Encoding.UTF8.GetBytes(StringToSign(encodedResourceUri, expiryUnixSeconds))));

    // WebUtility.UrlEncode is what the Azure SDKs use: upper-case hex, so the same encoded sr goes into the signed
    // string and the token.
    internal static string Encode(string value) => WebUtility.UrlEncode(value);
}

/// <summary>
/// Caches one token per resource and renews it <see cref="RenewBefore"/> before it expires, so a send never
/// carries a token that is about to lapse and most sends sign nothing.
/// </summary>
internal sealed class SharedAccessSignatureProvider
{
    private readonly EventHubsSharedAccessKeyCredential _credential;
    private readonly string _resourceUri;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private string? _token;
    private DateTimeOffset _expiresOn;

    public SharedAccessSignatureProvider(EventHubsSharedAccessKeyCredential credential, string resourceUri, TimeSpan lifetime, TimeProvider? clock = null)
    {
        if (lifetime < TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A SAS token must live at least one minute.");
        }
        _credential = credential;
        _resourceUri = resourceUri;
        _clock = clock ?? TimeProvider.System;
        Lifetime = lifetime;
        // Renew with a quarter of the lifetime left (at most five minutes): clocks drift and requests take time.
        RenewBefore = TimeSpan.FromTicks(Math.Min(lifetime.Ticks / 4, TimeSpan.FromMinutes(5).Ticks));
    }

    public TimeSpan Lifetime { get; }

    public TimeSpan RenewBefore { get; }

    public string GetToken()
    {
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            if (_token is null || now >= _expiresOn - RenewBefore)
            {
                _expiresOn = now + Lifetime;
                _token = _credential.CreateToken(_resourceUri, _expiresOn);
            }
            return _token;
        }
    }
}
