using Ledger.PartiQL.Syntax;
using Ledger.PartiQL.Syntax.Ast;
using Ledger.PartiQL.Syntax.Diagnostics;

namespace Ledger.PartiQL.Tests.Syntax;

/// <summary>Exact diagnostics (code, category, line, column, message) for the error cases of the suite and for
/// the parser's recovery rules.</summary>
public class DiagnosticTests
{
    private static Diagnostic First(string text)
    {
        var result = PartiQLParser.Parse(text);
        Assert.True(result.HasErrors, $"no diagnostic for: {text}");
        return result.FirstError!;
    }

    [Theory]
    [InlineData("SELEC * FROM Vehicle", DiagnosticFacts.ExpectedExpressionCode, 1, 9, "expected an expression, found 'FROM'")]
    [InlineData("SELECT * FROM Vehicle WHERE VIN = 'abc", DiagnosticFacts.UnterminatedStringCode, 1, 35, "unterminated string literal, expected a closing '")]
    [InlineData("SELECT VALUE 1", DiagnosticFacts.ExpectedTokenCode, 1, 15, "expected FROM, found end of statement")]
    [InlineData("SELECT 1", DiagnosticFacts.ExpectedTokenCode, 1, 9, "expected FROM, found end of statement")]
    [InlineData("SELECT * FROM Vehicle AS select", DiagnosticFacts.ReservedWordCode, 1, 26, "'select' is a reserved word; use a double-quoted identifier to use it as a name")]
    [InlineData("SELECT t.user FROM T AS t", DiagnosticFacts.ReservedWordCode, 1, 10, "'user' is a reserved word; use a double-quoted identifier to use it as a name")]
    [InlineData("CREATE TABLE Select", DiagnosticFacts.ReservedWordCode, 1, 14, "'Select' is a reserved word; use a double-quoted identifier to use it as a name")]
    [InlineData("CREATE TABLE 1Widgets", DiagnosticFacts.ExpectedTokenCode, 1, 14, "expected a table name, found '1'")]
    [InlineData("CREATE TABLE T (a INT)", DiagnosticFacts.UnexpectedTokenCode, 1, 16, "unexpected '('")]
    [InlineData("ALTER TABLE T ADD COLUMN a INT", DiagnosticFacts.ExpectedStatementCode, 1, 1, "expected a statement, found 'ALTER'")]
    [InlineData("TRUNCATE TABLE T", DiagnosticFacts.UnexpectedTokenCode, 1, 10, "unexpected 'TABLE'")]
    [InlineData("UPSERT INTO T VALUE {'a': 1}", DiagnosticFacts.UnexpectedTokenCode, 1, 8, "unexpected 'INTO'")]
    [InlineData("BEGIN TRANSACTION", DiagnosticFacts.ExpectedStatementCode, 1, 1, "expected a statement, found 'BEGIN'")]
    [InlineData("SELECT * FROM Vehicle; SELECT * FROM Person", DiagnosticFacts.MultipleStatementsCode, 1, 24, "only one statement is allowed per request")]
    [InlineData("SELECT *, v.VIN FROM Vehicle AS v", DiagnosticFacts.StarWithOtherItemsCode, 1, 9, "SELECT * cannot be combined with other select items")]
    [InlineData("SELECT * FROM Vehicle AS v INNER JOIN VehicleRegistration AS r", DiagnosticFacts.ExpectedTokenCode, 1, 63, "expected ON, found end of statement")]
    [InlineData("UPDATE A, B SET x = 1", DiagnosticFacts.ExpectedTokenCode, 1, 9, "expected SET, INSERT INTO or REMOVE, found ','")]
    [InlineData("UPDATE history(T) SET a = 1", DiagnosticFacts.ExpectedTokenCode, 1, 15, "expected SET, INSERT INTO or REMOVE, found '('")]
    [InlineData("UNDROP TABLE 'AAAAAAAAAAAAAAAAAAAAAA'", DiagnosticFacts.ExpectedTokenCode, 1, 14, "expected a double-quoted table id, found ''AAAAAAAAAAAAAAAAAAAAAA''")]
    [InlineData("DROP INDEX \"i\" ON Widgets", DiagnosticFacts.ExpectedTokenCode, 1, 26, "expected WITH (purge = true), found end of statement")]
    [InlineData("DROP INDEX \"i\" ON Widgets WITH (PURGE = true)", DiagnosticFacts.InvalidOptionCode, 1, 33, "expected purge (in lower case), found 'PURGE'")]
    [InlineData("WITH x AS (SELECT * FROM Vehicle) SELECT * FROM x", DiagnosticFacts.ExpectedStatementCode, 1, 1, "expected a statement, found 'WITH'")]
    [InlineData("SELECT * FROM T WHERE\n  a = (1 + ", DiagnosticFacts.ExpectedExpressionCode, 2, 12, "expected an expression, found end of statement")]
    public void Syntax_errors(string text, string code, int line, int column, string detail)
    {
        var result = PartiQLParser.Parse(text);
        Assert.True(result.HasErrors);
        var error = result.FirstError!;
        Assert.Equal(DiagnosticCategory.Syntax, error.Category);
        Assert.Equal(code, error.Code);
        Assert.Equal(new LinePosition(line, column), error.Position);
        Assert.Equal(detail, error.Detail);
        Assert.Equal($"Syntax Error: at line {line}, column {column}: {detail}", error.Message);
    }

