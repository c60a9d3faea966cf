using System.Security.Cryptography;
using System.Text;

namespace Ledger.Functions.Auth.Credentials;

/// <summary>Access keys and API keys from <see cref="LedgerAuthOptions"/>, validated once at start-up.</summary>
public sealed class ConfiguredCredentials : ICredentialStore
{
    private readonly Dictionary<string, AccessKeyCredential> _accessKeys = new(StringComparer.Ordinal);
    private readonly List<(byte[] KeyHash, string Principal)> _apiKeys = [];

    public ConfiguredCredentials(LedgerAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        for (var index = 0; index < options.AccessKeys.Count; index++)
        {
            var key = options.AccessKeys[index];
            if (string.IsNullOrWhiteSpace(key.AccessKeyId) || string.IsNullOrEmpty(key.SecretAccessKey)
                || string.IsNullOrWhiteSpace(key.Principal))
            {
                throw new InvalidOperationException(
                    $"Ledger:Auth:AccessKeys:{index} needs AccessKeyId, SecretAccessKey and Principal.");
            }

            if (!_accessKeys.TryAdd(key.AccessKeyId, new AccessKeyCredential(key.AccessKeyId, key.SecretAccessKey, key.Principal, key.SessionToken)))
            {
                throw new InvalidOperationException($"Ledger:Auth:AccessKeys:{index}: access key id {key.AccessKeyId} is configured twice.");
            }
        }

        for (var index = 0; index < options.ApiKeys.Count; index++)
        {
            var key = options.ApiKeys[index];
            if (string.IsNullOrEmpty(key.Key) || string.IsNullOrWhiteSpace(key.Principal))
            {
                throw new InvalidOperationException($"Ledger:Auth:ApiKeys:{index} needs Key and Principal.");
            }

            _apiKeys.Add((Hash(key.Key), key.Principal));
        }

        if (options.UseLocalDevelopmentKeys)
        {
            _accessKeys.TryAdd(LocalDevelopmentCredentials.AccessKeyId, new AccessKeyCredential(
                LocalDevelopmentCredentials.AccessKeyId, LocalDevelopmentCredentials.SecretAccessKey, LocalDevelopmentCredentials.Principal));
            _apiKeys.Add((Hash(LocalDevelopmentCredentials.ApiKey), LocalDevelopmentCredentials.Principal));
        }
    }

    public AccessKeyCredential? FindAccessKey(string accessKeyId)
    {
        ArgumentNullException.ThrowIfNull(accessKeyId);
        return _accessKeys.GetValueOrDefault(accessKeyId);
    }

    /// <summary>
    /// The principal of an API key, or null. Every configured key is compared, in constant time over
    /// fixed-length hashes, so neither the match position nor the key length leaks through timing.
    /// </summary>
    public string? FindApiKeyPrincipal(string? presentedKey)
    {
        if (string.IsNullOrEmpty(presentedKey))
        {
            return null;
        }

        var presented = Hash(presentedKey);
        string? principal = null;
        foreach (var (keyHash, keyPrincipal) in _apiKeys)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, keyHash))
            {
                principal ??= keyPrincipal;
            }
        }

        return principal;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
