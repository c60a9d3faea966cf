using Ledger.Functions.Auth.Permissions;
using Ledger.Ion;
using Ledger.PartiQL.Syntax;

namespace Ledger.Functions.Tests.Auth;

/// <summary>The PartiQL actions and targets QLDB's STANDARD mode checks, per statement form.</summary>
public sealed class StatementPermissionsTests
{
    private static string Describe(string statement, params IonValue[] parameters) =>
        string.Join("; ", StatementPermissions.Required(PartiQLParser.Parse(statement), parameters)
            .Select(access => $"{access.Action[5..]} {access.Kind}{(access.Table is null ? string.Empty : " " + access.Table)}"));

    [Theory]
    [InlineData("SELECT * FROM Cars", "PartiQLSelect TableName Cars")]
    [InlineData("SELECT * FROM Cars AS c, Owners AS o WHERE c.Owner = o.Id", "PartiQLSelect TableName Cars; PartiQLSelect TableName Owners")]
    [InlineData("SELECT * FROM Cars AS c, c.Owners AS o", "PartiQLSelect TableName Cars")]
    [InlineData("SELECT * FROM _ql_committed_Cars", "PartiQLSelect TableName Cars")]
    [InlineData("SELECT * FROM history(Cars) AS h", "PartiQLHistoryFunction TableName Cars")]
    [InlineData("SELECT * FROM history('5PLf9SXwndd63lPaSIa0O6')", "PartiQLHistoryFunction TableId 5PLf9SXwndd63lPaSIa0O6")]
    [InlineData("SELECT VALUE name FROM information_schema.user_tables", "PartiQLSelect UserTables")]
    [InlineData("INSERT INTO Cars ?", "PartiQLInsert TableName Cars")]
    [InlineData("UPDATE Cars AS c SET c.Color = 'Blue' WHERE c.VIN = 'x'", "PartiQLUpdate TableName Cars")]
    [InlineData("FROM Cars AS c WHERE c.VIN = 'x' INSERT INTO c VALUE 1 AT 'n'", "PartiQLUpdate TableName Cars")]
    [InlineData("DELETE FROM Cars AS c WHERE c.VIN = 'x'", "PartiQLDelete TableName Cars")]
    [InlineData("CREATE TABLE Cars", "PartiQLCreateTable AllTables")]
    [InlineData("CREATE TABLE Cars WITH (aws_tags = `{team: \"a\"}`)", "PartiQLCreateTable AllTables; TagResource AllTables")]
    [InlineData("DROP TABLE Cars", "PartiQLDropTable TableName Cars")]
    [InlineData("UNDROP TABLE \"5PLf9SXwndd63lPaSIa0O6\"", "PartiQLUndropTable TableId 5PLf9SXwndd63lPaSIa0O6")]
    [InlineData("CREATE INDEX ON Cars (VIN)", "PartiQLCreateIndex TableName Cars")]
    [InlineData("DROP INDEX \"4tPW3fUhaVhDinRgKRLhGU\" ON Cars WITH (purge = true)", "PartiQLDropIndex TableName Cars")]
    [InlineData("EXEC redact_revision '{strandId:\"a\",sequenceNo:1}', '5PLf9SXwndd63lPaSIa0O6', 'doc'", "PartiQLRedact TableId 5PLf9SXwndd63lPaSIa0O6")]
    [InlineData("SELEKT * FROM Cars", "")]
    public void Each_statement_needs_its_action_on_its_tables(string statement, string expected)
    {
        Assert.Equal(expected, Describe(statement));
    }

    [Fact]
    public void Redaction_names_its_table_by_parameter_or_else_needs_every_table()
    {
        Assert.Equal("PartiQLRedact TableId 5PLf9SXwndd63lPaSIa0O6",
            Describe("EXEC redact_revision ?, ?, ?", IonString.Of("{}"), IonString.Of("5PLf9SXwndd63lPaSIa0O6"), IonString.Of("doc")));
        Assert.Equal("PartiQLRedact AllTables", Describe("EXEC redact_revision ?, ?, ?", IonString.Of("{}"), IonInt.Of(1), IonString.Of("doc")));
    }
}
