using System.Globalization;
using Ledger.Ion;

namespace Ledger.Engine.Model;

/// <summary>
/// The key an index stores for a field value: equal for values PartiQL's <c>=</c> treats as equal across Ion types
/// that matter for lookups (numbers by numeric value, string and symbol by text), otherwise the value's Ion text
/// without annotations.
/// </summary>
public readonly record struct IndexKey(string Value)
{
    /// <summary>The key of a field value.</summary>
    public static IndexKey From(IonValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var plain = value.WithoutAnnotations();
        return plain switch
        {
            { IsNull: true } => new IndexKey("null"),
            IonInt i => new IndexKey("n:" + i.Value.ToString(CultureInfo.InvariantCulture)),
            IonDecimalValue d => new IndexKey("n:" + Normalize(d.ToString())),
            IonFloat f when double.IsFinite(f.Value) && Math.Floor(f.Value) == f.Value && Math.Abs(f.Value) < 1e15 =>
                new IndexKey("n:" + ((long)f.Value).ToString(CultureInfo.InvariantCulture)),
            IonString s => new IndexKey("s:" + s.Value),
            IonSymbol s when s.Text is not null => new IndexKey("s:" + s.Text),
            _ => new IndexKey("v:" + IonText.Write(plain)),
        };
    }

    // Integral decimals (1., 1.0, 1d0) share the key of the int; other decimals keep their text, which can only make
    // a lookup miss a cross-type match, never produce a wrong row, because candidates are re-checked.
    private static string Normalize(string decimalText)
    {
        return decimal.TryParse(decimalText.Replace('d', 'e').Replace('D', 'e'), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && decimal.Truncate(d) == d
            ? decimal.Truncate(d).ToString(CultureInfo.InvariantCulture)
            : decimalText;
    }
}
