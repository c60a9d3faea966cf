using Ledger.PartiQL.Planning;
using Ledger.PartiQL.Syntax;
using Ledger.PartiQL.Syntax.Ast;
using Ledger.PartiQL.Syntax.Diagnostics;

namespace Ledger.PartiQL.Tests.Planning;

public class PlannerTests
{
    /// <summary>The DMV sample's tables with the six indexes it creates, plus an unindexed table.</summary>
    private sealed class DmvCatalog : ICatalog
    {
        private readonly Dictionary<string, TableSchema> tables = new()
        {
            ["Person"] = new("Person", new HashSet<string> { "GovId" }),
            ["Vehicle"] = new("Vehicle", new HashSet<string> { "VIN" }),
            ["VehicleRegistration"] = new("VehicleRegistration", new HashSet<string> { "LicensePlateNumber", "VIN" }),
            ["DriversLicense"] = new("DriversLicense", new HashSet<string> { "PersonId", "LicenseNumber" }),
            ["T"] = new("T", new HashSet<string>()),
        };

        public TableSchema? FindTable(string name) => tables.GetValueOrDefault(name);
    }

    private static StatementPlan Plan(string text, int? parameters = null)
    {
        var parsed = PartiQLParser.Parse(text);
        Assert.False(parsed.HasErrors, string.Join("\n", parsed.Diagnostics));
        return PartiQLPlanner.Plan(parsed, new DmvCatalog(), parameters);
    }

    private static SourcePlan Single(string text)
    {
        var plan = Plan(text);
        Assert.False(plan.HasErrors, string.Join("\n", plan.Diagnostics));
        return Assert.Single(plan.Sources);
    }

    [Theory]
    [InlineData("SELECT * FROM Person AS p WHERE p.GovId = ?", "GovId", 1)]
    [InlineData("SELECT * FROM Person AS p WHERE ? = p.GovId", "GovId", 1)]
    [InlineData("SELECT * FROM Person AS p WHERE p['GovId'] = 'LEWISR261LL'", "GovId", 1)]
    [InlineData("SELECT PersonId FROM DriversLicense WHERE LicenseNumber = ?", "LicenseNumber", 1)]
    [InlineData("SELECT * FROM DriversLicense AS d WHERE d.PersonId = ? AND d.LicenseType = 'Learner'", "PersonId", 1)]
    [InlineData("SELECT VALUE v.VIN FROM Vehicle AS v WHERE v.Year > 2000 AND v.VIN IN (?, '1N4AL11D75C109151', `\"x\"`)", "VIN", 3)]
    [InlineData("SELECT * FROM VehicleRegistration AS r WHERE r.VIN = -1", "VIN", 1)]
    [InlineData("DELETE FROM DriversLicense AS d WHERE d.LicenseNumber = ?", "LicenseNumber", 1)]
    [InlineData("UPDATE VehicleRegistration AS r SET r.Owners.PrimaryOwner.PersonId = ? WHERE r.VIN = ?", "VIN", 1)]
    [InlineData("FROM VehicleRegistration AS v WHERE v.VIN = ? INSERT INTO v.Owners.SecondaryOwners VALUE ?", "VIN", 1)]
    public void Equality_and_in_on_an_indexed_top_level_field_use_the_index(string text, string field, int keys)
    {
        var source = Single(text);
        var lookup = Assert.IsType<IndexLookup>(source.Access);
        Assert.Equal(field, lookup.Field);
        Assert.Equal(keys, lookup.Keys.Count);
        Assert.False(source.IsTableScan);
    }

    [Theory]
    [InlineData("SELECT * FROM Vehicle")]
    [InlineData("SELECT * FROM Vehicle AS v WHERE v.Year = 2011")]
    [InlineData("SELECT * FROM Vehicle AS v WHERE v.VIN > ?")]
    [InlineData("SELECT * FROM Vehicle AS v WHERE v.VIN LIKE 'KM%'")]
    [InlineData("SELECT * FROM Vehicle AS v WHERE v.VIN IN ?")]
    [InlineData("SELECT * FROM Vehicle AS v WHERE v.VIN IN ['a', 'b']")]
    [InlineData("SELECT * FROM Vehicle AS v WHERE v.VIN NOT IN ('a')")]
    [InlineData("SELECT * FROM Vehicle AS v WHERE v.VIN = ? OR v.Make = ?")]
    [InlineData("SELECT * FROM Vehicle AS v WHERE UPPER(v.VIN) = ?")]
    [InlineData("SELECT * FROM VehicleRegistration AS r WHERE r.Owners.PrimaryOwner.PersonId = ?")]
    [InlineData("SELECT * FROM Vehicle AS v WHERE v.VIN = v.Make")]
    [InlineData("SELECT COUNT(*) FROM Vehicle")]
    [InlineData("DELETE FROM T")]
    [InlineData("SELECT * FROM history(Vehicle) AS h WHERE h.data.VIN = ?")]
    public void Everything_else_is_a_reported_full_scan(string text)
    {
        var source = Single(text);
        Assert.IsType<FullScan>(source.Access);
        Assert.True(source.IsTableScan);
    }

