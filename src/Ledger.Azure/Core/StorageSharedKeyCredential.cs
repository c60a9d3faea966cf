using System.Security.Cryptography;
using System.Text;

namespace Ledger.Azure.Core;

/// <summary>
/// A storage account name and key used for Shared Key signing. The key is kept private and never rendered by
/// <see cref="ToString"/>, so the credential can be logged or shown in a debugger without leaking the secret.
/// </summary>
public sealed class StorageSharedKeyCredential
{
    private readonly byte[] _accountKey;

    /// <summary>Creates a credential from an account name and its base64 account key.</summary>
    public StorageSharedKeyCredential(string accountName, string accountKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        ArgumentException.ThrowIfNullOrWhiteSpace(accountKey);
        AccountName = accountName;
        try
        {
            _accountKey = Convert.FromBase64String(accountKey);
        }
        catch (FormatException e)
        {
            // The message must not echo the key.
            throw new ArgumentException("The storage account key is not valid base64.", nameof(accountKey), e);
        }
    }

    /// <summary>The storage account name.</summary>
    public string AccountName { get; }

    /// <summary>Base64(HMAC-SHA256(key, UTF-8(stringToSign))), the signature of a Shared Key request.</summary>
    internal string ComputeSignature(string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(_accountKey, Encoding.UTF8.GetBytes(stringToSign)));

    /// <inheritdoc />
    public override string ToString() => $"SharedKey(AccountName={AccountName}, AccountKey=REDACTED)";
}
