using System.Globalization;

namespace Ledger.Infra.Tests;

/// <summary>
/// A six-field NCRONTAB expression as the Functions timer trigger reads it (second minute hour day month
/// day-of-week), expanded to the values each field allows. Items are <c>*</c>, <c>n</c>, <c>a-b</c>, each with an
/// optional <c>/step</c>, separated by commas; months and days of week also take three-letter names.
/// </summary>
internal sealed class NcrontabSchedule
{
    private static readonly (string Name, int Min, int Max, string[] Names)[] Fields =
    [
        ("second", 0, 59, []),
        ("minute", 0, 59, []),
        ("hour", 0, 23, []),
        ("day", 1, 31, []),
        ("month", 1, 12, ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]),
        ("day-of-week", 0, 6, ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]),
    ];

    private NcrontabSchedule(IReadOnlyList<SortedSet<int>> values) => Values = values;

    /// <summary>The allowed values of each field, in field order.</summary>
    public IReadOnlyList<SortedSet<int>> Values { get; }

    public SortedSet<int> Seconds => Values[0];

    public SortedSet<int> Minutes => Values[1];

    /// <exception cref="FormatException">The expression is not a valid six-field NCRONTAB schedule.</exception>
    public static NcrontabSchedule Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != Fields.Length)
        {
            throw new FormatException($"'{expression}' has {parts.Length} fields; a timer schedule has 6 (second minute hour day month day-of-week)");
        }

        var values = new List<SortedSet<int>>();
        for (var i = 0; i < parts.Length; i++)
        {
            values.Add(ParseField(parts[i], Fields[i]));
        }

        return new NcrontabSchedule(values);
    }

    private static SortedSet<int> ParseField(string text, (string Name, int Min, int Max, string[] Names) field)
    {
        var set = new SortedSet<int>();
        foreach (var item in text.Split(','))
        {
            var slash = item.Split('/');
            if (slash.Length > 2)
            {
                throw Error(field.Name, item, "has more than one '/'");
            }

            var step = 1;
            if (slash.Length == 2 && (!int.TryParse(slash[1], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1))
            {
                throw Error(field.Name, item, "has a step that is not a positive number");
            }

            int low, high;
            if (slash[0] == "*")
            {
                (low, high) = (field.Min, field.Max);
            }
            else if (slash[0].Split('-') is [var from, var to])
            {
                (low, high) = (Value(from, field), Value(to, field));
                if (low > high)
                {
                    throw Error(field.Name, item, "is a reversed range");
                }
            }
            else
            {
                low = Value(slash[0], field);
                high = slash.Length == 2 ? field.Max : low;
            }

            for (var v = low; v <= high; v += step)
            {
                set.Add(v);
            }
        }

        return set;
    }

    private static int Value(string text, (string Name, int Min, int Max, string[] Names) field)
    {
        var named = Array.FindIndex(field.Names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        var value = named >= 0
            ? named + field.Min
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : throw Error(field.Name, text, "is not a number");
        return value >= field.Min && value <= field.Max
            ? value
            : throw Error(field.Name, text, $"is outside {field.Min}-{field.Max}");
    }

    private static FormatException Error(string field, string item, string problem) => new($"The {field} field '{item}' {problem}");
}
