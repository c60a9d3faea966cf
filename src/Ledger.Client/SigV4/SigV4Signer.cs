using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Ledger.Client.SigV4;

/// <summary>
/// The AWS Signature Version 4 computations as pure functions: canonical request, string to sign, signing
/// key and signature. Canonicalization follows what the AWS SDK for JavaScript v3 signer does for services
/// other than S3 (such as <c>qldb</c>): the path is normalized and its already-encoded form encoded again.
/// </summary>
public static partial class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Terminator = "aws4_request";

    /// <summary>The SHA-256 of an empty body, as lower-case hex.</summary>
    public const string EmptyBodySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>
    /// Normalizes the raw path (drops empty and <c>.</c> segments, resolves <c>..</c>) and URI-encodes it
    /// once more, keeping <c>/</c>: the SDK signs the encoded path it sends, so <c>%3A</c> becomes <c>%253A</c>.
    /// </summary>
    public static string CanonicalUri(string rawPath)
    {
        ArgumentNullException.ThrowIfNull(rawPath);
        var segments = new List<string>();
        foreach (var segment in rawPath.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else
            {
                segments.Add(segment);
            }
        }

        var builder = new StringBuilder("/");
        builder.AppendJoin('/', segments.Select(UriEncode));
        if (segments.Count > 0 && rawPath.EndsWith('/'))
        {
            builder.Append('/');
        }

        return builder.ToString();
    }

    /// <summary>
    /// Decodes each name and value of the raw query, re-encodes them per RFC 3986, and sorts by encoded
    /// name, then by value. <c>+</c> is a literal plus, as the SDKs never send it for a space.
    /// </summary>
    public static string CanonicalQueryString(string rawQuery)
    {
        ArgumentNullException.ThrowIfNull(rawQuery);
        var pairs = new List<(string Name, string Value)>();
        foreach (var part in rawQuery.TrimStart('?').Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? string.Empty : part[(equals + 1)..];
            pairs.Add((UriEncode(PercentDecode(name)), UriEncode(PercentDecode(value))));
        }

        return string.Join('&', pairs
            .OrderBy(pair => pair.Name, StringComparer.Ordinal)
            .ThenBy(pair => pair.Value, StringComparer.Ordinal)
            .Select(pair => pair.Name + "=" + pair.Value));
    }

    /// <summary>
    /// The canonical headers block for the signed header names (already lower-case and sorted): one
    /// <c>name:value\n</c> line each, values trimmed with inner whitespace runs collapsed and repeats comma-joined.
    /// </summary>
    public static string CanonicalHeaders(SigV4Request request, IReadOnlyList<string> signedHeaders)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(signedHeaders);
        var builder = new StringBuilder();
        foreach (var name in signedHeaders)
        {
            var values = request.HeaderValues(name).Select(value => Whitespace().Replace(value.Trim(), " "));
            builder.Append(name).Append(':').AppendJoin(',', values).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>The six-line canonical request.</summary>
    public static string CanonicalRequest(SigV4Request request, IReadOnlyList<string> signedHeaders, string payloadHash)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(signedHeaders);
        return string.Join('\n',
            request.Method.ToUpperInvariant(),
            CanonicalUri(request.RawPath),
            CanonicalQueryString(request.RawQuery),
            CanonicalHeaders(request, signedHeaders),
            string.Join(';', signedHeaders),
            payloadHash);
    }

    /// <summary><c>AWS4-HMAC-SHA256\n&lt;amzDate&gt;\n&lt;scope&gt;\n&lt;hex SHA-256 of the canonical request&gt;</c>.</summary>
    public static string StringToSign(string amzDate, string credentialScope, string canonicalRequest)
    {
        ArgumentNullException.ThrowIfNull(canonicalRequest);
        return string.Join('\n', Algorithm, amzDate, credentialScope, HexSha256(Encoding.UTF8.GetBytes(canonicalRequest)));
    }

    /// <summary>HMAC chain over "AWS4" + secret, the scope date, region, service and "aws4_request".</summary>
    public static byte[] SigningKey(string secretAccessKey, string date, string region, string service)
    {
        ArgumentNullException.ThrowIfNull(secretAccessKey);
        var key = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
        foreach (var part in new[] { date, region, service, Terminator })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return key;
    }

    /// <summary>The lower-case hex HMAC of the string to sign under the signing key.</summary>
    public static string Signature(byte[] signingKey, string stringToSign)
    {
        ArgumentNullException.ThrowIfNull(stringToSign);
        return Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>The signature a client holding <paramref name="secretAccessKey"/> would send for this request.</summary>
    public static string ComputeSignature(
        SigV4Request request, IReadOnlyList<string> signedHeaders, string payloadHash, string amzDate,
        SigV4Scope scope, string secretAccessKey)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var canonicalRequest = CanonicalRequest(request, signedHeaders, payloadHash);
        var stringToSign = StringToSign(amzDate, scope.ToString(), canonicalRequest);
        return Signature(SigningKey(secretAccessKey, scope.Date, scope.Region, scope.Service), stringToSign);
    }

    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>RFC 3986 encoding of every byte except the unreserved <c>A-Z a-z 0-9 - _ . ~</c>.</summary>
    public static string UriEncode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static string PercentDecode(string value) => Uri.UnescapeDataString(value);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
