namespace Ledger.Ion;

/// <summary>Checks on .NET strings that Ion text must satisfy.</summary>
internal static class TextValidation
{
    /// <summary>True when every surrogate in <paramref name="text"/> is part of a valid pair.</summary>
    public static bool IsWellFormedUtf16(ReadOnlySpan<char> text)
    {
        var index = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (index < 0)
        {
            return true;
        }

        for (var i = index; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
