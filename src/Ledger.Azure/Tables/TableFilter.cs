using System.Globalization;

namespace Ledger.Azure.Tables;

/// <summary>Builds OData filters with correctly quoted and typed literals from an interpolated string.</summary>
public static class TableFilter
{
    /// <summary>
    /// Formats <paramref name="filter"/>, rendering each interpolated value as an OData literal: strings quoted with
    /// <c>''</c> escaping, <see cref="long"/> as <c>5L</c>, DateTime as <c>datetime'..'</c>, Guid as <c>guid'..'</c>,
    /// bytes as <c>X'..'</c>, booleans as <c>true/false</c>. Example: <c>TableFilter.Create($"PartitionKey eq {pk} and RowKey ge {from}")</c>.
    /// </summary>
    public static string Create(FormattableString filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var arguments = filter.GetArguments().Select(Literal).ToArray<object?>();
        return string.Format(CultureInfo.InvariantCulture, filter.Format, arguments);
    }

    /// <summary>The OData literal of <paramref name="value"/>.</summary>
    public static string Literal(object? value) => value switch
    {
        null => "null",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTimeOffset dto => "datetime'" + TableEntityJson.FormatDateTime(dto) + "'",
        DateTime dt => "datetime'" + TableEntityJson.FormatDateTime(new DateTimeOffset(DateTime.SpecifyKind(dt, dt.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : dt.Kind))) + "'",
        Guid g => "guid'" + g.ToString("D") + "'",
        byte[] bytes => "X'" + Convert.ToHexStringLower(bytes) + "'",
        BinaryData data => "X'" + Convert.ToHexStringLower(data.ToArray()) + "'",
        _ => throw new ArgumentException($"No OData literal for {value.GetType().Name}.", nameof(value)),
    };
}
