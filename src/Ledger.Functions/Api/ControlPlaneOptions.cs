namespace Ledger.Functions.Api;

/// <summary>
/// Where the handler claims to be in AWS terms (<c>Ledger:Region</c>, <c>Ledger:AccountId</c>): the region and
/// account that appear in the ARNs the control plane returns and that permission policies name.
/// </summary>
public sealed class ControlPlaneOptions
{
    public const string RegionKey = "Ledger:Region";
    public const string AccountIdKey = "Ledger:AccountId";

    public const string DefaultRegion = "us-east-1";

    /// <summary>The placeholder account of a deployment that configured none (12 digits, as in AWS).</summary>
    public const string DefaultAccountId = "000000000000";

    public string Region { get; init; } = DefaultRegion;

    public string AccountId { get; init; } = DefaultAccountId;

    public static ControlPlaneOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new ControlPlaneOptions
        {
            Region = NonEmpty(configuration[RegionKey]) ?? DefaultRegion,
            AccountId = NonEmpty(configuration[AccountIdKey]) ?? DefaultAccountId,
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