    [Theory]
    [InlineData("SELECT p.* FROM Person AS p BY pid WHERE pid = ?", SourceKind.UserView)]
    [InlineData("UPDATE T AS e BY eid SET e = ? WHERE eid = ?", SourceKind.UserView)]
    [InlineData("SELECT c.* FROM _ql_committed_Person AS c BY docId WHERE docId = ?", SourceKind.CommittedView)]
    [InlineData("SELECT metadata.id FROM _ql_committed_Person AS p WHERE p.metadata.id = ?", SourceKind.CommittedView)]
    [InlineData("SELECT * FROM _ql_committed_Person WHERE metadata.id = ?", SourceKind.CommittedView)]
    [InlineData("SELECT * FROM history(VehicleRegistration) AS h WHERE h.metadata.id = ? AND h.data.Owners.PrimaryOwner.PersonId = ?", SourceKind.History)]
    public void Document_id_predicates_use_a_document_id_lookup(string text, SourceKind kind)
    {
        var source = Single(text);
        Assert.Equal(kind, source.Kind);
        Assert.Single(Assert.IsType<DocumentIdLookup>(source.Access).Keys);
    }

    [Fact]
    public void Join_uses_the_index_of_the_inner_side_with_a_correlated_key()
    {
        var plan = Plan("SELECT Vehicle FROM Vehicle INNER JOIN VehicleRegistration AS r ON Vehicle.VIN = r.VIN WHERE r.Owners.PrimaryOwner.PersonId = ?");
        Assert.False(plan.HasErrors);
        Assert.Collection(plan.Sources,
            vehicle => Assert.IsType<FullScan>(vehicle.Access),
            registration =>
            {
                var lookup = Assert.IsType<IndexLookup>(registration.Access);
                Assert.Equal("VIN", lookup.Field);
                Assert.Equal("Vehicle.VIN", Assert.Single(lookup.Keys).ToString());
            });
        Assert.True(plan.HasTableScan);
        Assert.Equal(
            "Vehicle: full scan (no equality or IN (…) predicate on an indexed top-level field)\n" +
            "VehicleRegistration AS r: index lookup VIN IN (Vehicle.VIN)\n",
            plan.Explain());
    }

    [Fact]
    public void Unnested_alias_paths_and_the_catalog_are_classified()
    {
        var plan = Plan("SELECT r.VIN, o.SecondaryOwners FROM VehicleRegistration AS r, @r.Owners.PrimaryOwner AS o WHERE r.VIN = ?");
        Assert.Collection(plan.Sources,
            r => Assert.IsType<IndexLookup>(r.Access),
            o =>
            {
                Assert.Equal(SourceKind.Value, o.Kind);
                Assert.IsType<Evaluate>(o.Access);
                Assert.False(o.IsTableScan);
            });

        var catalog = Single("SELECT VALUE name FROM information_schema.user_tables WHERE status = 'ACTIVE'");
        Assert.Equal(SourceKind.UserTables, catalog.Kind);
    }

