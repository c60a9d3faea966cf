using Ledger.Ion;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Evaluation;

/// <summary>EXTRACT (spec §9): fields of the timestamp as written (local time), the offset split into hours and
/// minutes (an unknown offset counts as 0). NULL or MISSING give NULL.</summary>
internal static class DateTimeFunctions
{
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
