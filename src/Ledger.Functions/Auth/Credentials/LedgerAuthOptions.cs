namespace Ledger.Functions.Auth.Credentials;

/// <summary>
/// Authentication and permission settings, bound from the <c>Ledger:Auth</c> section; as environment
/// variables, for example <c>Ledger__Auth__AccessKeys__0__AccessKeyId</c>, <c>…__SecretAccessKey</c>,
/// <c>…__Principal</c>, <c>Ledger__Auth__ApiKeys__0__Key</c> and <c>Ledger__Auth__Principals__0__Name</c>.
/// </summary>
public sealed class LedgerAuthOptions
{
    public const string SectionName = "Ledger:Auth";

    /// <summary>Access key pairs that SigV4-signed requests (the QLDB drivers and SDKs) may use.</summary>
    public IList<AccessKeyOptions> AccessKeys { get; } = new List<AccessKeyOptions>();

    /// <summary>API keys for the native API.</summary>
    public IList<ApiKeyOptions> ApiKeys { get; } = new List<ApiKeyOptions>();

    /// <summary>Permission policies per principal (QLDB STANDARD permissions mode).</summary>
    public IList<PrincipalOptions> Principals { get; } = new List<PrincipalOptions>();

    /// <summary>
    /// Adds the well-known <see cref="LocalDevelopmentCredentials"/> (full access). Off unless set: the local
    /// run script turns it on; a deployment never should.
    /// </summary>
    public bool UseLocalDevelopmentKeys { get; set; }

    /// <summary>
    /// A header that carries the host the client signed when a proxy in front of the handler rewrites
    /// <c>Host</c> (for example <c>X-Forwarded-Host</c>); unset means the <c>Host</c> header is used as is.
    /// </summary>
    public string? ForwardedHostHeader { get; set; }

    /// <summary>
    /// Optional base64 key (at least 16 bytes, the same on every instance) that binds session tokens to their
    /// principal; unset, one is derived from the configured access-key secrets.
    /// </summary>
    public string? SessionBindingKey { get; set; }

    /// <summary>How far a signed request's date may be from the server clock.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>One configured access key pair.</summary>
public sealed class AccessKeyOptions
{
    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    public string? Principal { get; set; }

    /// <summary>Optional: a session token the client must send (as temporary AWS credentials do).</summary>
    public string? SessionToken { get; set; }

    public override string ToString() => $"AccessKey {AccessKeyId} (principal {Principal})";
}

/// <summary>One configured API key.</summary>
public sealed class ApiKeyOptions
{
    public string? Key { get; set; }

    public string? Principal { get; set; }

    public override string ToString() => $"ApiKey (principal {Principal})";
}

/// <summary>A principal's permission statements.</summary>
public sealed class PrincipalOptions
{
    public string? Name { get; set; }

    public IList<StatementOptions> Statements { get; } = new List<StatementOptions>();
}

/// <summary>One IAM-like statement: an effect over actions on resources, with <c>*</c> and <c>?</c> wildcards.</summary>
public sealed class StatementOptions
{
    /// <summary><c>Allow</c> (default) or <c>Deny</c>; a matching Deny wins over any Allow.</summary>
    public string? Effect { get; set; }

    public IList<string> Actions { get; } = new List<string>();

    public IList<string> Resources { get; } = new List<string>();
}
