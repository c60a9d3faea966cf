using System.Numerics;

namespace Ledger.Ion.Tests;

public class IonDecimalTests
{
    [Theory]
    [InlineData("1.", 1, 0, false)]
    [InlineData("12.30", 1230, -2, false)]
    [InlineData("-0.", 0, 0, true)]
    [InlineData("-0d-2", 0, -2, true)]
    [InlineData("5d300", 5, 300, false)]
    [InlineData("0.0d1", 0, 0, false)]
    [InlineData("-12.5d-2", -125, -3, false)]
    public void Parse_keeps_exact_coefficient_exponent_and_sign(string text, long coefficient, int exponent, bool negativeZero)
    {
        var value = IonDecimal.Parse(text);

        Assert.Equal(new BigInteger(coefficient), value.Coefficient);
        Assert.Equal(exponent, value.Exponent);
        Assert.Equal(negativeZero, value.IsNegativeZero);
    }

    [Theory]
    [InlineData("1.")]
    [InlineData("1.50")]
    [InlineData("5d300")]
    [InlineData("-0.")]
    [InlineData("0.001")]
    [InlineData("1d-20")]
    [InlineData("-123456789012345678901234567890.123")]
    public void ToString_round_trips(string text) =>
        Assert.Equal(IonDecimal.Parse(text), IonDecimal.Parse(IonDecimal.Parse(text).ToString()));

    [Fact]
    public void Equivalence_distinguishes_precision_and_negative_zero_but_comparison_does_not()
    {
        Assert.NotEqual(IonDecimal.Parse("1.0"), IonDecimal.Parse("1.00"));
        Assert.NotEqual(IonDecimal.Parse("0."), IonDecimal.Parse("-0."));
        Assert.True(IonDecimal.Parse("1.0").NumericEquals(IonDecimal.Parse("1.00")));
        Assert.True(IonDecimal.Parse("0.").NumericEquals(IonDecimal.Parse("-0.")));
        Assert.True(IonDecimal.Parse("1d300") > IonDecimal.Parse("999999.9"));
        Assert.True(IonDecimal.Parse("-2.") < IonDecimal.Parse("-1.999"));
    }

    [Fact]
    public void System_decimal_conversion_keeps_scale_and_reports_unrepresentable_values()
    {
        var fromDecimal = IonDecimal.FromDecimal(1.50m);
        Assert.Equal(new BigInteger(150), fromDecimal.Coefficient);
        Assert.Equal(-2, fromDecimal.Exponent);
        Assert.Equal(1.50m, fromDecimal.ToDecimal());
        Assert.Equal(1200m, IonDecimal.Parse("12d2").ToDecimal());
        Assert.False(IonDecimal.Parse("5d300").TryToDecimal(out _));
    }
}
