using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ledger.Functions.Auth.Permissions;

/// <summary>
/// Binds a session to the principal that started it and to its ledger, as QLDB binds a session to its caller. The
/// token a client sees is <c>tag ‖ two-digit ledger-name length ‖ ledger name ‖ engine token</c>, where the tag is a
/// truncated HMAC-SHA256 over principal, ledger and engine token under a key every instance shares. So any instance
/// can tell, without a lookup, which ledger a command's <c>qldb:SendCommand</c> permission is checked on, and a token
/// presented by any other principal (or altered) does not open the session: it is refused like an unknown session,
/// without revealing that the session exists. All parts use the token alphabet <c>[A-Za-z0-9+/=-]</c>.
/// </summary>
public sealed class SessionTokenBinding
{
    private const int TagBytes = 12;
    private const int TagChars = TagBytes / 3 * 4;
    private const int LengthChars = 2;
    private readonly byte[] _key;

    public SessionTokenBinding(ReadOnlySpan<byte> key)
    {
        if (key.Length < 16)
        {
            throw new ArgumentException("A session binding key has at least 16 bytes.", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>The token handed to <paramref name="principal"/> for the engine's session on <paramref name="ledgerName"/>.</summary>
    public string Bind(string engineToken, string ledgerName, string principal)
    {
        ArgumentException.ThrowIfNullOrEmpty(engineToken);
        ArgumentException.ThrowIfNullOrEmpty(ledgerName);
        ArgumentNullException.ThrowIfNull(principal);
        if (ledgerName.Length > 99)
        {
            throw new ArgumentException("A ledger name has at most 99 characters here.", nameof(ledgerName));
        }

        return Tag(engineToken, ledgerName, principal)
            + ledgerName.Length.ToString("D2", CultureInfo.InvariantCulture) + ledgerName + engineToken;
    }

    /// <summary>
    /// The engine token and ledger of a token <paramref name="principal"/> presents, or null when the token is not
    /// one this deployment handed to that principal.
    /// </summary>
    public BoundSession? Open(string clientToken, string principal)
    {
        ArgumentNullException.ThrowIfNull(clientToken);
        ArgumentNullException.ThrowIfNull(principal);
        if (clientToken.Length <= TagChars + LengthChars
            || !int.TryParse(clientToken.AsSpan(TagChars, LengthChars), NumberStyles.None, CultureInfo.InvariantCulture, out var ledgerLength)
            || ledgerLength == 0
            || clientToken.Length <= TagChars + LengthChars + ledgerLength)
        {
            return null;
        }

        var ledgerName = clientToken.Substring(TagChars + LengthChars, ledgerLength);
        var engineToken = clientToken[(TagChars + LengthChars + ledgerLength)..];
        var expected = Encoding.ASCII.GetBytes(Tag(engineToken, ledgerName, principal));
        var presented = Encoding.ASCII.GetBytes(clientToken[..TagChars]);
        return CryptographicOperations.FixedTimeEquals(expected, presented) ? new BoundSession(engineToken, ledgerName) : null;
    }

    /// <summary>
    /// The key from <c>Ledger:Auth:SessionBindingKey</c> (base64, at least 16 bytes) when set, else one derived from
    /// the configured access-key secrets, which every instance of a deployment shares (rotating a secret then ends
    /// the open sessions; drivers start new ones).
    /// </summary>
    public static SessionTokenBinding FromOptions(Credentials.LedgerAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrEmpty(options.SessionBindingKey))
        {
            return new SessionTokenBinding(Convert.FromBase64String(options.SessionBindingKey));
        }

        var material = new StringBuilder("ledger-session-binding");
        foreach (var key in options.AccessKeys.OrderBy(k => k.AccessKeyId, StringComparer.Ordinal))
        {
            material.Append('\n').Append(key.AccessKeyId).Append('\n').Append(key.SecretAccessKey);
        }

        if (options.UseLocalDevelopmentKeys)
        {
            material.Append('\n').Append(Credentials.LocalDevelopmentCredentials.SecretAccessKey);
        }

        return new SessionTokenBinding(SHA256.HashData(Encoding.UTF8.GetBytes(material.ToString())));
    }

    private string Tag(string engineToken, string ledgerName, string principal)
    {
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{principal}\n{ledgerName}\n{engineToken}"));
        return Convert.ToBase64String(mac, 0, TagBytes);
    }
}

/// <summary>A session token's parts once its binding to the caller is verified.</summary>
public sealed record BoundSession(string EngineToken, string LedgerName);
