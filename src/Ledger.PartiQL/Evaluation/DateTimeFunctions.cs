using Ledger.Ion;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Evaluation;

/// <summary>EXTRACT, DATE_ADD and DATE_DIFF (spec §9). EXTRACT reads the fields as written (local time) and
/// splits the offset into hours and minutes (an unknown offset counts as 0). DATE_ADD raises the precision to the
/// added part; DATE_DIFF counts whole units from the first to the second timestamp. NULL or MISSING give NULL.</summary>
internal static class DateTimeFunctions
{
    public static Datum Arithmetic(string name, DateTimePart part, Datum first, Datum second)
    {
        if (first.IsAbsent || second.IsAbsent)
        {
            return Datum.Null;
        }

        if (part is DateTimePart.TimezoneHour or DateTimePart.TimezoneMinute)
        {
            throw new EvaluationException($"{name} does not accept the part {part}");
        }

        return name == "DATE_ADD" ? Add(part, first, second) : Diff(part, Timestamp(first, name), Timestamp(second, name));
    }

    private static Datum Add(DateTimePart part, Datum amount, Datum source)
    {
        if (amount.Ion is not IonInt amountInt || !amountInt.TryGetInt64(out var n) || n is > int.MaxValue or < int.MinValue)
        {
            throw new EvaluationException($"DATE_ADD expects an integer amount, got {ValueSemantics.Describe(amount)}");
        }

        var ts = Timestamp(source, "DATE_ADD");
        var count = (int)n;
        var local = ts.LocalDateTime;
        DateTime shifted;
        try
        {
            shifted = part switch
            {
                DateTimePart.Year => local.AddYears(count),
                DateTimePart.Month => local.AddMonths(count),
                DateTimePart.Day => local.AddDays(count),
                DateTimePart.Hour => local.AddHours(count),
                DateTimePart.Minute => local.AddMinutes(count),
                _ => local.AddSeconds(count),
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new EvaluationException("DATE_ADD result is out of the timestamp range");
        }

        var needed = part switch
        {
            DateTimePart.Year => TimestampPrecision.Year,
            DateTimePart.Month => TimestampPrecision.Month,
            DateTimePart.Day => TimestampPrecision.Day,
            DateTimePart.Hour or DateTimePart.Minute => TimestampPrecision.Minute,
            _ => TimestampPrecision.Second,
        };
        var precision = needed > ts.Precision ? needed : ts.Precision;
        var result = new IonTimestamp(
            precision,
            shifted.Year,
            shifted.Month,
            shifted.Day,
            shifted.Hour,
            shifted.Minute,
            shifted.Second,
            precision == TimestampPrecision.Second ? ts.Fraction : null,
            ts.OffsetMinutes);
        return Datum.Of(IonTimestampValue.Of(result));
    }

    private static Datum Diff(DateTimePart part, IonTimestamp first, IonTimestamp second)
    {
        var from = first.UtcDateTime;
        var to = second.UtcDateTime;
        long result;
        if (part is DateTimePart.Year or DateTimePart.Month)
        {
            var months = ((to.Year - from.Year) * 12) + to.Month - from.Month;
            if (months > 0 && from.AddMonths(months) > to)
            {
                months--;
            }
            else if (months < 0 && from.AddMonths(months) < to)
            {
                months++;
            }

            result = part == DateTimePart.Year ? months / 12 : months;
        }
        else
        {
            var span = to - from;
            result = part switch
            {
                DateTimePart.Day => (long)span.TotalDays,
                DateTimePart.Hour => (long)span.TotalHours,
                DateTimePart.Minute => (long)span.TotalMinutes,
                _ => (long)span.TotalSeconds,
            };
        }

        return Datum.Of(IonInt.Of(result));
    }

    private static IonTimestamp Timestamp(Datum value, string function) =>
        value.Ion is IonTimestampValue { Value: var ts } ? ts :
        throw new EvaluationException($"{function} expects a timestamp, got {ValueSemantics.Describe(value)}");

    public static Datum Extract(DateTimePart part, Datum source)
    {
        if (source.IsAbsent)
        {
            return Datum.Null;
        }

        if (source.Ion is not IonTimestampValue { Value: var ts })
        {
            throw new EvaluationException($"EXTRACT expects a timestamp, got {ValueSemantics.Describe(source)}");
        }

        var offset = ts.OffsetMinutes ?? 0;
        long value = part switch
        {
            DateTimePart.Year => ts.Year,
            DateTimePart.Month => ts.Month,
            DateTimePart.Day => ts.Day,
            DateTimePart.Hour => ts.Hour,
            DateTimePart.Minute => ts.Minute,
            DateTimePart.Second => ts.Second,
            DateTimePart.TimezoneHour => offset / 60,
            _ => offset % 60,
        };
        return Datum.Of(IonInt.Of(value));
    }
}