    [Theory]
    [InlineData("SELECT VALUE `{a:` FROM << 0 >>", 14)]
    [InlineData("SELECT VALUE `[1, 2` FROM << 0 >>", 14)]
    [InlineData("SELECT *\nFROM T WHERE a = `2019-13-45T`", 18)]
    [InlineData("CREATE TABLE T WITH (aws_tags = `1 2`)", 33)]
    public void Invalid_ion_literals_are_syntax_errors_at_the_literal(string text, int column)
    {
        var error = First(text);
        Assert.Equal(DiagnosticFacts.InvalidIonLiteralCode, error.Code);
        Assert.Equal(DiagnosticCategory.Syntax, error.Category);
        Assert.Equal(column, error.Position.Column);
        Assert.Equal(text.Count(c => c == '\n') + 1, error.Position.Line);
        Assert.StartsWith("invalid Ion literal: ", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT * FROM Vehicle AS v ORDER BY v.Year", DiagnosticFacts.UnsupportedFeatureCode, 28, "ORDER BY")]
    [InlineData("SELECT * FROM Vehicle LIMIT 2 OFFSET 1", DiagnosticFacts.UnsupportedFeatureCode, 23, "LIMIT")]
    [InlineData("SELECT v.Type, COUNT(*) AS n FROM Vehicle AS v GROUP BY v.Type", DiagnosticFacts.UnsupportedFeatureCode, 48, "GROUP BY")]
    [InlineData("SELECT COUNT(*) AS n FROM Vehicle AS v HAVING COUNT(*) > 1", DiagnosticFacts.UnsupportedFeatureCode, 40, "HAVING")]
    [InlineData("SELECT VALUE v.VIN FROM Vehicle AS v UNION SELECT VALUE r.VIN FROM R AS r", DiagnosticFacts.UnsupportedFeatureCode, 38, "set operator UNION")]
    [InlineData("SELECT VALUE y FROM Vehicle AS v LET v.Year + 1 AS y", DiagnosticFacts.UnsupportedFeatureCode, 34, "LET")]
    [InlineData("PIVOT v.Make AT v.VIN FROM Vehicle AS v", DiagnosticFacts.UnsupportedFeatureCode, 1, "PIVOT")]
    [InlineData("SELECT * FROM Vehicle AS v LEFT JOIN R AS r ON v.VIN = r.VIN", DiagnosticFacts.UnsupportedFeatureCode, 28, "LEFT JOIN (only inner joins are supported)")]
    [InlineData("SELECT * FROM V AS v LEFT OUTER JOIN R AS r ON v.VIN = r.VIN", DiagnosticFacts.UnsupportedFeatureCode, 22, "LEFT OUTER JOIN (only inner joins are supported)")]
    [InlineData("SELECT VALUE ABS(-1) FROM << 0 >>", DiagnosticFacts.UnsupportedFunctionCode, 14, "function 'ABS' is not supported")]
    [InlineData("SELECT VALUE POSITION('a' IN 'abc') FROM << 0 >>", DiagnosticFacts.UnsupportedFunctionCode, 14, "function 'POSITION' is not supported")]
    [InlineData("SELECT VALUE CURRENT_TIMESTAMP FROM << 0 >>", DiagnosticFacts.UnsupportedFunctionCode, 14, "function 'CURRENT_TIMESTAMP' is not supported")]
    [InlineData("SELECT LAG(v.Year) OVER (ORDER BY v.Year) AS prev FROM Vehicle AS v", DiagnosticFacts.UnsupportedFunctionCode, 8, "function 'LAG' is not supported")]
    [InlineData("SELECT VALUE DATE '2020-01-01' FROM << 0 >>", DiagnosticFacts.UnsupportedFeatureCode, 14, "DATE literals (write an Ion timestamp in backticks)")]
    [InlineData("INSERT INTO T VALUE {'a': 1} ON CONFLICT DO NOTHING", DiagnosticFacts.UnsupportedFeatureCode, 30, "ON CONFLICT")]
    [InlineData("UPDATE T AS t SET t.a = 3 REMOVE t.b", DiagnosticFacts.UnsupportedFeatureCode, 27, "more than one SET, INSERT or REMOVE operation in one statement")]
    [InlineData("1 + 1", DiagnosticFacts.UnsupportedStatementCode, 1, "Unsupported PartiQL Statement")]
    [InlineData("<< 1, 2 >>", DiagnosticFacts.UnsupportedStatementCode, 1, "Unsupported PartiQL Statement")]
    public void Unsupported_features(string text, string code, int column, string detail)
    {
        var error = First(text);
        Assert.Equal(DiagnosticCategory.Unsupported, error.Category);
        Assert.Equal(code, error.Code);
        Assert.Equal(new LinePosition(1, column), error.Position);
        Assert.Equal(detail, error.Detail);
    }

    [Fact]
    public void Unsupported_feature_message_names_the_construct()
    {
        Assert.Equal("Unsupported PartiQL feature: ORDER BY, at line 1, column 28",
            First("SELECT * FROM Vehicle AS v ORDER BY v.Year").Message);
    }

    [Theory]
    [InlineData("SELECT VALUE UPPER('a', 'b') FROM << 0 >>", DiagnosticFacts.WrongArityCode, "function 'UPPER' takes 1 argument(s) but was given 2")]
    [InlineData("SELECT VALUE COALESCE() FROM << 0 >>", DiagnosticFacts.WrongArityCode, "function 'COALESCE' takes at least 1 argument(s) but was given 0")]
    [InlineData("EXEC redact_revision ?, ?", DiagnosticFacts.WrongArityCode, "function 'redact_revision' takes 3 argument(s) but was given 2")]
    [InlineData("EXEC drop_everything ?", DiagnosticFacts.UnknownProcedureCode, "no such stored procedure 'drop_everything'")]
    public void Semantic_errors_found_while_parsing(string text, string code, string detail)
    {
        var error = First(text);
        Assert.Equal(DiagnosticCategory.Semantic, error.Category);
        Assert.Equal(code, error.Code);
        Assert.Equal(detail, error.Detail);
    }

    [Fact]
    public void A_missing_token_is_zero_width_and_parsing_continues()
    {
        var result = PartiQLParser.Parse("SELECT a FROM T WHERE x IN (1, 2 AND y = 3");
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("expected ')', found end of statement", error.Detail);
        Assert.Equal(0, error.Span.Length);
        var select = Assert.IsType<SelectStatement>(result.Statement);
        Assert.IsType<InListExpression>(select.Where);
    }

    [Fact]
    public void Trailing_junk_is_one_skipped_node_flagged_once()
    {
        var result = PartiQLParser.Parse("SELECT * FROM T WHERE a = 1 ) ) ] junk 'x'");
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticFacts.UnexpectedTokenCode, error.Code);
        Assert.Equal(5, result.Skipped!.Tokens.Count);
        Assert.Equal(new TextSpan(28, 14), result.Skipped.Span);
        Assert.IsType<SelectStatement>(result.Statement);
    }

    [Fact]
    public void Deep_nesting_reports_one_diagnostic_instead_of_overflowing()
    {
        var text = "SELECT VALUE " + new string('(', 10_000) + "1" + new string(')', 10_000) + " FROM << 0 >>";
        var result = PartiQLParser.Parse(text);
        Assert.Equal(DiagnosticFacts.NestingTooDeepCode, result.FirstError!.Code);
        Assert.Equal(1, result.Diagnostics.Count(d => d.Code == DiagnosticFacts.NestingTooDeepCode));
    }

    [Fact]
    public void Nesting_just_under_the_limit_parses()
    {
        const int depth = PartiQLParser.MaxNestingDepth - 5;
        var text = "SELECT VALUE " + new string('[', depth) + "1" + new string(']', depth) + " FROM << 0 >>";
        Assert.False(PartiQLParser.Parse(text).HasErrors);
    }

    [Fact]
    public void Empty_statement()
    {
        Assert.Equal(DiagnosticFacts.EmptyStatementCode, First("  -- nothing\n").Code);
    }

    [Fact]
    public void Diagnostic_codes_are_unique()
    {
        var codes = typeof(DiagnosticFacts).GetFields()
            .Where(f => f.IsLiteral && f.Name.EndsWith("Code", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^PQL[0-9]{4}$", c));
    }
}
