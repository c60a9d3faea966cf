using global::Azure.Core;

namespace Ledger.Azure.Core;

/// <summary>
/// Where a storage account's Table and Blob endpoints are and how to authenticate to them: Shared Key
/// (connection strings with an AccountKey, Azurite) or a <see cref="global::Azure.Core.TokenCredential"/>
/// (managed identity in Azure).
/// </summary>
public sealed class StorageConnection
{
    /// <summary>The Azurite / storage emulator account name.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The well-known, public Azurite account key (not a secret).</summary>
    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private StorageConnection(Uri blobEndpoint, Uri tableEndpoint, string accountName,
        StorageSharedKeyCredential? sharedKey, TokenCredential? tokenCredential)
    {
        BlobEndpoint = blobEndpoint;
        TableEndpoint = tableEndpoint;
        AccountName = accountName;
        SharedKey = sharedKey;
        TokenCredential = tokenCredential;
    }

    /// <summary>The Blob service endpoint, e.g. https://acct.blob.core.windows.net/ or http://127.0.0.1:10000/devstoreaccount1/.</summary>
    public Uri BlobEndpoint { get; }

    /// <summary>The Table service endpoint.</summary>
    public Uri TableEndpoint { get; }

    /// <summary>The storage account name.</summary>
    public string AccountName { get; }

    /// <summary>The Shared Key credential, when the connection uses an account key.</summary>
    public StorageSharedKeyCredential? SharedKey { get; }

    /// <summary>The token credential, when the connection uses Entra ID.</summary>
    public TokenCredential? TokenCredential { get; }

    /// <summary>Azurite on 127.0.0.1 with the well-known development account.</summary>
    public static StorageConnection ForDevelopmentStorage(int blobPort = 10000, int tablePort = 10002) =>
        FromSharedKey(
            new Uri($"http://127.0.0.1:{blobPort}/{DevelopmentAccountName}"),
            new Uri($"http://127.0.0.1:{tablePort}/{DevelopmentAccountName}"),
            new StorageSharedKeyCredential(DevelopmentAccountName, DevelopmentAccountKey));

    /// <summary>Explicit endpoints signed with Shared Key.</summary>
    public static StorageConnection FromSharedKey(Uri blobEndpoint, Uri tableEndpoint, StorageSharedKeyCredential credential)
    {
        ArgumentNullException.ThrowIfNull(blobEndpoint);
        ArgumentNullException.ThrowIfNull(tableEndpoint);
        ArgumentNullException.ThrowIfNull(credential);
        return new StorageConnection(Normalize(blobEndpoint), Normalize(tableEndpoint), credential.AccountName, credential, null);
    }

    /// <summary>Explicit endpoints authenticated with a token credential (e.g. <c>ManagedIdentityCredential</c>). Endpoints must be https.</summary>
    public static StorageConnection FromTokenCredential(Uri blobEndpoint, Uri tableEndpoint, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(blobEndpoint);
        ArgumentNullException.ThrowIfNull(tableEndpoint);
        ArgumentNullException.ThrowIfNull(credential);
        var accountName = blobEndpoint.Host.Split('.')[0];
        return new StorageConnection(Normalize(blobEndpoint), Normalize(tableEndpoint), accountName, null, credential);
    }

