using Ledger.Ion;

namespace Ledger.Engine.Model;

/// <summary>QLDB's time values: UTC at exactly millisecond precision (<c>2019-09-16T19:37:05.344Z</c>).</summary>
public static class QldbTime
{
    /// <summary>The instant truncated to milliseconds, always with three fraction digits and offset Z.</summary>
    public static IonTimestamp ToTimestamp(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return IonTimestamp.FromUtcFields(
            TimestampPrecision.Second, utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, utc.Second, new IonDecimal(utc.Millisecond, -3), offsetMinutes: 0);
    }
}
