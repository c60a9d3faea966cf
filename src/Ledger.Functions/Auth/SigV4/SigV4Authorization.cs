using Ledger.Client.SigV4;

namespace Ledger.Functions.Auth.SigV4;

/// <summary>
/// The parsed <c>Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…</c> header.
/// </summary>
public sealed record SigV4Authorization(string AccessKeyId, SigV4Scope Scope, IReadOnlyList<string> SignedHeaders, string Signature)
{
    /// <summary>
    /// Parses the header; null (with a reason that never quotes the header) when it is not a complete
    /// SigV4 authorization.
    /// </summary>
    public static SigV4Authorization? TryParse(string? header, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(header))
        {
            error = "Missing Authentication Token";
            return null;
        }

        var trimmed = header.Trim();
        if (!trimmed.StartsWith(SigV4Signer.Algorithm + " ", StringComparison.Ordinal))
        {
            error = $"Authorization header requires the {SigV4Signer.Algorithm} algorithm.";
            return null;
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in trimmed[(SigV4Signer.Algorithm.Length + 1)..].Split(','))
        {
            var item = part.Trim();
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var value = item[(equals + 1)..].Trim();
            switch (item[..equals].Trim())
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
                default: break;
            }
        }

        if (credential is null || signedHeaders is null || signature is null)
        {
            error = "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.";
            return null;
        }

        var scopeParts = credential.Split('/');
        if (scopeParts.Length != 5 || scopeParts.Any(string.IsNullOrEmpty) || scopeParts[4] != SigV4Signer.Terminator
            || scopeParts[1].Length != 8 || !scopeParts[1].All(char.IsAsciiDigit))
        {
            error = "Credential should be scoped to a valid date, region and service: <key>/<yyyyMMdd>/<region>/<service>/aws4_request.";
            return null;
        }

        var headerNames = signedHeaders.Split(';');
        if (headerNames.Any(name => name.Length == 0 || name != name.ToLowerInvariant()))
        {
            error = "SignedHeaders must be a ';'-separated list of lower-case header names.";
            return null;
        }

        if (signature.Length != 64 || !signature.All(char.IsAsciiHexDigitLower))
        {
            error = "Signature must be 64 lower-case hexadecimal characters.";
            return null;
        }

        var sortedNames = headerNames.Order(StringComparer.Ordinal).ToArray();
        return new SigV4Authorization(scopeParts[0], new SigV4Scope(scopeParts[1], scopeParts[2], scopeParts[3]), sortedNames, signature);
    }
}
