namespace Ledger.Ion.Tests;

public class IonTimestampTests
{
    [Theory]
    [InlineData("2007T", TimestampPrecision.Year)]
    [InlineData("2007-02T", TimestampPrecision.Month)]
    [InlineData("2007-02-23", TimestampPrecision.Day)]
    [InlineData("2007-02-23T12:14Z", TimestampPrecision.Minute)]
    [InlineData("2007-02-23T12:14:33-08:00", TimestampPrecision.Second)]
    [InlineData("2007-02-23T12:14:33.000+00:30", TimestampPrecision.Second)]
    [InlineData("2007-02-23T12:14:33.079-00:00", TimestampPrecision.Second)]
    public void Parse_and_format_round_trip_exactly(string text, TimestampPrecision precision)
    {
        var value = IonTimestamp.Parse(text);

        Assert.Equal(precision, value.Precision);
        Assert.Equal(text, value.ToString());
    }

    [Theory]
    [InlineData("2007")]
    [InlineData("2007-02")]
    [InlineData("1969-02-23Z")]
    [InlineData("2007-02-23T12:14")]
    [InlineData("2007-02-29")]
    [InlineData("2007-02-23T24:00Z")]
    [InlineData("2007-02-23T12:14:33.Z")]
    [InlineData("0000T")]
    public void Parse_rejects_invalid_forms(string text) => Assert.Throws<FormatException>(() => IonTimestamp.Parse(text));

    [Fact]
    public void Unknown_offset_and_utc_are_different_values_at_the_same_instant()
    {
        var unknown = IonTimestamp.Parse("2007-02-23T12:14-00:00");
        var utc = IonTimestamp.Parse("2007-02-23T12:14Z");

        Assert.Null(unknown.OffsetMinutes);
        Assert.Equal(0, utc.OffsetMinutes);
        Assert.NotEqual(unknown, utc);
        Assert.True(unknown.InstantEquals(utc));
    }

    [Fact]
    public void Utc_fields_subtract_the_offset()
    {
        var value = IonTimestamp.Parse("2007-02-23T12:14:33.079-08:00");

        Assert.Equal(new DateTime(2007, 2, 23, 20, 14, 33, DateTimeKind.Utc), value.UtcDateTime);
        Assert.Equal(value, IonTimestamp.FromUtcFields(TimestampPrecision.Second, 2007, 2, 23, 20, 14, 33, IonDecimal.Parse("0.079"), -480));
        Assert.Equal(new DateTimeOffset(2007, 2, 23, 12, 14, 33, 79, TimeSpan.FromHours(-8)), value.ToDateTimeOffset());
    }

    [Fact]
    public void Fraction_precision_is_part_of_the_value()
    {
        Assert.NotEqual(IonTimestamp.Parse("2000-01-01T00:00:00.0Z"), IonTimestamp.Parse("2000-01-01T00:00:00.00Z"));
        Assert.True(IonTimestamp.Parse("2000-01-01T00:00:00.0Z").InstantEquals(IonTimestamp.Parse("2000-01-01T00:00:00Z")));
    }
}

public class IonTimestampRangeTests
{
    [Theory]
    [InlineData("0001-01-01T00:30+01:00")]
    [InlineData("9999-12-31T23:30-01:00")]
    public void Instants_outside_the_supported_years_are_rejected(string text) =>
        Assert.Throws<FormatException>(() => IonTimestamp.Parse(text));

    [Theory]
    [InlineData("0001-01-01T01:00+01:00")]
    [InlineData("9999-12-31T22:59-01:00")]
    [InlineData("0001-01-01T00:00-00:00")]
    public void Instants_at_the_edges_convert_to_utc(string text) =>
        Assert.Equal(DateTimeKind.Utc, IonTimestamp.Parse(text).UtcDateTime.Kind);
}

public class IonTimestampFromUtcFieldsTests
{
    [Fact]
    public void Utc_fields_at_the_edge_of_the_range_are_shifted_to_local_time()
    {
        var early = IonTimestamp.FromUtcFields(TimestampPrecision.Minute, 1, 1, 1, 0, 30, offsetMinutes: 60);
        var late = IonTimestamp.FromUtcFields(TimestampPrecision.Minute, 9999, 12, 31, 23, 30, offsetMinutes: -60);

        Assert.Equal("0001-01-01T01:30+01:00", early.ToString());
        Assert.Equal("9999-12-31T22:30-01:00", late.ToString());
        Assert.Equal(new DateTime(1, 1, 1, 0, 30, 0, DateTimeKind.Utc), early.UtcDateTime);
    }

    [Fact]
    public void Utc_fields_whose_local_time_leaves_the_range_are_rejected() =>
        Assert.Throws<ArgumentException>(() => IonTimestamp.FromUtcFields(TimestampPrecision.Minute, 1, 1, 1, 0, 30, offsetMinutes: -60));
}
