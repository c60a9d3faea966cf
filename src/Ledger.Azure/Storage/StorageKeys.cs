using System.Globalization;
using System.Text;

namespace Ledger.Azure.Storage;

/// <summary>
/// PartitionKey and RowKey text for the ledger tables. Azure forbids <c>/ \ # ?</c> and control characters in keys;
/// ledger names, session tokens (base64), table and document ids and field names are escaped as <c>%XXXX</c>
/// (UTF-16 code unit in hex). <c>%</c> itself and <c>|</c> are escaped too, so that <c>|</c> separates the parts of a
/// composite key unambiguously and a prefix range <c>[prefix|, prefix})</c> selects exactly one owner's rows.
/// </summary>
internal static class StorageKeys
{
    /// <summary>The separator of composite keys; escaped wherever it occurs inside a part.</summary>
    public const char Separator = '|';

    /// <summary>The character right after <see cref="Separator"/>: the exclusive end of a <c>prefix|</c> range.</summary>
    public const char AfterSeparator = '}';

    /// <summary>The width of a zero-padded non-negative Int64 (long.MaxValue has 19 digits).</summary>
    public const int NumberWidth = 19;

    public static string Escape(string part)
    {
        ArgumentNullException.ThrowIfNull(part);
        var index = part.AsSpan().IndexOfAny(Forbidden);
        if (index < 0 && !HasControl(part))
        {
            return part;
        }

        var escaped = new StringBuilder(part.Length + 16);
        foreach (var c in part)
        {
            if (MustEscape(c))
            {
                escaped.Append('%').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    public static string Unescape(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.Contains('%', StringComparison.Ordinal))
        {
            return key;
        }

        var text = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == '%' && i + 4 < key.Length && int.TryParse(key.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                text.Append((char)code);
                i += 4;
            }
            else
            {
                text.Append(key[i]);
            }
        }

        return text.ToString();
    }

    /// <summary>A non-negative number padded so that ordinal key order is numeric order.</summary>
    public static string Number(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return value.ToString("D19", CultureInfo.InvariantCulture);
    }

    public static long ParseNumber(ReadOnlySpan<char> digits) => long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>Joins escaped parts with <see cref="Separator"/>.</summary>
    public static string Join(params ReadOnlySpan<string> escapedParts) => string.Join(Separator, escapedParts!);

    private static readonly char[] Forbidden = ['/', '\\', '#', '?', '%', Separator];

    private static bool MustEscape(char c) => c is '/' or '\\' or '#' or '?' or '%' or Separator || IsControl(c);

    private static bool IsControl(char c) => c <= '\u001F' || c is >= '\u007F' and <= '\u009F';

    private static bool HasControl(string part)
    {
        foreach (var c in part)
        {
            if (IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}
