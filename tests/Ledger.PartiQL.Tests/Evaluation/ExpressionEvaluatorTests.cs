using Ledger.Ion;
using Ledger.PartiQL.Evaluation;
using Ledger.PartiQL.Syntax;

namespace Ledger.PartiQL.Tests.Evaluation;

public class ExpressionEvaluatorTests
{
    /// <summary>Evaluates with one binding <c>d</c> = a document with nulls, a missing-prone shape and nesting.</summary>
    private static Datum Eval(string expression, params IonValue[] parameters)
    {
        var (parsed, diagnostics) = PartiQLParser.ParseExpression(expression);
        Assert.Empty(diagnostics);
        var document = IonText.Parse("{id: 1, name: \"Ann\", sym: Ann, n: null, qty: 10, price: 1.50, f: 2e0, tags: [\"a\", \"b\"], o: {x: 1}, t: 2019-06-05T10:00Z}");
        var bindings = Bindings.Empty(parameters).With("d", Datum.Of(document));
        return ExpressionEvaluator.Evaluate(parsed, bindings);
    }

    private static string Show(string expression, params IonValue[] parameters) => Eval(expression, parameters).ToString();

    [Theory]
    [InlineData("d.name", "\"Ann\"")]
    [InlineData("d.nope", "MISSING")]
    [InlineData("d.n", "null")]
    [InlineData("d.name.given", "MISSING")]
    [InlineData("d.tags[1]", "\"b\"")]
    [InlineData("d.tags[5]", "MISSING")]
    [InlineData("d['o'].x", "1")]
    [InlineData("d.tags[*]", "<< \"a\", \"b\" >>")]
    [InlineData("d.o.*", "<< 1 >>")]
    [InlineData("qty", "10")]
    [InlineData("nosuch", "MISSING")]
    public void Paths_yield_missing_instead_of_errors(string expression, string expected) => Assert.Equal(expected, Show(expression));

    [Theory]
    [InlineData("d.n IS NULL", "true")]
    [InlineData("d.nope IS NULL", "true")]
    [InlineData("d.nope IS MISSING", "true")]
    [InlineData("d.n IS MISSING", "false")]
    [InlineData("d.name IS NOT NULL", "true")]
    [InlineData("d.name IS STRING", "true")]
    [InlineData("d.sym IS SYMBOL", "true")]
    [InlineData("d.n = NULL", "null")]
    [InlineData("d.nope = 1", "MISSING")]
    [InlineData("d.nope <> 1", "MISSING")]
    [InlineData("d.n <> 1", "null")]
    [InlineData("NOT d.n = 1", "null")]
    [InlineData("FALSE AND d.nope = 1", "false")]
    [InlineData("TRUE OR d.n = 1", "true")]
    [InlineData("TRUE AND d.n = 1", "null")]
    [InlineData("FALSE OR d.nope = 1", "null")]
    public void Null_missing_and_three_valued_logic(string expression, string expected) => Assert.Equal(expected, Show(expression));

    [Theory]
    [InlineData("1 = 1.0", "true")]
    [InlineData("1 = `1e0`", "true")]
    [InlineData("d.price = 1.5", "true")]
    [InlineData("d.name = d.sym", "true")]
    [InlineData("d.t = `2019-06-05T12:00+02:00`", "true")]
    [InlineData("'1' = 1", "false")]
    [InlineData("[1, {'a': 2}] = [1.0, {'a': 2}]", "true")]
    [InlineData("{'a': 1, 'b': 2} = {'b': 2, 'a': 1}", "true")]
    [InlineData("<< 1, 2 >> = << 2, 1 >>", "true")]
    [InlineData("d.qty > 9.5", "true")]
    [InlineData("'a' < 'b'", "true")]
    [InlineData("d.t < `2020T`", "true")]
    [InlineData("d.qty BETWEEN 1 AND 10", "true")]
    [InlineData("d.qty NOT BETWEEN 1 AND 9", "true")]
    [InlineData("1 IN (2, 1)", "true")]
    [InlineData("1 NOT IN (2, NULL)", "null")]
    [InlineData("3 IN (2, NULL)", "null")]
    [InlineData("'a' IN d.tags", "true")]
    [InlineData("'x' IN d.tags", "false")]
    [InlineData("d.name LIKE 'A%'", "true")]
    [InlineData("d.name LIKE '_n_'", "true")]
    [InlineData("'100%' LIKE '100!%' ESCAPE '!'", "true")]
    [InlineData("'abc' LIKE 'a%%c%'", "true")]
    [InlineData("d.n LIKE 'a'", "null")]
    public void Equality_and_comparison_across_types(string expression, string expected) => Assert.Equal(expected, Show(expression));

