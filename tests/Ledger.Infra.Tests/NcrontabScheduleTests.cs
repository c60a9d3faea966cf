namespace Ledger.Infra.Tests;

/// <summary>The NCRONTAB validator the function.json tests rely on.</summary>
public sealed class NcrontabScheduleTests
{
    [Theory]
    [InlineData("0 * * * * *", 1, 60)]
    [InlineData("*/10 * * * * *", 6, 60)]
    [InlineData("0 */5 * * * *", 1, 12)]
    [InlineData("0,30 0-10/5 * * * *", 2, 3)]
    [InlineData("0 0 9 * JAN-MAR MON-FRI", 1, 1)]
    [InlineData("5/20 * * * * *", 3, 60)]
    public void Valid_schedules_expand_to_their_values(string expression, int seconds, int minutes)
    {
        var schedule = NcrontabSchedule.Parse(expression);

        Assert.Equal(seconds, schedule.Seconds.Count);
        Assert.Equal(minutes, schedule.Minutes.Count);
    }

    [Fact]
    public void Names_map_to_numbers()
    {
        var schedule = NcrontabSchedule.Parse("0 0 0 1 dec sun");

        Assert.Equal([12], schedule.Values[4]);
        Assert.Equal([0], schedule.Values[5]);
    }

    [Theory]
    [InlineData("* * * * *", "has 5 fields")]
    [InlineData("0 * * * * * *", "has 7 fields")]
    [InlineData("60 * * * * *", "second field '60' is outside 0-59")]
    [InlineData("0 * 24 * * *", "hour field '24' is outside 0-23")]
    [InlineData("0 * * 0 * *", "day field '0' is outside 1-31")]
    [InlineData("0 * * * 13 *", "month field '13' is outside 1-12")]
    [InlineData("0 * * * * 7", "day-of-week field '7' is outside 0-6")]
    [InlineData("*/0 * * * * *", "has a step that is not a positive number")]
    [InlineData("0 10-5 * * * *", "is a reversed range")]
    [InlineData("0 * * * * FUNDAY", "is not a number")]
    [InlineData("00:05:00", "has 1 fields")]
    public void Invalid_schedules_are_rejected_with_the_reason(string expression, string reason)
    {
        var error = Assert.Throws<FormatException>(() => NcrontabSchedule.Parse(expression));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
