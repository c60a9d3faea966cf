namespace Ledger.Functions.Auth.Credentials;

/// <summary>
/// The well-known credentials of a local run (<c>Ledger__Auth__UseLocalDevelopmentKeys=true</c>), printed by
/// the local run script like Azurite's account key: public by design, so never enable them in Azure.
/// </summary>
public static class LocalDevelopmentCredentials
{
    public const string AccessKeyId = "AKIALEDGERLOCAL00001";

    public const string SecretAccessKey = "ledger/local/development/secret/NOT/for/azure";

    public const string ApiKey = "ledger-local-development-api-key";

    /// <summary>The principal both local keys map to; it may do everything.</summary>
    public const string Principal = "local-admin";
}
