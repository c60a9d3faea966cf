using Ledger.Ion;
using Ledger.PartiQL.Syntax;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Tests.Syntax;

public class ParserTests
{
    private static T ParseClean<T>(string text)
        where T : Statement
    {
        var result = PartiQLParser.Parse(text);
        Assert.True(result.Diagnostics.Count == 0, string.Join("\n", result.Diagnostics));
        Assert.Null(result.Skipped);
        return Assert.IsType<T>(result.Statement);
    }

    [Fact]
    public void Select_with_join_unnest_and_parameter()
    {
        var select = ParseClean<SelectStatement>(
            "SELECT r.VIN, o.SecondaryOwners FROM VehicleRegistration AS r, @r.Owners.PrimaryOwner AS o WHERE r.VIN = ?");
        var items = Assert.IsType<ProjectList>(select.Projection).Items;
        Assert.Equal(2, items.Count);
        var join = Assert.IsType<JoinSource>(select.From);
        Assert.Equal(JoinKind.Comma, join.Kind);
        var right = Assert.IsType<FromItem>(join.Right);
        var path = Assert.IsType<PathExpression>(right.Source);
        var root = Assert.IsType<VariableReference>(path.Root);
        Assert.True(root.IsLocal);
        Assert.Equal("r", root.Name.Name);
        Assert.Equal(["Owners", "PrimaryOwner"], path.Steps.Cast<FieldStep>().Select(s => s.Field.Name));
        Assert.Equal("o", right.Alias!.Name);
        var where = Assert.IsType<BinaryExpression>(select.Where);
        Assert.Equal(BinaryOperator.Equal, where.Operator);
        Assert.Equal(0, Assert.IsType<ParameterExpression>(where.Right).Index);
    }

    [Fact]
    public void Parameters_are_numbered_left_to_right()
    {
        var result = PartiQLParser.Parse("UPDATE DriversLicense AS d SET d.ValidFromDate = ?, d.ValidToDate = ? WHERE d.LicenseNumber = ?");
        Assert.Equal(3, result.ParameterCount);
        var update = Assert.IsType<UpdateStatement>(result.Statement);
        var set = Assert.IsType<SetOperation>(update.Operation);
        Assert.Equal([0, 1], set.Assignments.Select(a => ((ParameterExpression)a.Value).Index));
        Assert.Equal(2, ((ParameterExpression)((BinaryExpression)update.Where!).Right).Index);
    }

    [Fact]
    public void Select_by_clause_and_all_fields_item()
    {
        var select = ParseClean<SelectStatement>("SELECT p.* FROM Person AS p BY pid WHERE pid = ?");
        var item = Assert.IsType<SelectAllFieldsItem>(Assert.Single(Assert.IsType<ProjectList>(select.Projection).Items));
        Assert.Equal("p", Assert.IsType<VariableReference>(item.Source).Name.Name);
        var from = Assert.IsType<FromItem>(select.From);
        Assert.Equal("pid", from.ByAlias!.Name);
    }

    [Fact]
    public void Select_value_star_and_distinct()
    {
        Assert.IsType<ProjectStar>(ParseClean<SelectStatement>("SELECT * FROM Vehicle").Projection);
        var value = ParseClean<SelectStatement>("SELECT DISTINCT VALUE t FROM Items AS i, i.tags AS t WHERE t IS NOT NULL");
        Assert.True(value.Distinct);
        Assert.IsType<ProjectValue>(value.Projection);
        var isNotNull = Assert.IsType<IsExpression>(value.Where);
        Assert.True(isNotNull.Negated);
        Assert.Equal(TypeName.Null, isNotNull.Type);
    }

    [Fact]
    public void Inner_and_cross_joins()
    {
        var select = ParseClean<SelectStatement>(
            "SELECT v FROM Vehicle AS v INNER JOIN VehicleRegistration AS r ON v.VIN = r.VIN CROSS JOIN Person p");
        var cross = Assert.IsType<JoinSource>(select.From);
        Assert.Equal(JoinKind.Cross, cross.Kind);
        var inner = Assert.IsType<JoinSource>(cross.Left);
        Assert.Equal(JoinKind.Inner, inner.Kind);
        Assert.NotNull(inner.Condition);
        Assert.Equal("p", ((FromItem)cross.Right).Alias!.Name);
    }

    [Fact]
    public void History_committed_view_and_catalog_sources()
    {
        var history = ParseClean<SelectStatement>(
            "SELECT * FROM history(VehicleRegistration, `2019-06-05T00:00:00Z`, `2019-06-06T00:00:00Z`) AS h WHERE h.metadata.id = ?");
        var source = Assert.IsType<HistoryExpression>(((FromItem)history.From).Source);
        Assert.Equal("VehicleRegistration", source.Table!.Name);
        var start = Assert.IsType<IonLiteralExpression>(source.Start);
        Assert.Equal("2019-06-05T00:00:00Z", start.RawText);
        Assert.Equal(IonType.Timestamp, start.Value!.Type);
        Assert.NotNull(source.End);

        var byId = ParseClean<SelectStatement>("SELECT * FROM history('5PLf9SXwndd63lPaSIa0O6') AS h");
        Assert.Equal("5PLf9SXwndd63lPaSIa0O6", ((HistoryExpression)((FromItem)byId.From).Source).TableId);

        var committed = ParseClean<SelectStatement>("SELECT * FROM _ql_committed_VehicleRegistration WHERE data.VIN = ?");
        Assert.Equal("_ql_committed_VehicleRegistration", ((VariableReference)((FromItem)committed.From).Source).Name.Name);

        var catalog = ParseClean<SelectStatement>("SELECT VALUE name FROM information_schema.user_tables WHERE status = 'ACTIVE'");
        Assert.IsType<UserTablesExpression>(((FromItem)catalog.From).Source);
    }

