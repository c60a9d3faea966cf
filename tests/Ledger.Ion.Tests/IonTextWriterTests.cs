namespace Ledger.Ion.Tests;

public class IonTextWriterTests
{
    [Fact]
    public void Pretty_output_indents_two_spaces_per_level()
    {
        var value = IonText.Parse("a::{b:[1,(x '+')],c:{},d:\"e\"}");

        var pretty = IonText.Write(value, pretty: true);

        Assert.Equal("a::{\n  b: [\n    1,\n    (\n      x\n      '+'\n    )\n  ],\n  c: {},\n  d: \"e\"\n}", pretty);
        Assert.Equal(value, IonText.Parse(pretty));
    }

    [Fact]
    public void Compact_output_has_no_optional_whitespace()
    {
        var value = IonText.Parse("{ b : [ 1 , ( x y ) ] , 'c d' : 2007-02-23T12:14:33.000-00:00 }");

        Assert.Equal("{b:[1,(x y)],'c d':2007-02-23T12:14:33.000-00:00}", IonText.Write(value));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(5e-324)]
    [InlineData(double.MaxValue)]
    [InlineData(-123456.789e-200)]
    [InlineData(1.0 / 3.0)]
    public void Floats_round_trip_bit_for_bit(double number)
    {
        var text = IonText.Write(IonValue.From(number));

        var reread = Assert.IsType<IonFloat>(IonText.Parse(text));
        Assert.Equal(BitConverter.DoubleToInt64Bits(number), BitConverter.DoubleToInt64Bits(reread.Value));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("nan")]
    [InlineData("$ion_1_0")]
    [InlineData("$ion_symbol_table")]
    [InlineData("$7")]
    [InlineData("a-b")]
    [InlineData("")]
    [InlineData("it's")]
    [InlineData("é")]
    public void Symbols_that_are_not_plain_identifiers_are_quoted_and_round_trip_as_annotations_field_names_and_values(string text)
    {
        var value = IonList.Of(IonStruct.Of(new IonField(text, IonSymbol.Of(text).WithAnnotations(text))));

        Assert.Equal(value, IonText.Parse(IonText.Write(value)));
    }

    [Fact]
    public void WriteAll_separates_top_level_values()
    {
        Assert.Equal("1 a \"b\"", IonText.WriteAll([IonValue.From(1), IonSymbol.Of("a"), IonValue.From("b")]));
        Assert.Equal("1\n2", IonText.WriteAll([IonValue.From(1), IonValue.From(2)], pretty: true));
    }
}
