namespace Ledger.Functions.Auth.Credentials;

/// <summary>
/// An AWS-style access key pair mapped to a principal. <see cref="ToString"/> never shows the secret, so the
/// credential can be logged or appear in an exception message safely.
/// </summary>
public sealed class AccessKeyCredential
{
    public AccessKeyCredential(string accessKeyId, string secretAccessKey, string principal, string? sessionToken = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(principal);
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        Principal = principal;
        SessionToken = string.IsNullOrEmpty(sessionToken) ? null : sessionToken;
    }

    public string AccessKeyId { get; }

    public string SecretAccessKey { get; }

    public string Principal { get; }

    /// <summary>When set, requests must carry this value in a signed <c>X-Amz-Security-Token</c> header.</summary>
    public string? SessionToken { get; }

    public override string ToString() => $"AccessKey {AccessKeyId} (principal {Principal})";
}

/// <summary>Finds the credential behind an access key id.</summary>
public interface ICredentialStore
{
    /// <summary>The credential for <paramref name="accessKeyId"/>, or null when it is not configured.</summary>
    AccessKeyCredential? FindAccessKey(string accessKeyId);
}
