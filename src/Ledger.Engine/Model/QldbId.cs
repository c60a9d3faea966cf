using System.Numerics;
using System.Security.Cryptography;

namespace Ledger.Engine.Model;

/// <summary>
/// QLDB's system-assigned ids: a 128-bit random value rendered as exactly 22 Base62 characters (document, table,
/// index, transaction and strand ids all look alike, e.g. <c>3Qv67yjXEwB9SjmvkuG6Cp</c>).
/// </summary>
public static class QldbId
{
    /// <summary>Length of every id.</summary>
    public const int Length = 22;

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A fresh random id.</summary>
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return FromBytes(bytes);
    }

    /// <summary>
    /// The id for 16 bytes, left-padded with '0' so it is always 22 characters (62^22 &gt; 2^128, so every value fits).
    /// </summary>
    public static string FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 16)
        {
            throw new ArgumentException("An id is made from exactly 16 bytes.", nameof(bytes));
        }

        var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        Span<char> text = stackalloc char[Length];
        for (var i = Length - 1; i >= 0; i--)
        {
            value = BigInteger.DivRem(value, 62, out var digit);
            text[i] = Alphabet[(int)digit];
        }

        return new string(text);
    }

    /// <summary>True when <paramref name="text"/> has the shape of an id (22 Base62 characters).</summary>
    public static bool IsValid(string? text) =>
        text is { Length: Length } && text.All(char.IsAsciiLetterOrDigit);
}
