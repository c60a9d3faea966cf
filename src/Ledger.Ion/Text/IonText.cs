using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using Ledger.Ion.Text;

namespace Ledger.Ion;

/// <summary>Entry points for Ion text: parsing and writing.</summary>
public static class IonText
{
    /// <summary>Parses a text document that holds exactly one top-level user value.</summary>
    /// <exception cref="IonException">The text is not valid Ion, or holds zero or several values.</exception>
    public static IonValue Parse(string text, IonTextReaderOptions? options = null)
    {
        var values = ParseAll(text, options);
        if (values.Length != 1)
        {
            ThrowHelper.ThrowIon($"Expected exactly one top-level Ion value but found {values.Length}.");
        }

        return values[0];
    }

    /// <summary>Parses a UTF-8 text document that holds exactly one top-level user value.</summary>
    /// <exception cref="IonException">The text is not valid Ion, or holds zero or several values.</exception>
    public static IonValue Parse(ReadOnlySpan<byte> utf8, IonTextReaderOptions? options = null)
    {
        var values = ParseAll(utf8, options);
        if (values.Length != 1)
        {
            ThrowHelper.ThrowIon($"Expected exactly one top-level Ion value but found {values.Length}.");
        }

        return values[0];
    }

    /// <summary>Parses every top-level user value of a text document.</summary>
    /// <exception cref="IonException">The text is not valid Ion; the message and properties give line and column.</exception>
    public static ImmutableArray<IonValue> ParseAll(string text, IonTextReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TextValidation.IsWellFormedUtf16(text))
        {
            ThrowHelper.ThrowIon("The text contains an unpaired surrogate.");
        }

        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(text, buffer);
            return ParseAll(buffer.AsSpan(0, written), options);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>Parses every top-level user value of a UTF-8 text document.</summary>
    /// <exception cref="IonException">The text is not valid Ion; the message and properties give line and column.</exception>
    public static ImmutableArray<IonValue> ParseAll(ReadOnlySpan<byte> utf8, IonTextReaderOptions? options = null) =>
        new IonTextParser(utf8, options ?? IonTextReaderOptions.Default).ParseAll();

    /// <summary>Writes a value as Ion text, compact by default or indented when <paramref name="pretty"/>.</summary>
    public static string Write(IonValue value, bool pretty = false)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder();
        new IonTextWriter(builder, pretty).WriteTopLevel(value);
        return builder.ToString();
    }

    /// <summary>Writes a stream of top-level values, separated by a newline (pretty) or a space (compact).</summary>
    public static string WriteAll(IEnumerable<IonValue> values, bool pretty = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        var builder = new StringBuilder();
        var writer = new IonTextWriter(builder, pretty);
        var first = true;
        foreach (var value in values)
        {
            if (!first)
            {
                builder.Append(pretty ? '\n' : ' ');
            }

            writer.WriteTopLevel(value);
            first = false;
        }

        return builder.ToString();
    }
}
