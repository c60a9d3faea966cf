namespace Ledger.Ion.Tests;

public class IonJsonTests
{
    [Theory]
    [InlineData("null", "null")]
    [InlineData("true", "true")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("-0", "0")]
    [InlineData("1.50", "1.50")]
    [InlineData("-0.0", "-0.0")]
    [InlineData("1.5e3", "1500e0")]
    [InlineData("\"a\\u00e9\\n\"", "\"a\u00e9\\n\"")]
    [InlineData("[1, {\"a\": [], \"a\": {}}]", "[1,{a:[],a:{}}]")]
    public void FromJson_maps_json_to_exact_ion(string json, string expectedIon) =>
        Assert.Equal(IonText.Parse(expectedIon), IonJson.FromJson(json));

    [Theory]
    [InlineData("null.struct", "null")]
    [InlineData("a::b::7", "7")]
    [InlineData("12345678901234567890123", "12345678901234567890123")]
    [InlineData("1.50", "1.50")]
    [InlineData("1.", "1")]
    [InlineData("-0.", "-0")]
    [InlineData("5d300", "5e300")]
    [InlineData("1d-10", "1e-10")]
    [InlineData("0.001", "0.001")]
    [InlineData("1.5e0", "1.5")]
    [InlineData("nan", "null")]
    [InlineData("-inf", "null")]
    [InlineData("2007-02-23T12:14:33.079-08:00", "\"2007-02-23T12:14:33.079-08:00\"")]
    [InlineData("sym", "\"sym\"")]
    [InlineData("$0", "null")]
    [InlineData("\"<é>\\t\"", "\"<é>\\t\"")]
    [InlineData("{{aGVsbG8=}}", "\"aGVsbG8=\"")]
    [InlineData("{{\"hello\"}}", "\"aGVsbG8=\"")]
    [InlineData("(a 1)", "[\"a\",1]")]
    [InlineData("{a:1, a:x::2, 'b c':[]}", "{\"a\":1,\"a\":2,\"b c\":[]}")]
    public void ToJson_down_converts_like_qldb_exports(string ion, string expectedJson) =>
        Assert.Equal(expectedJson, IonJson.ToJson(IonText.Parse(ion)));

    [Fact]
    public void ToJson_indented_is_still_the_same_json()
    {
        var value = IonText.Parse("{a:[1,2],b:{c:\"d\"}}");

        var indented = IonJson.ToJson(value, indented: true);

        Assert.Contains('\n', indented);
        Assert.Equal(value, IonJson.FromJson(indented));
    }

    [Theory]
    [InlineData("{\"a\":1,}", 1, 8)]
    [InlineData("[1,\n 2", 2, 3)]
    [InlineData("1 2", 1, 3)]
    [InlineData("", 1, 1)]
    public void Invalid_json_fails_with_a_position(string json, long line, long column)
    {
        var error = Assert.Throws<IonException>(() => IonJson.FromJson(json));

        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
    }

    [Fact]
    public void Json_nesting_is_bounded()
    {
        var deep = new string('[', 200) + new string(']', 200);

        Assert.Throws<IonException>(() => IonJson.FromJson(deep));
        Assert.NotNull(IonJson.FromJson(deep, maxDepth: 256));
    }
}
