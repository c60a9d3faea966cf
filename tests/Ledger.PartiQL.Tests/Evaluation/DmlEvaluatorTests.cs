using Ledger.Ion;
using Ledger.PartiQL.Evaluation;
using Ledger.PartiQL.Evaluation.Query;
using Ledger.PartiQL.Planning;
using Ledger.PartiQL.Syntax;
using Ledger.PartiQL.Tests.Support;

namespace Ledger.PartiQL.Tests.Evaluation;

public class DmlEvaluatorTests
{
    private static InMemoryDocuments Data() => new InMemoryDocuments()
        .Table("Car", "VIN")
        .Insert("Car", "c1", (IonStruct)IonText.Parse("{VIN: \"V1\", Owner: {Id: \"p1\", Name: \"Ann\"}, Miles: 10, Tags: [\"a\", \"b\"]}"))
        .Insert("Car", "c2", (IonStruct)IonText.Parse("{VIN: \"V2\", Owner: {Id: \"p2\"}, Miles: 20, Tags: []}"));

    private static async Task<string> RunAsync(string statement, params IonValue[] parameters)
    {
        var documents = Data();
        var plan = PartiQLPlanner.Plan(PartiQLParser.Parse(statement), documents, parameters.Length);
        Assert.False(plan.HasErrors, string.Join("; ", plan.Diagnostics));
        var changes = await DmlEvaluator.EvaluateAsync(plan, documents, parameters, null, CancellationToken.None);
        return string.Join(" | ", changes.Select(c => $"{c.DocumentId}={c.NewValue?.ToString() ?? "deleted"}"));
    }

    [Theory]
    [InlineData("DELETE FROM Car AS c WHERE c.VIN = 'V1'", "c1=deleted")]
    [InlineData("DELETE FROM Car", "c1=deleted | c2=deleted")]
    [InlineData("DELETE FROM Car BY id WHERE id = 'c2'", "c2=deleted")]
    [InlineData("UPDATE Car AS c SET c.Miles = c.Miles + 1 WHERE c.VIN = 'V2'", "c2={VIN:\"V2\",Owner:{Id:\"p2\"},Miles:21,Tags:[]}")]
    [InlineData("UPDATE Car AS c SET c.Owner.Name = 'Bo', c.Color = null WHERE c.VIN = 'V2'", "c2={VIN:\"V2\",Owner:{Id:\"p2\",Name:\"Bo\"},Miles:20,Tags:[],Color:null}")]
    [InlineData("UPDATE Car AS c REMOVE c.Owner.Name WHERE c.VIN = 'V1'", "c1={VIN:\"V1\",Owner:{Id:\"p1\"},Miles:10,Tags:[\"a\",\"b\"]}")]
    [InlineData("FROM Car AS c WHERE c.VIN = 'V1' SET c.Miles = 0", "c1={VIN:\"V1\",Owner:{Id:\"p1\",Name:\"Ann\"},Miles:0,Tags:[\"a\",\"b\"]}")]
    [InlineData("UPDATE Car AS c SET c.Miles = 1 WHERE c.VIN = 'none'", "")]
    [InlineData("FROM Car AS c WHERE c.VIN = 'V2' INSERT INTO c.Tags VALUE {'x': 1}", "c2={VIN:\"V2\",Owner:{Id:\"p2\"},Miles:20,Tags:[{x:1}]}")]
    [InlineData("UPDATE Car AS c INSERT INTO c.Tags VALUE 'z' WHERE c.VIN = 'V1'", "c1={VIN:\"V1\",Owner:{Id:\"p1\",Name:\"Ann\"},Miles:10,Tags:[\"a\",\"b\",\"z\"]}")]
    [InlineData("UPDATE Car AS c SET c.Tags[1] = 'B' WHERE c.VIN = 'V1'", "c1={VIN:\"V1\",Owner:{Id:\"p1\",Name:\"Ann\"},Miles:10,Tags:[\"a\",\"B\"]}")]
    [InlineData("UPDATE Car AS c REMOVE c.Tags[0] WHERE c.VIN = 'V1'", "c1={VIN:\"V1\",Owner:{Id:\"p1\",Name:\"Ann\"},Miles:10,Tags:[\"b\"]}")]
    [InlineData("UPDATE Car AS c INSERT INTO c.Tags VALUE 'z' AT 1 WHERE c.VIN = 'V1'", "c1={VIN:\"V1\",Owner:{Id:\"p1\",Name:\"Ann\"},Miles:10,Tags:[\"a\",\"z\",\"b\"]}")]
    [InlineData("UPDATE Car AS c INSERT INTO c.Owner VALUE 30 AT 'Age' WHERE c.VIN = 'V2'", "c2={VIN:\"V2\",Owner:{Id:\"p2\",Age:30},Miles:20,Tags:[]}")]
    [InlineData("UPDATE Car AS c SET c = {'VIN': 'V9'} WHERE c.VIN = 'V2'", "c2={VIN:\"V9\"}")]
    [InlineData("UPDATE Car AS c REMOVE c WHERE c.VIN = 'V2'", "c2=deleted")]
    [InlineData("FROM Car AS c, @c.Tags AS t WHERE c.VIN = 'V1' AND t = 'b' SET t = 'bb'", "c1={VIN:\"V1\",Owner:{Id:\"p1\",Name:\"Ann\"},Miles:10,Tags:[\"a\",\"bb\"]}")]
    [InlineData("FROM Car AS c, @c.Tags AS t WHERE c.VIN = 'V1' REMOVE t", "c1={VIN:\"V1\",Owner:{Id:\"p1\",Name:\"Ann\"},Miles:10,Tags:[]}")]
    public async Task Changes(string statement, string expected) => Assert.Equal(expected, await RunAsync(statement));

    [Theory]
    [InlineData("UPDATE Car AS c SET c.Nope.x = 1 WHERE c.VIN = 'V1'")]
    [InlineData("UPDATE Car AS c SET c.Miles.x = 1 WHERE c.VIN = 'V1'")]
    [InlineData("UPDATE Car AS c SET c.Tags[2] = 'c' WHERE c.VIN = 'V1'")]
    [InlineData("UPDATE Car AS c REMOVE c.Nope WHERE c.VIN = 'V1'")]
    [InlineData("UPDATE Car AS c INSERT INTO c.Nope VALUE 1 WHERE c.VIN = 'V1'")]
    [InlineData("UPDATE Car AS c INSERT INTO c.Tags VALUE 1 AT 3 WHERE c.VIN = 'V1'")]
    [InlineData("UPDATE Car AS c INSERT INTO c.Owner VALUE 1 AT 'Id' WHERE c.VIN = 'V1'")]
    [InlineData("UPDATE Car AS c INSERT INTO c.Owner VALUE 1 WHERE c.VIN = 'V1'")]
    public async Task Unresolvable_paths_are_path_errors(string statement)
    {
        var error = await Assert.ThrowsAsync<DocumentPathException>(() => RunAsync(statement));
        Assert.StartsWith("Document path cannot be resolved", error.Message, StringComparison.Ordinal);
    }
}
