using System.Globalization;
using System.Numerics;
using System.Text;

namespace Ledger.Ion;

/// <summary>How much of a timestamp is significant. Do not reorder.</summary>
public enum TimestampPrecision : byte
{
    /// <summary><c>2007T</c></summary>
    Year,
    /// <summary><c>2007-02T</c></summary>
    Month,
    /// <summary><c>2007-02-23</c></summary>
    Day,
    /// <summary><c>2007-02-23T12:14Z</c></summary>
    Minute,
    /// <summary><c>2007-02-23T12:14:33Z</c>, or with fractional seconds when <see cref="IonTimestamp.Fraction"/> is set.</summary>
    Second,
}

/// <summary>
/// An Ion timestamp: local date-time fields, a precision, exact fractional seconds and an offset in minutes
/// (or unknown). <see cref="DateTimeOffset"/> cannot hold the unknown offset, the precision or more than seven
/// fraction digits.
/// </summary>
/// <remarks>
/// The fields are local time (<c>UTC + offset</c>); with an unknown offset they are UTC.
/// <see cref="Equals(IonTimestamp)"/> is Ion equivalence (same precision, fraction digits, offset and instant);
/// <see cref="CompareTo(IonTimestamp)"/> compares instants only.
/// </remarks>
public readonly struct IonTimestamp : IEquatable<IonTimestamp>, IComparable<IonTimestamp>
{
    private readonly IonDecimal _fraction;
    private readonly bool _hasFraction;

    /// <summary>Creates a timestamp from local fields, validating every field.</summary>
    /// <param name="precision">The precision; fields below it must be at their minimum (1 or 0).</param>
    /// <param name="year">0001–9999.</param>
    /// <param name="month">1–12.</param>
    /// <param name="day">A valid day of the month.</param>
    /// <param name="hour">0–23.</param>
    /// <param name="minute">0–59.</param>
    /// <param name="second">0–59.</param>
    /// <param name="fraction">Fractional seconds in [0, 1) (only with <see cref="TimestampPrecision.Second"/>); a zero
    /// with exponent ≥ 0 means no fraction.</param>
    /// <param name="offsetMinutes">Local offset in minutes (-1439..1439), or <see langword="null"/> for unknown.
    /// Ignored (unknown) for precisions without a time.</param>
    public IonTimestamp(
        TimestampPrecision precision,
        int year,
        int month = 1,
        int day = 1,
        int hour = 0,
        int minute = 0,
        int second = 0,
        IonDecimal? fraction = null,
        int? offsetMinutes = null)
    {
        var error = Validate(precision, year, month, day, hour, minute, second, ref fraction, offsetMinutes);
        if (error is not null)
        {
            ThrowHelper.ThrowArgument(error, nameof(precision));
        }

        Precision = precision;
        Year = year;
        Month = precision >= TimestampPrecision.Month ? month : 1;
        Day = precision >= TimestampPrecision.Day ? day : 1;
        Hour = precision >= TimestampPrecision.Minute ? hour : 0;
        Minute = precision >= TimestampPrecision.Minute ? minute : 0;
        Second = precision >= TimestampPrecision.Second ? second : 0;
        _hasFraction = fraction.HasValue;
        _fraction = fraction.GetValueOrDefault();
        OffsetMinutes = precision >= TimestampPrecision.Minute ? offsetMinutes : null;
    }

    /// <summary>The precision.</summary>
    public TimestampPrecision Precision { get; }

    /// <summary>Local year.</summary>
    public int Year { get; }

    /// <summary>Local month (1 below month precision).</summary>
    public int Month { get; }

    /// <summary>Local day (1 below day precision).</summary>
    public int Day { get; }

    /// <summary>Local hour (0 below minute precision).</summary>
    public int Hour { get; }

    /// <summary>Local minute (0 below minute precision).</summary>
    public int Minute { get; }

    /// <summary>Whole seconds (0 below second precision).</summary>
    public int Second { get; }

    /// <summary>Exact fractional seconds in [0, 1) (e.g. <c>0.000</c> keeps three digits), or null.</summary>
    public IonDecimal? Fraction => _hasFraction ? _fraction : null;

    /// <summary>The number of fractional-second digits (0 when there is no fraction).</summary>
    public int FractionDigits => _hasFraction ? -_fraction.Exponent : 0;

    /// <summary>Offset from UTC in minutes, or <see langword="null"/> when unknown (<c>-00:00</c> and all date-only values).</summary>
    public int? OffsetMinutes { get; }

    /// <summary>Creates a timestamp from UTC fields (as binary Ion stores them) and a local offset.</summary>
    public static IonTimestamp FromUtcFields(
        TimestampPrecision precision,
        int year,
        int month = 1,
        int day = 1,
        int hour = 0,
        int minute = 0,
        int second = 0,
        IonDecimal? fraction = null,
        int? offsetMinutes = null)
    {
        if (precision < TimestampPrecision.Minute || offsetMinutes is null or 0)
        {
            return new IonTimestamp(precision, year, month, day, hour, minute, second, fraction, offsetMinutes);
        }

        // The fields are UTC: validate them as such (offset 0), then shift to local time.
        var error = Validate(precision, year, month, day, hour, minute, second, ref fraction, 0);
        if (error is null && offsetMinutes.Value is <= -24 * 60 or >= 24 * 60)
        {
            error = "offset out of range";
        }

        if (error is not null)
        {
            ThrowHelper.ThrowArgument(error, nameof(precision));
        }

        var utc = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        var ticksToLocal = TimeSpan.TicksPerMinute * offsetMinutes.Value;
        if (utc.Ticks + ticksToLocal < DateTime.MinValue.Ticks || utc.Ticks + ticksToLocal > DateTime.MaxValue.Ticks)
        {
            ThrowHelper.ThrowArgument("The local time is outside years 0001-9999.", nameof(offsetMinutes));
        }

        var local = utc.AddTicks(ticksToLocal);
        return new IonTimestamp(precision, local.Year, local.Month, local.Day, local.Hour, local.Minute, local.Second, fraction, offsetMinutes);
    }

    /// <summary>
    /// Converts a <see cref="DateTimeOffset"/>: second precision when there are no sub-second ticks, otherwise
    /// three fraction digits when the value is whole milliseconds, else seven.
    /// </summary>
    public static IonTimestamp FromDateTimeOffset(DateTimeOffset value)
    {
        var subSecondTicks = value.Ticks % TimeSpan.TicksPerSecond;
        IonDecimal? fraction = subSecondTicks == 0
            ? null
            : subSecondTicks % TimeSpan.TicksPerMillisecond == 0
                ? new IonDecimal(subSecondTicks / TimeSpan.TicksPerMillisecond, -3)
                : new IonDecimal(subSecondTicks, -7);
        return new IonTimestamp(
            TimestampPrecision.Second, value.Year, value.Month, value.Day, value.Hour, value.Minute, value.Second,
            fraction, (int)value.Offset.TotalMinutes);
    }

    /// <summary>The local date-time at whole-second resolution (no fraction), kind Unspecified.</summary>
    public DateTime LocalDateTime => new(Year, Month, Day, Hour, Minute, Second, DateTimeKind.Unspecified);

    /// <summary>The UTC date-time at whole-second resolution (no fraction), kind Utc.</summary>
    public DateTime UtcDateTime
    {
        get
        {
            var local = LocalDateTime;
            var utc = OffsetMinutes is int offset and not 0 ? local.AddMinutes(-offset) : local;
            return DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        }
    }

    /// <summary>Converts to <see cref="DateTimeOffset"/> (fraction truncated to 100 ns; unknown offset becomes +00:00).</summary>
    public DateTimeOffset ToDateTimeOffset()
    {
        long ticks = 0;
        if (_hasFraction && !_fraction.IsZero)
        {
            var scaled = _fraction.Exponent >= -7
                ? _fraction.Coefficient * BigInteger.Pow(10, 7 + _fraction.Exponent)
                : _fraction.Coefficient / BigInteger.Pow(10, -7 - _fraction.Exponent);
            ticks = (long)scaled;
        }

        return new DateTimeOffset(LocalDateTime.AddTicks(ticks), TimeSpan.FromMinutes(OffsetMinutes ?? 0));
    }

    /// <summary>Parses Ion timestamp text, e.g. <c>2007-02-23T12:14:33.079-08:00</c>.</summary>
    public static IonTimestamp Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out var value, out var error))
        {
            throw new FormatException($"Invalid Ion timestamp '{text}': {error}");
        }

        return value;
    }

    /// <summary>Tries to parse Ion timestamp text.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out IonTimestamp value) => TryParse(text, out value, out _);

    internal static bool TryParse(ReadOnlySpan<char> text, out IonTimestamp value, out string? error)
    {
        value = default;
        error = "malformed timestamp";
        var precision = TimestampPrecision.Year;
        int month = 1, day = 1, hour = 0, minute = 0, second = 0;
        IonDecimal? fraction = null;
        int? offset = null;
        if (text.Length < 5 || !TryDigits(text, 0, 4, out var year))
        {
            return false;
        }

        var i = 4;
        if (text[i] == 'T')
        {
            i++;
            return Finish(i, text.Length, ref value, ref error);
        }

        if (text[i] != '-' || !TryDigits(text, i + 1, 2, out month))
        {
            return false;
        }

        precision = TimestampPrecision.Month;
        i += 3;
        if (i == text.Length)
        {
            return false;
        }

        if (text[i] == 'T')
        {
            i++;
            return Finish(i, text.Length, ref value, ref error);
        }

        if (text[i] != '-' || !TryDigits(text, i + 1, 2, out day))
        {
            return false;
        }

        precision = TimestampPrecision.Day;
        i += 3;
        if (i == text.Length)
        {
            return Finish(i, text.Length, ref value, ref error);
        }

        if (text[i] != 'T')
        {
            return false;
        }

        i++;
        if (i == text.Length)
        {
            return Finish(i, text.Length, ref value, ref error);
        }

        if (!TryDigits(text, i, 2, out hour) || i + 2 >= text.Length || text[i + 2] != ':' || !TryDigits(text, i + 3, 2, out minute))
        {
            return false;
        }

        precision = TimestampPrecision.Minute;
        i += 5;
        if (i < text.Length && text[i] == ':')
        {
            if (!TryDigits(text, i + 1, 2, out second))
            {
                return false;
            }

            precision = TimestampPrecision.Second;
            i += 3;
            if (i < text.Length && text[i] == '.')
            {
                var start = i + 1;
                var end = start;
                while (end < text.Length && char.IsAsciiDigit(text[end]))
                {
                    end++;
                }

                if (end == start)
                {
                    error = "a fractional second needs at least one digit";
                    return false;
                }

                var digits = text[start..end];
                var coefficient = digits.Length <= 18
                    ? long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture)
                    : BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
                fraction = new IonDecimal(coefficient, -digits.Length);
                i = end;
            }
        }

        if (i == text.Length)
        {
            error = "a time needs an offset";
            return false;
        }

        if (text[i] == 'Z')
        {
            offset = 0;
            i++;
        }
        else if (text[i] is '+' or '-')
        {
            var negative = text[i] == '-';
            if (!TryDigits(text, i + 1, 2, out var offsetHours) || i + 3 >= text.Length || text[i + 3] != ':' ||
                !TryDigits(text, i + 4, 2, out var offsetMinutes))
            {
                return false;
            }

            if (offsetHours > 23 || offsetMinutes > 59)
            {
                error = "offset out of range";
                return false;
            }

            var total = (offsetHours * 60) + offsetMinutes;
            offset = negative ? (total == 0 ? null : -total) : total;
            i += 6;
        }
        else
        {
            return false;
        }

        return Finish(i, text.Length, ref value, ref error);

        bool Finish(int end, int length, ref IonTimestamp result, ref string? message)
        {
            if (end != length)
            {
                message = "unexpected characters after the timestamp";
                return false;
            }

            message = Validate(precision, year, month, day, hour, minute, second, ref fraction, offset);
            if (message is not null)
            {
                return false;
            }

            result = new IonTimestamp(precision, year, month, day, hour, minute, second, fraction, offset);
            return true;
        }
    }

    private static bool TryDigits(ReadOnlySpan<char> text, int start, int count, out int value)
    {
        value = 0;
        if (start + count > text.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            value = (value * 10) + (text[i] - '0');
        }

        return true;
    }

    private static string? Validate(
        TimestampPrecision precision, int year, int month, int day, int hour, int minute, int second,
        ref IonDecimal? fraction, int? offsetMinutes)
    {
        if (precision > TimestampPrecision.Second)
        {
            return "unknown precision";
        }

        if (year is < 1 or > 9999)
        {
            return "year must be 0001-9999";
        }

        if (precision >= TimestampPrecision.Month && month is < 1 or > 12)
        {
            return "month must be 01-12";
        }

        if (precision >= TimestampPrecision.Day && (day < 1 || day > DateTime.DaysInMonth(year, month)))
        {
            return "day is not valid for the month";
        }

        if (precision >= TimestampPrecision.Minute && (hour is < 0 or > 23 || minute is < 0 or > 59))
        {
            return "hour must be 00-23 and minute 00-59";
        }

        if (precision >= TimestampPrecision.Second && second is < 0 or > 59)
        {
            return "second must be 00-59";
        }

        if (offsetMinutes is int offset)
        {
            if (offset <= -24 * 60 || offset >= 24 * 60)
            {
                return "offset out of range";
            }

            // The instant (local time minus offset) must itself fall within years 0001-9999.
            var minuteOfDay = (hour * 60) + minute;
            if ((year == 1 && month == 1 && day == 1 && minuteOfDay - offset < 0) ||
                (year == 9999 && month == 12 && day == 31 && minuteOfDay - offset >= 24 * 60))
            {
                return "the UTC instant is outside years 0001-9999";
            }
        }

        if (fraction is IonDecimal f)
        {
            if (precision != TimestampPrecision.Second)
            {
                return "fractional seconds need second precision";
            }

            if (f.IsZero && f.Exponent >= 0)
            {
                fraction = null;
            }
            else if (f.IsNegative || f.Exponent >= 0 || BigInteger.Abs(f.Coefficient) >= BigInteger.Pow(10, -f.Exponent))
            {
                return "fractional seconds must be in [0, 1)";
            }
        }

        return null;
    }

    /// <summary>Ion text form that reads back as this exact timestamp.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(32);
        AppendTo(builder);
        return builder.ToString();
    }

    /// <summary>Appends the Ion text form to <paramref name="builder"/>.</summary>
    public void AppendTo(StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var invariant = CultureInfo.InvariantCulture;
        builder.Append(Year.ToString("D4", invariant));
        if (Precision == TimestampPrecision.Year)
        {
            builder.Append('T');
            return;
        }

        builder.Append('-').Append(Month.ToString("D2", invariant));
        if (Precision == TimestampPrecision.Month)
        {
            builder.Append('T');
            return;
        }

        builder.Append('-').Append(Day.ToString("D2", invariant));
        if (Precision == TimestampPrecision.Day)
        {
            return;
        }

        builder.Append('T').Append(Hour.ToString("D2", invariant)).Append(':').Append(Minute.ToString("D2", invariant));
        if (Precision == TimestampPrecision.Second)
        {
            builder.Append(':').Append(Second.ToString("D2", invariant));
            if (_hasFraction)
            {
                var digits = _fraction.Coefficient.ToString(invariant);
                builder.Append('.').Append('0', FractionDigits - digits.Length).Append(digits);
            }
        }

        switch (OffsetMinutes)
        {
            case null:
                builder.Append("-00:00");
                break;
            case 0:
                builder.Append('Z');
                break;
            case int offset:
                builder.Append(offset < 0 ? '-' : '+');
                var absolute = Math.Abs(offset);
                builder.Append((absolute / 60).ToString("D2", invariant)).Append(':').Append((absolute % 60).ToString("D2", invariant));
                break;
        }
    }

    /// <summary>Ion equivalence: same precision, fraction digits, offset and instant.</summary>
    public bool Equals(IonTimestamp other) =>
        Precision == other.Precision && Year == other.Year && Month == other.Month && Day == other.Day &&
        Hour == other.Hour && Minute == other.Minute && Second == other.Second && OffsetMinutes == other.OffsetMinutes &&
        _hasFraction == other._hasFraction && _fraction.Equals(other._fraction);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is IonTimestamp other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(Precision, LocalDateTime, OffsetMinutes, _hasFraction ? _fraction.GetHashCode() : -1);

    /// <summary>Compares the instants (points on the UTC time line), ignoring precision and offset.</summary>
    public int CompareTo(IonTimestamp other)
    {
        var byWholeSeconds = UtcDateTime.CompareTo(other.UtcDateTime);
        if (byWholeSeconds != 0)
        {
            return byWholeSeconds;
        }

        return (Fraction ?? IonDecimal.Zero).CompareTo(other.Fraction ?? IonDecimal.Zero);
    }

    /// <summary>True when both denote the same instant, whatever their precision and offset.</summary>
    public bool InstantEquals(IonTimestamp other) => CompareTo(other) == 0;

    /// <summary>Ion equivalence.</summary>
    public static bool operator ==(IonTimestamp left, IonTimestamp right) => left.Equals(right);

    /// <summary>Ion non-equivalence.</summary>
    public static bool operator !=(IonTimestamp left, IonTimestamp right) => !left.Equals(right);

    /// <summary>Instant comparison.</summary>
    public static bool operator <(IonTimestamp left, IonTimestamp right) => left.CompareTo(right) < 0;

    /// <summary>Instant comparison.</summary>
    public static bool operator >(IonTimestamp left, IonTimestamp right) => left.CompareTo(right) > 0;

    /// <summary>Instant comparison.</summary>
    public static bool operator <=(IonTimestamp left, IonTimestamp right) => left.CompareTo(right) <= 0;

    /// <summary>Instant comparison.</summary>
    public static bool operator >=(IonTimestamp left, IonTimestamp right) => left.CompareTo(right) >= 0;
}
