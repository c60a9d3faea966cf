using System.Text;

namespace Ledger.Azure.EventHubs;

/// <summary>
/// A shared access policy name and key (the policy needs the Send claim). The key is kept private and never rendered
/// by <see cref="ToString"/>, so the credential can be logged or shown in a debugger without leaking the secret.
/// </summary>
public sealed class EventHubsSharedAccessKeyCredential
{
    private readonly byte[] _keyBytes;

    /// <summary>Creates a credential from the policy name and its key string.</summary>
    public EventHubsSharedAccessKeyCredential(string keyName, string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyName);
        ArgumentException.ThrowIfNullOrEmpty(key);
        KeyName = keyName;
        _keyBytes = Encoding.UTF8.GetBytes(key);
    }

    /// <summary>The shared access policy name (skn).</summary>
    public string KeyName { get; }

    /// <summary>A token for <paramref name="resourceUri"/> valid until <paramref name="expiresOn"/>.</summary>
    internal string CreateToken(string resourceUri, DateTimeOffset expiresOn)
    {
        var encodedResource = SharedAccessSignature.Encode(resourceUri);
        var expiry = expiresOn.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = SharedAccessSignature.ComputeSignature(_keyBytes, encodedResource, expiry);
        return $"{SharedAccessSignature.Scheme} sr={encodedResource}&sig={SharedAccessSignature.Encode(signature)}&se={expiry}&skn={SharedAccessSignature.Encode(KeyName)}";
    }

    /// <inheritdoc />
    public override string ToString() => $"SharedAccessKey(KeyName={KeyName}, Key=REDACTED)";
}
