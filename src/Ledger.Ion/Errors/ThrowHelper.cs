using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Ledger.Ion;

/// <summary>Builds and throws exceptions off the hot path so callers stay small and inlinable.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowIon(string message) => throw new IonException(message);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowText(string message, long line, long column) =>
        throw IonException.AtText(message, line, column);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowBinary(string message, long offset) => throw IonException.AtOffset(message, offset);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowFormat(string what, string text) =>
        throw new FormatException($"Invalid Ion {what}: '{Truncate(text)}'.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowArgument(string message, string paramName) => throw new ArgumentException(message, paramName);

    private static string Truncate(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "...");
}
