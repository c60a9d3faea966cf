using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ledger.Client.SigV4;

namespace Ledger.Functions.Tests.Auth;

/// <summary>Signs requests the way an AWS SDK does (Authorization header form), for verifier tests.</summary>
internal static class TestSigner
{
    public const string AccessKeyId = "AKIDEXAMPLE";
    public const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public static readonly DateTimeOffset SigningTime = new(2026, 11, 22, 4, 0, 0, TimeSpan.Zero);

    public static List<KeyValuePair<string, string>> Headers(
        string body, DateTimeOffset? time = null, string? securityToken = null, string host = "session.qldb.local:7071")
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Host", host),
            new("Content-Type", "application/x-amz-json-1.0"),
            new("X-Amz-Target", "QLDBSession.SendCommand"),
            new("X-Amz-Date", (time ?? SigningTime).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)),
            new("Content-Length", Encoding.UTF8.GetByteCount(body).ToString(CultureInfo.InvariantCulture)),
        };
        if (securityToken is not null)
        {
            headers.Add(new("X-Amz-Security-Token", securityToken));
        }

        return headers;
    }

    /// <summary>Adds an Authorization header signing every header given except Content-Length.</summary>
    public static SigV4Request Sign(
        string method, string rawPath, string rawQuery, List<KeyValuePair<string, string>> headers, string body,
        string accessKeyId = AccessKeyId, string secret = Secret, string region = "us-east-1", string service = "qldb",
        string? scopeDate = null)
    {
        var bodyHash = SHA256.HashData(Encoding.UTF8.GetBytes(body));
        var unsigned = new SigV4Request(method, rawPath, rawQuery, headers, bodyHash);
        var signedHeaders = headers.Select(header => header.Key.ToLowerInvariant())
            .Where(name => name != "content-length").Distinct().Order(StringComparer.Ordinal).ToArray();
        var amzDate = unsigned.Header("x-amz-date")!;
        var scope = new SigV4Scope(scopeDate ?? amzDate[..8], region, service);
        var signature = SigV4Signer.ComputeSignature(unsigned, signedHeaders,
            unsigned.Header("x-amz-content-sha256") ?? Convert.ToHexStringLower(bodyHash), amzDate, scope, secret);
        var authorization = $"{SigV4Signer.Algorithm} Credential={accessKeyId}/{scope}, "
            + $"SignedHeaders={string.Join(';', signedHeaders)}, Signature={signature}";
        return unsigned with { Headers = [.. headers, new("Authorization", authorization)] };
    }
}

/// <summary>A clock that always answers the same instant.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
