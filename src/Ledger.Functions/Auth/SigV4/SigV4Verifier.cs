using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ledger.Client.SigV4;
using Ledger.Functions.Auth.Credentials;

namespace Ledger.Functions.Auth.SigV4;

/// <summary>Why a SigV4 request was refused; each maps to the AWS error a client expects.</summary>
public enum SigV4Failure
{
    /// <summary>No Authorization header at all (MissingAuthenticationTokenException).</summary>
    MissingAuthentication,

    /// <summary>The Authorization header or a required signed header is malformed (IncompleteSignatureException).</summary>
    IncompleteSignature,

    /// <summary>The access key id, or its session token, is not one we know (UnrecognizedClientException).</summary>
    UnrecognizedClient,

    /// <summary>The signature, scope or payload hash does not match (InvalidSignatureException).</summary>
    InvalidSignature,

    /// <summary>The request date is too far from our clock (InvalidSignatureException "Signature expired").</summary>
    SignatureExpired,
}

/// <summary>The outcome of verifying a request: the authenticated principal, or why it was refused.</summary>
public sealed record SigV4Result(string? Principal, string? AccessKeyId, SigV4Failure? Failure, string? Message)
{
    public bool Succeeded => Failure is null;

    public static SigV4Result Success(string principal, string accessKeyId) => new(principal, accessKeyId, null, null);

    public static SigV4Result Fail(SigV4Failure failure, string message) => new(null, null, failure, message);
}

/// <summary>Settings of <see cref="SigV4Verifier"/>.</summary>
public sealed class SigV4VerifierOptions
{
    /// <summary>The signing name the credential scope must carry; QLDB's data and control planes both use <c>qldb</c>.</summary>
    public string Service { get; set; } = "qldb";

    /// <summary>How far the request's <c>X-Amz-Date</c> may be from our clock; AWS allows 15 minutes.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Verifies AWS Signature Version 4 (Authorization-header form) against configured access keys. Any region
/// is accepted: the region is only part of the scope the client signed.
/// </summary>
public sealed class SigV4Verifier
{
    private const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";
    private const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    private readonly ICredentialStore _credentials;
    private readonly TimeProvider _clock;
    private readonly SigV4VerifierOptions _options;

    public SigV4Verifier(ICredentialStore credentials, TimeProvider clock, SigV4VerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(clock);
        _credentials = credentials;
        _clock = clock;
        _options = options ?? new SigV4VerifierOptions();
    }

    public SigV4Result Verify(SigV4Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authorization = SigV4Authorization.TryParse(request.Header("authorization"), out var parseError);
        if (authorization is null)
        {
            return SigV4Result.Fail(
                request.Header("authorization") is null ? SigV4Failure.MissingAuthentication : SigV4Failure.IncompleteSignature,
                parseError!);
        }

        if (!authorization.SignedHeaders.Contains("host"))
        {
            return SigV4Result.Fail(SigV4Failure.IncompleteSignature, "SignedHeaders must include 'host'.");
        }

        var amzDate = request.Header("x-amz-date");
        if (amzDate is null || !authorization.SignedHeaders.Contains("x-amz-date")
            || !DateTimeOffset.TryParseExact(amzDate, AmzDateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var requestTime))
        {
            return SigV4Result.Fail(SigV4Failure.IncompleteSignature,
                "The request must carry a signed 'X-Amz-Date' header in the form yyyyMMddTHHmmssZ.");
        }

        var now = _clock.GetUtcNow();
        if (now - requestTime > _options.MaxClockSkew)
        {
            return SigV4Result.Fail(SigV4Failure.SignatureExpired,
                $"Signature expired: {amzDate} is now earlier than {Format(now - _options.MaxClockSkew)} "
                + $"({Format(now)} - {_options.MaxClockSkew.TotalMinutes:0} min.)");
        }

        if (requestTime - now > _options.MaxClockSkew)
        {
            return SigV4Result.Fail(SigV4Failure.SignatureExpired,
                $"Signature not yet current: {amzDate} is still later than {Format(now + _options.MaxClockSkew)} "
                + $"({Format(now)} + {_options.MaxClockSkew.TotalMinutes:0} min.)");
        }

        if (authorization.Scope.Date != amzDate[..8])
        {
            return SigV4Result.Fail(SigV4Failure.InvalidSignature,
                $"Credential should be scoped to a valid date: the scope date must be {amzDate[..8]}.");
        }

        if (authorization.Scope.Service != _options.Service)
        {
            return SigV4Result.Fail(SigV4Failure.InvalidSignature,
                $"Credential should be scoped to correct service: '{_options.Service}'.");
        }

        var credential = _credentials.FindAccessKey(authorization.AccessKeyId);
        if (credential is null)
        {
            return SigV4Result.Fail(SigV4Failure.UnrecognizedClient, "The security token included in the request is invalid.");
        }

        var securityToken = request.Header("x-amz-security-token");
        if (securityToken is not null && !authorization.SignedHeaders.Contains("x-amz-security-token"))
        {
            return SigV4Result.Fail(SigV4Failure.IncompleteSignature, "The 'X-Amz-Security-Token' header must be signed.");
        }

        if (credential.SessionToken is not null
            && (securityToken is null || !FixedTimeEquals(securityToken, credential.SessionToken)))
        {
            return SigV4Result.Fail(SigV4Failure.UnrecognizedClient, "The security token included in the request is invalid.");
        }

        var bodyHash = Convert.ToHexStringLower(request.BodySha256.Span);
        var declaredHash = request.Header("x-amz-content-sha256");
        if (declaredHash is not null && !string.Equals(declaredHash, bodyHash, StringComparison.OrdinalIgnoreCase))
        {
            // An unsigned or mismatching declared hash would let a body be swapped under a valid signature.
            return SigV4Result.Fail(SigV4Failure.InvalidSignature, declaredHash == UnsignedPayload
                ? "Unsigned payloads are not accepted."
                : "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        var expected = SigV4Signer.ComputeSignature(request, authorization.SignedHeaders, declaredHash ?? bodyHash,
            amzDate, authorization.Scope, credential.SecretAccessKey);
        if (!FixedTimeEquals(expected, authorization.Signature))
        {
            return SigV4Result.Fail(SigV4Failure.InvalidSignature,
                "The request signature we calculated does not match the signature you provided. "
                + "Check your AWS Secret Access Key and signing method.");
        }

        return SigV4Result.Success(credential.Principal, credential.AccessKeyId);
    }

    private static string Format(DateTimeOffset time) => time.ToString(AmzDateFormat, CultureInfo.InvariantCulture);

    private static bool FixedTimeEquals(string left, string right) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(left)), SHA256.HashData(Encoding.UTF8.GetBytes(right)));
}