    [Fact]
    public void Insert_forms()
    {
        var list = ParseClean<InsertStatement>("INSERT INTO Person ?");
        Assert.False(list.IsValueForm);
        Assert.IsType<ParameterExpression>(list.Value);

        var value = ParseClean<InsertStatement>("INSERT INTO T VALUE {'a': 1 + 2}");
        Assert.True(value.IsValueForm);
        var field = Assert.Single(Assert.IsType<StructExpression>(value.Value).Fields);
        Assert.Equal("a", ((LiteralExpression)field.Key).Text);

        var bag = ParseClean<InsertStatement>("INSERT INTO T <<?,?>>");
        Assert.Equal(2, Assert.IsType<BagExpression>(bag.Value).Items.Count);
    }

    [Fact]
    public void From_dml_with_nested_source_and_insert_operation()
    {
        var statement = ParseClean<UpdateStatement>(
            "FROM VehicleRegistration AS v WHERE v.VIN = ? INSERT INTO v.Owners.SecondaryOwners VALUE ?");
        Assert.Equal(DmlForm.From, statement.Form);
        var insert = Assert.IsType<InsertIntoOperation>(statement.Operation);
        Assert.IsType<PathExpression>(insert.Target);
        Assert.Null(insert.Position);

        var nested = ParseClean<UpdateStatement>(
            "FROM T AS r, @r.Owners.SecondaryOwners AS o WHERE r.VIN = '1' AND o.PersonId = 'abc' SET o.PersonId = 'def'");
        Assert.Single(nested.NestedSources);
        Assert.IsType<SetOperation>(nested.Operation);
    }

    [Fact]
    public void Update_insert_at_and_remove()
    {
        var insert = ParseClean<UpdateStatement>("UPDATE T AS t INSERT INTO t.l VALUE 'x' AT 0 WHERE t.id = 1");
        Assert.NotNull(Assert.IsType<InsertIntoOperation>(insert.Operation).Position);
        var remove = ParseClean<UpdateStatement>("UPDATE T AS t BY tid REMOVE t.l[1] WHERE tid = ?");
        Assert.Equal("tid", remove.Target.ByAlias!.Name);
        var target = Assert.IsType<PathExpression>(Assert.IsType<RemoveOperation>(remove.Operation).Target);
        Assert.IsType<IndexStep>(target.Steps[^1]);
    }

    [Fact]
    public void Ddl_statements()
    {
        var create = ParseClean<CreateTableStatement>("CREATE TABLE Vehicle WITH (aws_tags = `{'environment': 'production'}`)");
        Assert.Equal("{'environment': 'production'}", create.Tags!.RawText);
        var tags = Assert.IsType<IonStruct>(create.Tags.Value);
        Assert.Equal("production", Assert.IsType<IonSymbol>(tags["environment"]).Text);
        Assert.Equal("VIN", ((VariableReference)Assert.Single(ParseClean<CreateIndexStatement>("CREATE INDEX on Vehicle (VIN)").Fields)).Name.Name);
        Assert.Equal("T", ParseClean<DropTableStatement>("DROP TABLE T").Table.Name);
        Assert.Equal("5PLf9SXwndd63lPaSIa0O6", ParseClean<UndropTableStatement>("UNDROP TABLE \"5PLf9SXwndd63lPaSIa0O6\"").TableId.Name);
        var drop = ParseClean<DropIndexStatement>("DROP INDEX \"4tPW3fUhaVhDinRgKRLhGU\" ON Widgets WITH (purge = true)");
        Assert.Equal(("4tPW3fUhaVhDinRgKRLhGU", "Widgets"), (drop.IndexId.Name, drop.Table.Name));
    }

    [Fact]
    public void Exec_redact_revision_is_case_insensitive()
    {
        var exec = ParseClean<ExecStatement>("exec REDACT_REVISION `{strandId: \"x\", sequenceNo: 9}`, 'tid', 'did'");
        Assert.Equal("redact_revision", exec.Procedure);
        Assert.Equal(3, exec.Arguments.Count);
    }