    [Theory]
    [InlineData("5 / 2", "2")]
    [InlineData("-5 / 2", "-2")]
    [InlineData("7 % 3", "1")]
    [InlineData("1.5 * 2", "3.0")]
    [InlineData("10 - 2.5", "7.5")]
    [InlineData("d.price + 1", "2.50")]
    [InlineData("d.f * 2", "4e0")]
    [InlineData("-(3)", "-3")]
    [InlineData("d.n + 1", "null")]
    [InlineData("d.nope + 1", "MISSING")]
    [InlineData("'a' || 'b'", "\"ab\"")]
    [InlineData("d.n || 'b'", "null")]
    [InlineData("99999999999999999999 + 1", "100000000000000000000")]
    public void Arithmetic_follows_type_promotion(string expression, string expected) => Assert.Equal(expected, Show(expression));

    [Theory]
    [InlineData("1 / 0")]
    [InlineData("1.0 / 0")]
    [InlineData("'a' + 1")]
    [InlineData("'a' < 1")]
    [InlineData("1 AND TRUE")]
    [InlineData("SIZE(1)")]
    [InlineData("UPPER(1)")]
    public void Run_time_type_errors_are_evaluation_errors(string expression) =>
        Assert.Throws<EvaluationException>(() => Eval(expression));

    [Theory]
    [InlineData("{'a': 1 + 2, 'm': d.nope}", "{a:3}")]
    [InlineData("[d.id, d.nope, d.n]", "[1,null]")]
    [InlineData("CASE WHEN d.qty > 5 THEN 'many' ELSE 'few' END", "\"many\"")]
    [InlineData("CASE d.id WHEN 2 THEN 'two' END", "null")]
    [InlineData("COALESCE(d.nope, d.n, 'x')", "\"x\"")]
    [InlineData("COALESCE(d.nope)", "null")]
    [InlineData("NULLIF(d.id, 1)", "null")]
    [InlineData("NULLIF(d.id, 2)", "1")]
    [InlineData("EXISTS(d.tags)", "true")]
    [InlineData("EXISTS(d.nope)", "false")]
    [InlineData("SIZE(d.o)", "1")]
    [InlineData("SIZE(d.nope)", "null")]
    [InlineData("UPPER(d.name) || LOWER('X')", "\"ANNx\"")]
    [InlineData("CHAR_LENGTH('a😀')", "2")]
    [InlineData("CHAR_LENGTH(d.nope)", "null")]
    [InlineData("?", "\"p0\"")]
    public void Constructors_case_and_functions(string expression, string expected) =>
        Assert.Equal(expected, Show(expression, IonString.Of("p0")));

    [Fact]
    public void A_missing_parameter_value_is_an_evaluation_error()
    {
        Assert.Throws<EvaluationException>(() => Eval("? = 1"));
    }

    [Fact]
    public void Decimal_literals_keep_their_written_scale()
    {
        Assert.Equal("1.50", Show("1.50"));
        Assert.Equal("1d3", Show("1e3"));
        Assert.Equal(IonDecimalValue.Of(new IonDecimal(25, -1)), Eval("2.5").Ion);
    }
}
