using System.Text.RegularExpressions;

namespace Ledger.Azure.Tables;

/// <summary>Client-side checks of table names and keys, so bad input fails fast with a clear message.</summary>
internal static partial class TableKeys
{
    public const int MaxKeyLength = 1024;

    public static void ValidateTableName(string tableName)
    {
        ArgumentNullException.ThrowIfNull(tableName);
        if (!TableNamePattern().IsMatch(tableName))
        {
            throw new ArgumentException(
                $"Table name '{tableName}' is invalid: 3-63 letters and digits, starting with a letter.", nameof(tableName));
        }
    }

    public static void Validate(string partitionKey, string rowKey)
    {
        ValidateKey(partitionKey, nameof(partitionKey));
        ValidateKey(rowKey, nameof(rowKey));
    }

    private static void ValidateKey(string key, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(key, parameterName);
        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"A table key is at most {MaxKeyLength} characters.", parameterName);
        }
        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || c <= '\u001F' || c is >= '\u007F' and <= '\u009F')
            {
                throw new ArgumentException($"A table key may not contain '/', '\\', '#', '?' or control characters (found U+{(int)c:X4}).", parameterName);
            }
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();
}
