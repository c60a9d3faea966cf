using System.Text;

namespace Ledger.Ion;

/// <summary>
/// A small direct-mapped cache from short UTF-8 byte runs to strings, so repeated field names and symbols in a
/// document share one string instead of allocating per occurrence. Collisions simply replace the slot.
/// </summary>
internal sealed class TextInternCache
{
    private const int MaxLength = 48;
    private const int SlotCount = 512;
    private readonly string?[] _slots = new string?[SlotCount];

    /// <summary>Returns the string for <paramref name="utf8"/>, reusing a cached one when the bytes match.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength || utf8.ContainsAnyInRange((byte)0x80, (byte)0xFF))
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = 2166136261u;
        foreach (var b in utf8)
        {
            hash = (hash ^ b) * 16777619u;
        }

        var slot = (int)(hash & (SlotCount - 1));
        var cached = _slots[slot];
        if (cached is not null && AsciiEquals(cached, utf8))
        {
            return cached;
        }

        var created = Encoding.ASCII.GetString(utf8);
        _slots[slot] = created;
        return created;
    }

    private static bool AsciiEquals(string text, ReadOnlySpan<byte> ascii)
    {
        if (text.Length != ascii.Length)
        {
            return false;
        }

        for (var i = 0; i < ascii.Length; i++)
        {
            if (text[i] != ascii[i])
            {
                return false;
            }
        }

        return true;
    }
}
