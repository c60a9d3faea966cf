using Ledger.PartiQL.Syntax;
using Ledger.PartiQL.Tests.Support;

namespace Ledger.PartiQL.Tests.Syntax;

/// <summary>parse → print → parse must give the same tree (spans aside), and printing is a fixpoint.</summary>
public class RoundTripTests
{
    /// <summary>The statements of spec §14 and other constructs of §3–§10, written as applications send them.</summary>
    public static readonly TheoryData<string> SpecStatements =
    [
        "CREATE TABLE VehicleRegistration",
        "CREATE INDEX ON Person (GovId)",
        "CREATE INDEX on Vehicle (VIN)",
        "CREATE INDEX ON VehicleRegistration (LicensePlateNumber)",
        "CREATE INDEX ON DriversLicense (PersonId)",
        "CREATE TABLE Vehicle WITH (aws_tags = `{'key1': 'value1', 'key2': 'value2'}`)",
        "DROP TABLE IonTypes",
        "UNDROP TABLE \"5PLf9SXwndd63lPaSIa0O6\"",
        "DROP INDEX \"4tPW3fUhaVhDinRgKRLhGU\" ON Widgets WITH (purge = true)",
        "INSERT INTO Person ?",
        "INSERT INTO T VALUE ?",
        "INSERT INTO T <<?,?>>",
        "INSERT INTO VehicleRegistration { 'VIN' : '1HVBBAANXWH544237', 'PendingPenaltyTicketAmount' : 42.20, 'ValidFromDate' : `2011-10-26T`, 'Owners' : { 'PrimaryOwner' : { 'PersonId': 'KmA3XPKKFqYCP2zhR3d0Ho' }, 'SecondaryOwners' : [] } }",
        "SELECT * FROM Vehicle",
        "SELECT VALUE name FROM information_schema.user_tables WHERE status = 'ACTIVE'",
        "SELECT id FROM Person AS t BY id WHERE t.GovId = ?",
        "SELECT p.* FROM Person AS p BY pid WHERE pid = ?",
        "SELECT Vehicle FROM Vehicle INNER JOIN VehicleRegistration AS r ON Vehicle.VIN = r.VIN WHERE r.Owners.PrimaryOwner.PersonId = ?",
        "SELECT Owners.SecondaryOwners FROM VehicleRegistration AS v WHERE v.VIN = ?",
        "FROM VehicleRegistration AS v WHERE v.VIN = ? INSERT INTO v.Owners.SecondaryOwners VALUE ?",
        "UPDATE DriversLicense AS d SET d.ValidFromDate = ?, d.ValidToDate = ? WHERE d.LicenseNumber = ?",
        "UPDATE T AS e BY eid SET e = ? WHERE eid = ?",
        "DELETE FROM DriversLicense AS d WHERE d.LicenseNumber = ?",
        "SELECT data.Owners.PrimaryOwner, metadata.version FROM history(VehicleRegistration, `2019-06-05T00:00:00Z`, `2019-06-06T00:00:00Z`) AS h WHERE h.metadata.id = ?",
        "SELECT data, data.Owners.PrimaryOwner AS PrimaryOwner FROM history(VehicleRegistration) AS history WHERE history.metadata.id = ?",
        "SELECT * FROM history('5PLf9SXwndd63lPaSIa0O6') AS h WHERE h.metadata.id = '9' AND h.metadata.version = 2",
        "SELECT c.* FROM _ql_committed_Person AS c BY docId WHERE docId = ?",
        "EXEC redact_revision ?, '5PLf9SXwndd63lPaSIa0O6', '8F0TPCmdNQ6JTRpiLj2TmW'",
        "SELECT COUNT(*) FROM T",
        "SELECT VALUE Name FROM T WHERE Name IN (?,?)",
        "SELECT r.VIN, (SELECT o.PersonId FROM @r.Owners.SecondaryOwners AS o) AS SecondaryOwners FROM VehicleRegistration AS r WHERE r.VIN = '1'",
        "SELECT VALUE indexes FROM information_schema.user_tables info, info.indexes indexes WHERE info.name = 'x'",
        "SELECT t, n FROM Items AS i, i.tags AS t AT n WHERE i.id = 1",
        "SELECT VALUE v FROM Items AS i, i.dims.* AS v WHERE i.id NOT BETWEEN -1 AND +2",
        "SELECT VALUE CASE i.qty WHEN 1 THEN 'one' WHEN 2 THEN 'two' END FROM Items AS i WHERE i.a IS NOT MISSING OR i.b IS STRUCT",
        "SELECT VALUE TRIM(BOTH 'xy' FROM ' a ') || TRIM(' b ') || TRIM(TRAILING FROM 'c ') FROM << 0 >>",
        "SELECT VALUE EXISTS(SELECT VALUE x FROM @i.l AS x WHERE x LIKE 'a!%%' ESCAPE '!') FROM Items AS i",
        "SELECT VALUE DATE_DIFF(day, `2010-01-01T23:00Z`, `2010-01-02T01:00Z`) + EXTRACT(YEAR FROM `2010T`) FROM << 0 >>",
        "SELECT VALUE CAST(\"quoted \"\"name\"\"\" AS DECIMAL) FROM << {'quoted \"name\"': '1.50'} >>",
        "SELECT VALUE 'it''s' FROM << MISSING, NULL, TRUE, FALSE, 1e3, 1.50, [], {} >>",
        "SELECT VALUE -(3) % 2 * (1 - 2) / 4 FROM << 0 >> WHERE NOT (1 <> 2) AND 1 != 2 AND 1 <= 2 AND 2 >= 1",
        "SELECT COUNT(DISTINCT v.Type) AS n, SUM(v.x), AVG(v.x), MIN(v.x), MAX(v.x) FROM Vehicle AS v CROSS JOIN Person AS p",
        "UPDATE Person AS p INSERT INTO p VALUE 'HOLLOR123ZZ' AT 'LicenseNumber' WHERE p.GovId = '111-22-3333'",
        "FROM T AS t WHERE t.id = 1 REMOVE t.l[0]",
        "SELECT VALUE a[*].b['c'][?] FROM T AS a",
        "SELECT VALUE (a.b).c FROM T AS a",
    ];

    [Theory]
    [MemberData(nameof(SpecStatements))]
    public void Spec_statement_round_trips(string text) => AssertRoundTrip(text);

    [Fact]
    public void Every_clean_suite_statement_round_trips()
    {
        var count = 0;
        foreach (var statement in SharedData.AllStatements)
        {
            if (!PartiQLParser.Parse(statement.Text).HasErrors)
            {
                AssertRoundTrip(statement.Text);
                count++;
            }
        }

        Assert.True(count > 600, $"only {count} statements round-tripped");
    }

    internal static void AssertRoundTrip(string text)
    {
        var first = PartiQLParser.Parse(text);
        Assert.True(!first.HasErrors, string.Join("\n", first.Diagnostics));
        var printed = first.Statement.ToString();
        var second = PartiQLParser.Parse(printed);
        Assert.True(!second.HasErrors, $"printed text does not parse: {printed}\n{string.Join("\n", second.Diagnostics)}");
        Assert.Equal(AstDump.Dump(first.Statement), AstDump.Dump(second.Statement));
        Assert.Equal(printed, second.Statement.ToString());
        Assert.Equal(first.ParameterCount, second.ParameterCount);
    }
}
