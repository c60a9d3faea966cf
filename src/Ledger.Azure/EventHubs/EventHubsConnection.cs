using global::Azure.Core;

namespace Ledger.Azure.EventHubs;

/// <summary>
/// Where an event hub is and how to authenticate to it: a shared access key (from an Event Hubs connection string)
/// or a <see cref="global::Azure.Core.TokenCredential"/> (Entra ID, role Azure Event Hubs Data Sender).
/// </summary>
public sealed class EventHubsConnection
{
    private EventHubsConnection(Uri endpoint, string hubName, EventHubsSharedAccessKeyCredential? sharedAccessKey, TokenCredential? tokenCredential)
    {
        Endpoint = endpoint;
        HubName = hubName;
        SharedAccessKey = sharedAccessKey;
        TokenCredential = tokenCredential;
    }

    /// <summary>The namespace base URI requests go to, e.g. https://ns.servicebus.windows.net/ (or a local contract endpoint).</summary>
    public Uri Endpoint { get; }

    /// <summary>The event hub (entity) name.</summary>
    public string HubName { get; }

    /// <summary>The shared access key, when the connection uses SAS.</summary>
    public EventHubsSharedAccessKeyCredential? SharedAccessKey { get; }

    /// <summary>The token credential, when the connection uses Entra ID.</summary>
    public TokenCredential? TokenCredential { get; }

    /// <summary>The hub's resource URI: the SAS audience (sr) and the prefix of every send URL.</summary>
    public Uri HubUri => new(Endpoint, Uri.EscapeDataString(HubName));

    /// <summary>
    /// Parses <c>Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=..;SharedAccessKey=..;EntityPath=hub</c>.
    /// <paramref name="hubName"/> is required when the string has no EntityPath and must match it otherwise.
    /// </summary>
    /// <exception cref="FormatException">The string is malformed or incomplete. The message never contains the key.</exception>
    public static EventHubsConnection Parse(string connectionString, string? hubName = null)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var settings = ParseSettings(connectionString);
        if (settings.ContainsKey("UseDevelopmentEmulator"))
        {
            throw new FormatException("The Event Hubs emulator speaks AMQP only; the REST producer needs a namespace or a contract endpoint.");
        }
        if (settings.ContainsKey("SharedAccessSignature"))
        {
            throw new FormatException("SharedAccessSignature connection strings are not supported; use SharedAccessKeyName and SharedAccessKey.");
        }
        if (!settings.TryGetValue("Endpoint", out var endpointText) || !Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint)
            || endpoint.Scheme is not ("sb" or "https" or "http"))
        {
            throw new FormatException("The connection string needs Endpoint=sb://<namespace>.servicebus.windows.net/.");
        }
        settings.TryGetValue("EntityPath", out var entityPath);
        if (!string.IsNullOrEmpty(entityPath) && !string.IsNullOrEmpty(hubName) && !string.Equals(entityPath, hubName, StringComparison.Ordinal))
        {
            throw new FormatException($"The connection string's EntityPath '{entityPath}' differs from the hub name '{hubName}'.");
        }
        var hub = string.IsNullOrEmpty(entityPath) ? hubName : entityPath;
        if (string.IsNullOrEmpty(hub))
        {
            throw new FormatException("The connection string has no EntityPath and no hub name was given.");
        }
        if (!settings.TryGetValue("SharedAccessKeyName", out var keyName) || string.IsNullOrEmpty(keyName)
            || !settings.TryGetValue("SharedAccessKey", out var key) || string.IsNullOrEmpty(key))
        {
            throw new FormatException("The connection string needs SharedAccessKeyName and SharedAccessKey.");
        }
        // sb:// names the AMQP endpoint; the REST send API lives on https at the same host.
        var baseUri = endpoint.Scheme == "sb" ? new UriBuilder(endpoint) { Scheme = "https", Port = -1 }.Uri : endpoint;
        return new EventHubsConnection(Normalize(baseUri), hub, new EventHubsSharedAccessKeyCredential(keyName, key), null);
    }

    /// <summary>A namespace (<c>ns.servicebus.windows.net</c>) authenticated with a token credential over https.</summary>
    public static EventHubsConnection FromNamespace(string fullyQualifiedNamespace, string hubName, TokenCredential credential)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fullyQualifiedNamespace);
        ArgumentNullException.ThrowIfNull(credential);
        ValidateHubName(hubName);
        return new EventHubsConnection(new Uri($"https://{fullyQualifiedNamespace.Trim().TrimEnd('/')}/"), hubName, null, credential);
    }

    /// <summary>A namespace signed with a shared access key.</summary>
    public static EventHubsConnection FromSharedAccessKey(Uri endpoint, string hubName, EventHubsSharedAccessKeyCredential credential)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credential);
        ValidateHubName(hubName);
        return new EventHubsConnection(Normalize(RequireHttp(endpoint)), hubName, credential, null);
    }

    /// <summary>
    /// The same hub and credential sent to another http(s) base URI: a local contract endpoint or a proxy. SAS tokens
    /// then name that URI as their audience. Entra ID needs https (Azure.Core refuses bearer tokens over http).
    /// </summary>
    public EventHubsConnection WithEndpoint(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return new EventHubsConnection(Normalize(RequireHttp(endpoint)), HubName, SharedAccessKey, TokenCredential);
    }

    /// <summary>A description without secrets.</summary>
    public override string ToString() =>
        $"EventHubsConnection(Endpoint={Endpoint}, Hub={HubName}, Auth={(SharedAccessKey is null ? "Token" : "SharedAccessKey")})";

    private static void ValidateHubName(string hubName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hubName);
        if (hubName.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("An event hub name cannot contain '/'.", nameof(hubName));
        }
    }

    private static Uri RequireHttp(Uri endpoint) =>
        endpoint.IsAbsoluteUri && endpoint.Scheme is "http" or "https"
            ? endpoint
            : throw new ArgumentException("The endpoint must be an absolute http or https URI.", nameof(endpoint));

    private static Uri Normalize(Uri endpoint)
    {
        var text = endpoint.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith('/') ? text : text + "/");
    }

    private static Dictionary<string, string> ParseSettings(string connectionString)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Split on the first '=' only: keys often end with '='.
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
        return settings;
    }
}
