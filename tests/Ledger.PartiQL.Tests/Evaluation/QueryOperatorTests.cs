using Ledger.Ion;
using Ledger.PartiQL.Tests.Support;

namespace Ledger.PartiQL.Tests.Evaluation;

/// <summary>Query execution over small hand-made tables: access paths, unnesting, joins, BY, shapes, aggregates.</summary>
public class QueryOperatorTests
{
    private static InMemoryDocuments Dmv() => new InMemoryDocuments()
        .Table("Person", "GovId")
        .Insert("Person", "p1", Doc("{GovId: \"G1\", Name: \"Ann\"}"))
        .Insert("Person", "p2", Doc("{GovId: \"G2\", Name: \"Bob\"}"))
        .Table("Reg")
        .Insert("Reg", "r1", Doc("{VIN: \"V1\", Owners: {PrimaryOwner: {PersonId: \"p1\"}, SecondaryOwners: [{PersonId: \"p2\"}, {PersonId: \"p1\"}]}, Fee: 1.50}"))
        .Insert("Reg", "r2", Doc("{VIN: \"V2\", Owners: {PrimaryOwner: {PersonId: \"p2\"}, SecondaryOwners: []}, Fee: 2.25}"))
        .Insert("Reg", "r3", Doc("{VIN: \"V3\", Fee: null}"));

    private static IonStruct Doc(string text) => (IonStruct)IonText.Parse(text);

    private static async Task<string> RunAsync(InMemoryDocuments documents, string statement, params IonValue[] parameters) =>
        string.Join(" | ", (await QuerySuiteTests.RunAsync(documents, statement, parameters)).Select(r => r.ToString()));

    [Theory]
    [InlineData("SELECT VALUE p.Name FROM Person AS p WHERE p.GovId = 'G2'", "\"Bob\"")]
    [InlineData("SELECT p.Name, pid FROM Person AS p BY pid WHERE pid = 'p1'", "{Name:\"Ann\",pid:\"p1\"}")]
    [InlineData("SELECT * FROM Person AS p BY pid WHERE p.GovId = 'G1'", "{GovId:\"G1\",Name:\"Ann\",pid:\"p1\"}")]
    [InlineData("SELECT o.PersonId FROM Reg AS r, @r.Owners.SecondaryOwners AS o WHERE r.VIN = 'V1'", "{PersonId:\"p2\"} | {PersonId:\"p1\"}")]
    [InlineData("SELECT VALUE i FROM Reg AS r, r.Owners.SecondaryOwners AS o AT i WHERE r.VIN = 'V1'", "0 | 1")]
    [InlineData("SELECT p.Name FROM Reg AS r INNER JOIN Person AS p BY pid ON r.Owners.PrimaryOwner.PersonId = pid WHERE r.VIN = 'V2'", "{Name:\"Bob\"}")]
    [InlineData("SELECT DISTINCT VALUE o.PersonId FROM Reg AS r, r.Owners.SecondaryOwners AS o, r.Owners.SecondaryOwners AS o2", "\"p2\" | \"p1\"")]
    [InlineData("SELECT r.VIN, r.Fee FROM Reg AS r WHERE r.VIN = 'V3'", "{VIN:\"V3\",Fee:null}")]
    [InlineData("SELECT r.VIN, r.Owners FROM Reg AS r WHERE r.VIN = 'V3'", "{VIN:\"V3\"}")]
    [InlineData("SELECT r.VIN FROM Reg AS r WHERE r.Fee > 2", "{VIN:\"V2\"}")]
    [InlineData("SELECT COUNT(*), COUNT(r.Fee) AS n, SUM(r.Fee) AS s, MIN(r.Fee) AS lo, MAX(r.VIN) AS hi FROM Reg AS r", "{_1:3,n:2,s:3.75,lo:1.50,hi:\"V3\"}")]
    [InlineData("SELECT COUNT(*) AS n, SUM(r.Fee) AS s, AVG(r.Fee) AS a FROM Reg AS r WHERE r.VIN = 'none'", "{n:0,s:null,a:null}")]
    [InlineData("SELECT r.VIN, (SELECT VALUE o.PersonId FROM @r.Owners.SecondaryOwners AS o WHERE o.PersonId <> 'p2') AS ids FROM Reg AS r WHERE r.VIN = 'V1'", "{VIN:\"V1\",ids:[\"p1\"]}")]
    [InlineData("SELECT VALUE r.VIN FROM Reg AS r WHERE EXISTS(SELECT o FROM @r.Owners.SecondaryOwners AS o)", "\"V1\"")]
    [InlineData("SELECT VALUE (SELECT VALUE COUNT(*) FROM r.Owners.SecondaryOwners AS o) FROM Reg AS r WHERE r.VIN = 'V1'", "[2]")]
    [InlineData("SELECT VALUE COUNT(DISTINCT o.PersonId) FROM Reg AS r, r.Owners.SecondaryOwners AS o", "2")]
    public async Task Query_results(string statement, string expected) => Assert.Equal(expected, await RunAsync(Dmv(), statement));

    [Fact]
    public async Task Index_and_document_id_lookups_reach_the_source()
    {
        var documents = Dmv();
        Assert.Equal("{Name:\"Ann\"}", await RunAsync(documents, "SELECT p.Name FROM Person AS p WHERE p.GovId = ?", IonString.Of("G1")));
        Assert.Equal("{Name:\"Bob\"}", await RunAsync(documents, "SELECT p.Name FROM Person AS p BY pid WHERE pid = 'p2'"));
        Assert.Collection(
            documents.Reads,
            r => Assert.Contains("index lookup GovId", r, StringComparison.Ordinal),
            r => Assert.Contains("document id lookup", r, StringComparison.Ordinal));
    }
}
