using Ledger.Ion;
using Ledger.PartiQL.Evaluation;
using Ledger.PartiQL.Syntax;

namespace Ledger.PartiQL.Tests.Evaluation;

public class ScalarFunctionTests
{
    private static readonly EvaluationContext Context = new(IonTimestamp.Parse("2024-05-06T07:08:09.123Z"), "txABC");

    private static string Show(string expression, EvaluationContext? context = null)
    {
        var (parsed, diagnostics) = PartiQLParser.ParseExpression(expression);
        Assert.Empty(diagnostics);
        return ExpressionEvaluator.Evaluate(parsed, Bindings.Empty([], context)).ToString();
    }

    [Theory]
    [InlineData("SUBSTRING('123456789', 0, 2)", "\"1\"")]
    [InlineData("SUBSTRING('123456789', -4)", "\"123456789\"")]
    [InlineData("SUBSTRING('1234', 10, 10)", "\"\"")]
    [InlineData("SUBSTRING('héllo', 2, 3)", "\"éll\"")]
    [InlineData("SUBSTRING(null, 1)", "null")]
    [InlineData("TRIM('  a b  ')", "\"a b\"")]
    [InlineData("TRIM(LEADING FROM '  a  ')", "\"a  \"")]
    [InlineData("TRIM(TRAILING 'xy' FROM 'xyaxy')", "\"xya\"")]
    [InlineData("TRIM(BOTH 'x' FROM 'xxaxx')", "\"a\"")]
    [InlineData("EXTRACT(MONTH FROM `2010T`)", "1")]
    [InlineData("EXTRACT(TIMEZONE_HOUR FROM `2010-01-02T03:04-05:30`)", "-5")]
    [InlineData("EXTRACT(TIMEZONE_MINUTE FROM `2010-01-02T03:04-05:30`)", "-30")]
    [InlineData("EXTRACT(YEAR FROM null)", "null")]
    [InlineData("CAST(1.75 AS INT)", "1")]
    [InlineData("CAST(-1.75 AS INT)", "-1")]
    [InlineData("CAST('12' AS INT)", "12")]
    [InlineData("CAST('TRUE' AS BOOL)", "true")]
    [InlineData("CAST(0.0 AS BOOL)", "false")]
    [InlineData("CAST(2 AS DECIMAL)", "2.")]
    [InlineData("CAST(1.50 AS STRING)", "\"1.50\"")]
    [InlineData("CAST([1, 2] AS BAG)", "<< 1, 2 >>")]
    [InlineData("CAST(null AS INT)", "null")]
    [InlineData("CAST(missing AS INT)", "MISSING")]
    [InlineData("DATE_ADD(day, 1, `2020-02-28T`)", "2020-02-29")]
    [InlineData("DATE_ADD(second, 30, `2020-12-31T23:59:45.5+01:00`)", "2021-01-01T00:00:15.5+01:00")]
    [InlineData("DATE_ADD(day, 1, null)", "null")]
    [InlineData("DATE_DIFF(hour, `2020-01-01T00:00Z`, `2020-01-01T05:59Z`)", "5")]
    [InlineData("DATE_DIFF(year, `2012-03-01T`, `2013-02-28T`)", "0")]
    [InlineData("TO_STRING(`2020-01-02T03:04:05.678-07:30`, 'HH:mm:ss.SS xx')", "\"03:04:05.67 -0730\"")]
    [InlineData("TO_STRING(`2020-01-02T00:04Z`, 'hh a x')", "\"12 AM +00\"")]
    [InlineData("TO_TIMESTAMP('2020-01-02 3:04 PM +01:00', 'y-MM-dd h:mm a XXX')", "2020-01-02T15:04+01:00")]
    public void Functions(string expression, string expected) => Assert.Equal(expected, Show(expression));

    [Fact]
    public void Utcnow_and_txid_come_from_the_context()
    {
        Assert.Equal("2024-05-06T07:08:09.123Z", Show("UTCNOW()", Context));
        Assert.Equal("\"txABC\"", Show("TXID()", Context));
        Assert.Throws<EvaluationException>(() => Show("TXID()"));
    }

    [Theory]
    [InlineData("CAST('aa' AS INT)")]
    [InlineData("CAST(true AS NULL)")]
    [InlineData("CAST(1 AS STRUCT)")]
    [InlineData("CAST('x' AS TIMESTAMP)")]
    [InlineData("DATE_ADD(day, 'x', `2020T`)")]
    [InlineData("DATE_DIFF(day, 1, `2020T`)")]
    [InlineData("TO_TIMESTAMP('2016x', 'yyyy')")]
    [InlineData("TO_TIMESTAMP('nope')")]
    [InlineData("TO_TIMESTAMP('05.25', 's.SS')")]
    [InlineData("TO_STRING(`2020T`, 'q')")]
    public void Impossible_casts_are_errors(string expression) => Assert.Throws<EvaluationException>(() => Show(expression));

    [Fact]
    public void Substring_negative_length_is_an_error() => Assert.Throws<EvaluationException>(() => Show("SUBSTRING('abc', 1, -1)"));
}