    [Theory]
    [InlineData("SELECT * FROM person", "No such variable named 'person'", 15)]
    [InlineData("SELECT * FROM Vehicle AS v INNER JOIN NoSuchTable AS n ON v.VIN = n.VIN", "No such variable named 'NoSuchTable'", 39)]
    [InlineData("INSERT INTO NoSuchTable VALUE {'a': 1}", "No such variable named 'NoSuchTable'", 13)]
    [InlineData("DELETE FROM NonExistentTable", "No such variable named 'NonExistentTable'", 13)]
    [InlineData("SELECT * FROM _ql_committed_NoSuchTable", "No such variable named '_ql_committed_NoSuchTable'", 15)]
    [InlineData("SELECT * FROM history(NoSuchTable) AS h", "No such variable named 'NoSuchTable'", 23)]
    [InlineData("SELECT * FROM T AS t, x.items AS y", "No such variable named 'x'", 23)]
    [InlineData("SELECT * FROM T AS t, @x AS y", "No such variable named '@x'", 23)]
    public void Unknown_names_are_semantic_errors_with_qldb_text(string text, string detail, int column)
    {
        var plan = Plan(text);
        var error = Assert.Single(plan.Diagnostics);
        Assert.Equal(DiagnosticFacts.NoSuchVariableCode, error.Code);
        Assert.Equal(DiagnosticCategory.Semantic, error.Category);
        Assert.Equal(detail, error.Detail);
        Assert.Equal(new LinePosition(1, column), error.Position);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPDATE _ql_committed_T AS c SET c.data.a = 2", DiagnosticFacts.ReadOnlyViewCode)]
    [InlineData("DELETE FROM _ql_committed_T", DiagnosticFacts.ReadOnlyViewCode)]
    [InlineData("FROM _ql_committed_T AS c SET c.data.a = 2", DiagnosticFacts.ReadOnlyViewCode)]
    [InlineData("INSERT INTO _ql_committed_T VALUE {'a': 1}", DiagnosticFacts.ReadOnlyViewCode)]
    [InlineData("INSERT INTO information_schema.user_tables VALUE {'name': 'x'}", DiagnosticFacts.ReadOnlyViewCode)]
    [InlineData("DELETE FROM information_schema.user_tables", DiagnosticFacts.ReadOnlyViewCode)]
    [InlineData("SELECT r.VIN, (SELECT p.PersonId FROM Person AS p WHERE p.PersonId = r.Owners.PrimaryOwner.PersonId) AS PrimaryOwner FROM VehicleRegistration AS r", DiagnosticFacts.SubqueryReadsTableCode)]
    [InlineData("INSERT INTO Vehicle SELECT VALUE v FROM Vehicle AS v", DiagnosticFacts.SubqueryReadsTableCode)]
    [InlineData("SELECT * FROM T AS t WHERE EXISTS(SELECT VALUE x FROM history(T) AS x)", DiagnosticFacts.SubqueryReadsTableCode)]
    [InlineData("SELECT v.Make, COUNT(*) AS n FROM Vehicle AS v", DiagnosticFacts.AggregateWithoutGroupCode)]
    [InlineData("FROM Vehicle AS v, VehicleRegistration AS r WHERE v.VIN = r.VIN SET v.Color = 'Red'", DiagnosticFacts.DmlReadsAnotherSourceCode)]
    [InlineData("FROM Vehicle AS v, history(Vehicle) AS h SET v.Color = 'Red'", DiagnosticFacts.DmlReadsAnotherSourceCode)]
    public void Semantic_rules(string text, string code)
    {
        var error = Plan(text).Diagnostics.FirstOrDefault();
        Assert.NotNull(error);
        Assert.Equal(code, error.Code);
        Assert.Equal(DiagnosticCategory.Semantic, error.Category);
    }

    [Theory]
    [InlineData("SELECT r.VIN, (SELECT o.PersonId FROM @r.Owners.SecondaryOwners AS o) AS SecondaryOwners FROM VehicleRegistration AS r WHERE r.VIN = '1'")]
    [InlineData("SELECT COUNT(*) AS n, MIN(v.Year) AS lo, 1 AS one FROM Vehicle AS v")]
    [InlineData("SELECT VALUE indexes FROM information_schema.user_tables info, info.indexes indexes WHERE info.name = 'x'")]
    [InlineData("SELECT UTCNOW() FROM << 0 >>")]
    [InlineData("SELECT * FROM Person AS p WHERE EXISTS(SELECT VALUE x FROM p.tags AS x)")]
    public void Valid_statements_have_no_semantic_errors(string text)
    {
        var plan = Plan(text);
        Assert.False(plan.HasErrors, string.Join("\n", plan.Diagnostics));
    }

    [Fact]
    public void Parameter_count_must_match_the_values_supplied()
    {
        Assert.False(Plan("SELECT * FROM Vehicle AS v WHERE v.VIN = ?", parameters: 1).HasErrors);
        var error = Assert.Single(Plan("SELECT * FROM Vehicle AS v WHERE v.VIN = ?", parameters: 2).Diagnostics);
        Assert.Equal(DiagnosticFacts.ParameterCountCode, error.Code);
        Assert.Equal("the statement has 1 parameter(s) but 2 value(s) were supplied", error.Detail);
        Assert.Equal(DiagnosticFacts.ParameterCountCode, Assert.Single(Plan("SELECT * FROM Vehicle AS v WHERE v.VIN = ?", parameters: 0).Diagnostics).Code);
    }

    [Fact]
    public void Parse_errors_are_passed_through_unplanned()
    {
        var plan = PartiQLPlanner.Plan(PartiQLParser.Parse("SELECT * FROM"), new DmvCatalog());
        Assert.True(plan.HasErrors);
        Assert.Empty(plan.Sources);
        Assert.Equal(DiagnosticCategory.Syntax, plan.Diagnostics[0].Category);
        Assert.IsType<SelectStatement>(plan.Statement);
    }
}
