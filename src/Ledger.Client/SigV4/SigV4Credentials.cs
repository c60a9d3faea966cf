namespace Ledger.Client.SigV4;

/// <summary>An access key pair (and optional session token) a client signs with. <see cref="ToString"/> never shows the secret.</summary>
public sealed record SigV4Credentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    public override string ToString() => $"SigV4Credentials {{ AccessKeyId = {AccessKeyId} }}";
}