    /// <summary>The public-cloud endpoints of <paramref name="accountName"/> authenticated with a token credential.</summary>
    public static StorageConnection FromAccountName(string accountName, TokenCredential credential, string endpointSuffix = "core.windows.net")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        return FromTokenCredential(
            new Uri($"https://{accountName}.blob.{endpointSuffix}"),
            new Uri($"https://{accountName}.table.{endpointSuffix}"),
            credential);
    }

    /// <summary>
    /// Parses an Azure Storage connection string: <c>UseDevelopmentStorage=true</c>;
    /// <c>DefaultEndpointsProtocol=..;AccountName=..;AccountKey=..[;EndpointSuffix=..]</c>; or explicit
    /// <c>BlobEndpoint=..;TableEndpoint=..;AccountName=..;AccountKey=..</c> (the Azurite form). When the
    /// string carries no AccountKey, <paramref name="tokenCredential"/> is used.
    /// </summary>
    /// <exception cref="FormatException">The string is malformed or lacks what is needed. The message never contains the key.</exception>
    public static StorageConnection Parse(string connectionString, TokenCredential? tokenCredential = null)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var settings = ParseSettings(connectionString);

        if (settings.TryGetValue("UseDevelopmentStorage", out var useDev))
        {
            if (!bool.TryParse(useDev, out var isDev) || !isDev)
            {
                throw new FormatException("UseDevelopmentStorage must be 'true' when present.");
            }
            if (settings.ContainsKey("DevelopmentStorageProxyUri"))
            {
                throw new FormatException("DevelopmentStorageProxyUri is not supported.");
            }
            return ForDevelopmentStorage();
        }

        if (settings.ContainsKey("SharedAccessSignature"))
        {
            throw new FormatException("SharedAccessSignature connection strings are not supported; use AccountKey or a token credential.");
        }

        settings.TryGetValue("AccountName", out var accountName);
        settings.TryGetValue("AccountKey", out var accountKey);
        var protocol = settings.GetValueOrDefault("DefaultEndpointsProtocol", "https");
        if (protocol is not ("http" or "https"))
        {
            throw new FormatException("DefaultEndpointsProtocol must be 'http' or 'https'.");
        }
        var suffix = settings.GetValueOrDefault("EndpointSuffix", "core.windows.net");

        var blobEndpoint = EndpointOrDefault(settings, "BlobEndpoint", accountName, protocol, "blob", suffix);
        var tableEndpoint = EndpointOrDefault(settings, "TableEndpoint", accountName, protocol, "table", suffix);

        if (!string.IsNullOrEmpty(accountKey))
        {
            if (string.IsNullOrEmpty(accountName))
            {
                throw new FormatException("The connection string has an AccountKey but no AccountName.");
            }
            StorageSharedKeyCredential credential;
            try
            {
                credential = new StorageSharedKeyCredential(accountName, accountKey);
            }
            catch (ArgumentException e)
            {
                throw new FormatException("The connection string's AccountKey is not valid base64.", e);
            }
            return FromSharedKey(blobEndpoint, tableEndpoint, credential);
        }

        if (tokenCredential is null)
        {
            throw new FormatException("The connection string has no AccountKey and no token credential was given.");
        }
        var connection = FromTokenCredential(blobEndpoint, tableEndpoint, tokenCredential);
        return string.IsNullOrEmpty(accountName)
            ? connection
            : new StorageConnection(connection.BlobEndpoint, connection.TableEndpoint, accountName, null, tokenCredential);
    }

    /// <summary>
    /// Reads a connection the way Azure Functions names it: <c>{name}</c> holds a connection string; otherwise the
    /// identity-based form <c>{name}__accountName</c> (or <c>{name}__blobServiceUri</c> and <c>{name}__tableServiceUri</c>)
    /// with <c>{name}__credential=managedidentity</c> and optional <c>{name}__clientId</c> for a user-assigned identity
    /// (without <c>__credential</c>, DefaultAzureCredential is used, which suits developer machines).
    /// </summary>
    /// <param name="setting">Looks a setting up by name (e.g. <c>Environment.GetEnvironmentVariable</c> or IConfiguration).</param>
    /// <param name="name">The connection name; <c>AzureWebJobsStorage</c> by default.</param>
    /// <exception cref="FormatException">No usable setting is present.</exception>
    public static StorageConnection FromSettings(Func<string, string?> setting, string name = "AzureWebJobsStorage")
    {
        ArgumentNullException.ThrowIfNull(setting);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (setting(name) is { Length: > 0 } connectionString)
        {
            return Parse(connectionString);
        }

        var accountName = setting($"{name}__accountName");
        var blobUri = setting($"{name}__blobServiceUri");
        var tableUri = setting($"{name}__tableServiceUri");
        if (string.IsNullOrEmpty(accountName) && (string.IsNullOrEmpty(blobUri) || string.IsNullOrEmpty(tableUri)))
        {
            throw new FormatException(
                $"Storage connection '{name}' is not configured: set {name} to a connection string, or {name}__accountName " +
                $"(or {name}__blobServiceUri and {name}__tableServiceUri) for an identity-based connection.");
        }

        TokenCredential credential = string.Equals(setting($"{name}__credential"), "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new global::Azure.Identity.ManagedIdentityCredential(setting($"{name}__clientId") is { Length: > 0 } clientId
                ? global::Azure.Identity.ManagedIdentityId.FromUserAssignedClientId(clientId)
                : global::Azure.Identity.ManagedIdentityId.SystemAssigned)
            : new global::Azure.Identity.DefaultAzureCredential();

        if (!string.IsNullOrEmpty(blobUri) && !string.IsNullOrEmpty(tableUri))
        {
            if (!Uri.TryCreate(blobUri, UriKind.Absolute, out var blob) || !Uri.TryCreate(tableUri, UriKind.Absolute, out var table))
            {
                throw new FormatException($"{name}__blobServiceUri and {name}__tableServiceUri must be absolute URIs.");
            }
            var connection = FromTokenCredential(blob, table, credential);
            return string.IsNullOrEmpty(accountName)
                ? connection
                : new StorageConnection(connection.BlobEndpoint, connection.TableEndpoint, accountName, null, credential);
        }
        return FromAccountName(accountName!, credential);
    }

    /// <summary>A description without secrets.</summary>
    public override string ToString() =>
        $"StorageConnection(Account={AccountName}, Blob={BlobEndpoint}, Table={TableEndpoint}, Auth={(SharedKey is null ? "Token" : "SharedKey")})";

    private static Dictionary<string, string> ParseSettings(string connectionString)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Split on the first '=' only: base64 keys end with '='.
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"Connection string segment #{settings.Count + 1} is not 'Name=Value'.");
            }
            var name = part[..equals].Trim();
            if (!settings.TryAdd(name, part[(equals + 1)..].Trim()))
            {
                throw new FormatException($"Connection string setting '{name}' appears more than once.");
            }
        }
        if (settings.Count == 0)
        {
            throw new FormatException("The connection string is empty.");
        }
        return settings;
    }

    private static Uri EndpointOrDefault(Dictionary<string, string> settings, string key, string? accountName,
        string protocol, string service, string suffix)
    {
        if (settings.TryGetValue(key, out var explicitEndpoint))
        {
            if (!Uri.TryCreate(explicitEndpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new FormatException($"{key} is not an absolute http(s) URI.");
            }
            return uri;
        }
        if (string.IsNullOrEmpty(accountName))
        {
            throw new FormatException($"The connection string needs AccountName or {key}.");
        }
        return new Uri($"{protocol}://{accountName}.{service}.{suffix}");
    }

    // Endpoints are used as bases for paths; keep them without a trailing slash so "endpoint + /path" is exact.
    private static Uri Normalize(Uri endpoint) => new(endpoint.AbsoluteUri.TrimEnd('/'));
}