    [Fact]
    public void Special_forms_and_aggregates()
    {
        var select = ParseClean<SelectStatement>(
            "SELECT COUNT(*) AS n, COUNT(DISTINCT v.Type), CAST(v.Year AS DOUBLE PRECISION), SUBSTRING(v.Make FROM 1 FOR 2), " +
            "TRIM(LEADING 'x' FROM v.Make), EXTRACT(timezone_hour FROM v.t), DATE_ADD(month, 1, `2010T`), " +
            "CASE WHEN v.Year > 5 THEN 'many' ELSE 'few' END, TO_STRING(v.t, 'y') FROM Vehicle AS v");
        var items = ((ProjectList)select.Projection).Items.Cast<SelectExpressionItem>().Select(i => i.Expression).ToList();
        Assert.Null(Assert.IsType<AggregateCall>(items[0]).Argument);
        Assert.True(Assert.IsType<AggregateCall>(items[1]).Distinct);
        Assert.Equal(TypeName.Float, Assert.IsType<CastExpression>(items[2]).Type);
        Assert.Equal(3, Assert.IsType<FunctionCall>(items[3]).Arguments.Count);
        Assert.Equal(TrimSpecification.Leading, Assert.IsType<TrimExpression>(items[4]).Specification);
        Assert.Equal(DateTimePart.TimezoneHour, Assert.IsType<ExtractExpression>(items[5]).Part);
        Assert.Equal(DateTimePart.Month, Assert.IsType<DateArithmeticExpression>(items[6]).Part);
        Assert.Single(Assert.IsType<CaseExpression>(items[7]).Branches);
        Assert.Equal("TO_STRING", Assert.IsType<FunctionCall>(items[8]).Name);
    }

    [Fact]
    public void In_with_parenthesised_list_differs_from_in_collection()
    {
        var list = ParseClean<SelectStatement>("SELECT VALUE Name FROM T WHERE Name IN (?, ?)");
        Assert.Equal(2, Assert.IsType<InListExpression>(list.Where).Items.Count);
        var collection = ParseClean<SelectStatement>("SELECT VALUE Name FROM T WHERE Name NOT IN ?");
        Assert.True(Assert.IsType<InCollectionExpression>(collection.Where).Negated);
    }

    [Fact]
    public void Precedence_and_binds_tighter_than_or_and_between_tighter_than_and()
    {
        var select = ParseClean<SelectStatement>("SELECT * FROM T WHERE a = 1 OR b BETWEEN 1 AND 2 AND NOT c LIKE 'x%'");
        var or = Assert.IsType<BinaryExpression>(select.Where);
        Assert.Equal(BinaryOperator.Or, or.Operator);
        var and = Assert.IsType<BinaryExpression>(or.Right);
        Assert.Equal(BinaryOperator.And, and.Operator);
        Assert.IsType<BetweenExpression>(and.Left);
        Assert.IsType<LikeExpression>(Assert.IsType<UnaryExpression>(and.Right).Operand);
    }

    [Fact]
    public void Arithmetic_is_left_associative_with_multiplication_first()
    {
        var (expression, diagnostics) = PartiQLParser.ParseExpression("1 - 2 - 3 * 4 || 'x'");
        Assert.Empty(diagnostics);
        Assert.Equal("(((1 - 2) - (3 * 4)) || 'x')", expression.ToString());
    }

    [Fact]
    public void Paths_with_wildcards_indexes_and_quoted_fields()
    {
        var (expression, diagnostics) = PartiQLParser.ParseExpression("a.\"b c\"[0]['d'].*[*][?]");
        Assert.Empty(diagnostics);
        var path = Assert.IsType<PathExpression>(expression);
        Assert.Collection(path.Steps,
            s => Assert.True(Assert.IsType<FieldStep>(s).Field.IsQuoted),
            s => Assert.IsType<IndexStep>(s),
            s => Assert.IsType<IndexStep>(s),
            s => Assert.IsType<AllFieldsStep>(s),
            s => Assert.IsType<AllElementsStep>(s),
            s => Assert.IsType<ParameterExpression>(Assert.IsType<IndexStep>(s).Index));
    }

    [Fact]
    public void Node_spans_cover_their_text()
    {
        const string text = "SELECT x FROM T WHERE a.b = 'c'";
        var select = ParseClean<SelectStatement>(text);
        Assert.Equal(new TextSpan(0, text.Length), select.Span);
        var where = select.Where!;
        Assert.Equal("a.b = 'c'", text.Substring(where.Span.Start, where.Span.Length));
    }

    [Fact]
    public void Trailing_semicolon_is_allowed()
    {
        ParseClean<SelectStatement>("SELECT * FROM T;");
    }

    [Theory]
    [InlineData("SELECT * FROM T", false, false)]
    [InlineData("SELECT COUNT(*) FROM T", false, true)]
    [InlineData("SELECT (SELECT VALUE x FROM @t.l AS x) FROM T AS t", true, false)]
    [InlineData("SELECT VALUE EXISTS(SELECT VALUE MAX(x) FROM @t.l AS x) FROM T AS t", true, true)]
    [InlineData("INSERT INTO T SELECT VALUE v FROM V AS v", true, false)]
    public void Parse_result_flags_nested_queries_and_aggregates(string text, bool subqueries, bool aggregates)
    {
        var result = PartiQLParser.Parse(text);
        Assert.False(result.HasErrors);
        Assert.Equal((subqueries, aggregates), (result.HasSubqueries, result.HasAggregates));
    }
}
