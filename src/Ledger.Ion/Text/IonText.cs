using System.Text;
using Ledger.Ion.Text;

namespace Ledger.Ion;

/// <summary>Entry points for Ion text: parsing and writing.</summary>
public static class IonText
{
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
