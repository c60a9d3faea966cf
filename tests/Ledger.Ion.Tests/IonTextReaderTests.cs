using System.Diagnostics;
using System.Numerics;
using System.Text;

namespace Ledger.Ion.Tests;

public class IonTextReaderTests
{
    [Theory]
    [InlineData("[1, 2,, 3]", 1, 7)]
    [InlineData("{a:1}\n{b 2}", 2, 4)]
    [InlineData("\r\n  0123", 2, 3)]
    [InlineData("(a\n\"unterminated", 2, 1)]
    [InlineData("null.intx", 1, 1)]
    [InlineData("a::null::1", 1, 4)]
    [InlineData("\"\\q\"", 1, 2)]
    [InlineData("$10", 1, 1)]
    [InlineData("{{ abc }}", 1, 1)]
    [InlineData("x /* never closed", 1, 3)]
    [InlineData("$ion_2_0", 1, 1)]
    [InlineData("\"a\xC3\"", 1, 3)]
    public void Errors_report_line_and_column(string text, long line, long column)
    {
        var error = Assert.Throws<IonException>(() => IonText.ParseAll(Encoding.Latin1.GetBytes(text)));

        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains($"line {line}, column {column}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_at_the_limit_reads_and_beyond_it_fails_clearly()
    {
        var options = new IonTextReaderOptions { MaxDepth = 10 };
        var atLimit = new string('[', 10) + new string(']', 10);
        var beyond = new string('[', 11) + new string(']', 11);

        Assert.Single(IonText.ParseAll(atLimit, options));
        var error = Assert.Throws<IonException>(() => IonText.ParseAll(beyond, options));
        Assert.Contains("depth", error.Message, StringComparison.Ordinal);
        Assert.Equal(11, error.Column);
    }

    [Theory]
    [InlineData('[')]
    [InlineData('(')]
    [InlineData('{')]
    public void Huge_malformed_input_fails_fast_without_stack_overflow(char open)
    {
        var text = open == '{' ? string.Concat(Enumerable.Repeat("{a:", 2_000_000)) : new string(open, 4_000_000);
        var stopwatch = Stopwatch.StartNew();

        Assert.Throws<IonException>(() => IonText.ParseAll(text));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void Huge_unterminated_containers_of_scalars_fail_fast()
    {
        var text = "[" + string.Concat(Enumerable.Repeat("\"x\", ", 500_000)) + "'''unterminated";
        var stopwatch = Stopwatch.StartNew();

        var error = Assert.Throws<IonException>(() => IonText.ParseAll(text));

        Assert.Contains("Unterminated long string", error.Message, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void Local_symbol_tables_define_append_and_reset_symbols()
    {
        var values = IonText.ParseAll("""
            $ion_symbol_table::{ symbols: ["a", null, "b"] }
            $10 $12
            $ion_symbol_table::{ imports: $ion_symbol_table, symbols: ["c"] }
            $13 $10
            $ion_1_0
            $4
            """);

        Assert.Equal(["a", "b", "c", "a", "name"], values.Select(value => ((IonSymbol)value).Text));
        Assert.Equal(10, ((IonSymbol)values[0]).Token.Sid);
        Assert.Throws<IonException>(() => IonText.ParseAll("$ion_symbol_table::{ symbols: [\"a\"] } $ion_1_0 $10"));
    }

    [Fact]
    public void Gaps_and_unknown_imports_give_unknown_text_and_shift_local_symbols()
    {
        var values = IonText.ParseAll("""
            $ion_symbol_table::{ imports: [{ name: "not.in.catalog", version: 1, max_id: 3 }], symbols: ["local", 5] }
            $10 $13 $14 $0
            """);

        Assert.Null(((IonSymbol)values[0]).Text);
        Assert.Equal("local", ((IonSymbol)values[1]).Text);
        Assert.Null(((IonSymbol)values[2]).Text);
        Assert.Equal(IonSymbol.Of(SymbolToken.Zero), values[3]);
        Assert.Throws<IonException>(() => IonText.ParseAll("$ion_symbol_table::{ imports: [{ name: \"x\" }] }"));
    }

    [Fact]
    public void Version_marker_rules()
    {
        Assert.Empty(IonText.ParseAll("$ion_1_0 '$ion_1_0' $2"));
        Assert.Equal(IonSymbol.Of("$ion_1_0").WithAnnotations("a"), IonText.Parse("a::$ion_1_0"));
        Assert.Equal(IonList.Of(IonSymbol.Of("$ion_2_0")), IonText.Parse("[$ion_2_0]"));
        Assert.Throws<IonException>(() => IonText.ParseAll("$ion_1_1"));
    }

    [Fact]
    public void Long_strings_concatenate_across_comments_and_normalize_newlines()
    {
        var value = IonText.Parse("'''a\r\nb''' /* c */ // d\n '''\rc\\\nd'''");

        Assert.Equal(IonValue.From("a\nb\ncd"), value);
        Assert.Equal(IonList.Of(IonValue.From("ab"), IonSymbol.Of("c")), IonText.Parse("['''a''' '''b''', 'c']"));
    }

    [Fact]
    public void Escapes_combine_surrogate_pairs_and_reject_lone_ones()
    {
        Assert.Equal(IonValue.From("\U00010000\u00e9\0"), IonText.Parse("\"\\ud800\\udc00\\xe9\\0\""));
        Assert.Equal(IonValue.From("\U0001F600"), IonText.Parse("\"\\U0001F600\""));
        Assert.Throws<IonException>(() => IonText.Parse("\"\\ud800\""));
        Assert.Throws<IonException>(() => IonText.Parse("'''\\ud800''' '''\\udc00'''"));
    }

    [Theory]
    [InlineData("0x1F", 31)]
    [InlineData("-0b1_01", -5)]
    [InlineData("1_000", 1000)]
    [InlineData("-0", 0)]
    public void Ints_in_every_radix(string text, long expected) => Assert.Equal(IonValue.From(expected), IonText.Parse(text));

    [Fact]
    public void Big_ints_decimals_and_floats()
    {
        Assert.Equal(IonValue.From(BigInteger.Pow(2, 100)), IonText.Parse("0x10000000000000000000000000"));
        Assert.Equal(IonValue.From(IonDecimal.Parse("-12.30")), IonText.Parse("-1_2.3_0"));
        Assert.Equal(IonValue.From(IonDecimal.Parse("5d300")), IonText.Parse("5D300"));
        Assert.Equal(IonValue.From(-0.0), IonText.Parse("-0e0"));
        Assert.Equal(IonValue.From(double.NaN), IonText.Parse("nan"));
        Assert.Equal(IonValue.From(double.PositiveInfinity), IonText.Parse("+inf"));
        Assert.Equal(IonValue.From(1.7976931348623157e308), IonText.Parse("1.7976931348623157e308"));
    }

    [Fact]
    public void Sexps_hold_operators_and_negative_numbers()
    {
        var value = IonText.Parse("(a+-b -1 .c -inf)");

        Assert.Equal(
            IonSexp.Of(IonSymbol.Of("a"), IonSymbol.Of("+-"), IonSymbol.Of("b"), IonValue.From(-1), IonSymbol.Of("."), IonSymbol.Of("c"), IonValue.From(double.NegativeInfinity)),
            value);
        Assert.Throws<IonException>(() => IonText.Parse("a.b"));
        Assert.Throws<IonException>(() => IonText.Parse("[a+b]"));
    }

    [Fact]
    public void Struct_field_names_from_strings_equal_symbol_field_names()
    {
        Assert.Equal(IonText.Parse("{a:1, 'b c':2}"), IonText.Parse("{\"a\":1, '''b ''' '''c''':2}"));
        Assert.Throws<IonException>(() => IonText.Parse("{null:1}"));
        Assert.Equal(IonValue.From(1), ((IonStruct)IonText.Parse("{'null':1}"))["null"]);
    }

    [Fact]
    public void Lobs_decode_base64_and_clob_escapes()
    {
        Assert.Equal(IonBlob.Of("hello"u8), IonText.Parse("{{ aGVs bG8= }}"));
        Assert.Equal(IonClob.Of(new byte[] { (byte)'a', 0x0A, 0xFF }.AsSpan()), IonText.Parse("{{ \"a\\n\\xff\" }}"));
        Assert.Equal(IonClob.Of("ab"u8), IonText.Parse("{{ '''a''' '''b''' }}"));
        Assert.Throws<IonException>(() => IonText.Parse("{{ \"\\u0041\" }}"));
        Assert.Throws<IonException>(() => IonText.Parse("{{ aGVsbG8 }}"));
    }

    [Fact]
    public void Parse_requires_exactly_one_value()
    {
        Assert.Throws<IonException>(() => IonText.Parse(""));
        Assert.Throws<IonException>(() => IonText.Parse("1 2"));
    }
}
