using System.Globalization;
using System.Security.Cryptography;

namespace Ledger.Client.SigV4;

/// <summary>
/// Signs an outgoing <see cref="HttpRequestMessage"/> the way the AWS SDKs do (Authorization header form):
/// it sets <c>Host</c>, <c>X-Amz-Date</c> and, with a session token, <c>X-Amz-Security-Token</c>, then
/// signs those plus <c>Content-Type</c> and <c>X-Amz-Target</c> when present. Call it on every attempt, so
/// a retry carries a fresh date and signature.
/// </summary>
public static class SigV4RequestSigner
{
    public static void Sign(
        HttpRequestMessage request, ReadOnlySpan<byte> body, SigV4Credentials credentials, string region, string service,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(request.RequestUri);
        if (!request.RequestUri.IsAbsoluteUri)
        {
            throw new ArgumentException("The request needs an absolute URI to be signed.", nameof(request));
        }

        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var host = request.RequestUri.IsDefaultPort ? request.RequestUri.Host : request.RequestUri.Authority;
        request.Headers.Host = host;
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.Remove("X-Amz-Security-Token");
        if (credentials.SessionToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.SessionToken);
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var header in request.Headers.NonValidated)
        {
            headers.AddRange(header.Value.Select(value => new KeyValuePair<string, string>(header.Key, value)));
        }

        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers.NonValidated)
            {
                headers.AddRange(header.Value.Select(value => new KeyValuePair<string, string>(header.Key, value)));
            }
        }

        // Content-Length and transport headers may be rewritten on the way out, so only these are signed.
        string[] candidates = ["content-type", "host", "x-amz-date", "x-amz-security-token", "x-amz-target"];
        var signedHeaders = candidates
            .Where(name => headers.Exists(header => header.Key.Equals(name, StringComparison.OrdinalIgnoreCase)))
            .ToArray();
        var bodyHash = SHA256.HashData(body);
        var unsigned = new SigV4Request(request.Method.Method, request.RequestUri.AbsolutePath, request.RequestUri.Query.TrimStart('?'),
            headers, bodyHash);
        var scope = new SigV4Scope(amzDate[..8], region, service);
        var signature = SigV4Signer.ComputeSignature(unsigned, signedHeaders, Convert.ToHexStringLower(bodyHash), amzDate, scope,
            credentials.SecretAccessKey);
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization",
            $"{SigV4Signer.Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={string.Join(';', signedHeaders)}, Signature={signature}");
    }
}
