using Ledger.Engine.Errors;
using Ledger.Ion;

namespace Ledger.Engine.Tests;

public sealed class QueryAndDmlTests
{
    private static IonValue? Get(IonValue row, string name) => ((IonStruct)row)[name];

    private static string Text(IonValue row, string name) => ((IonString)Get(row, name)!).Value;

    private static async Task<EngineFixture> LoadedAsync()
    {
        var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE Cars", "CREATE INDEX ON Cars (VIN)");
        await fixture.RunAsync(
            "INSERT INTO Cars VALUE {'VIN': 'A1', 'Color': 'red', 'Owner': 'ann'}",
            "INSERT INTO Cars VALUE {'VIN': 'B2', 'Color': 'blue', 'Owner': 'bob'}",
            "INSERT INTO Cars VALUE {'VIN': 'C3', 'Color': 'red', 'Owner': 'cy'}");
        return fixture;
    }

    private static async Task<IReadOnlyList<IonValue>> QueryAsync(EngineFixture fixture, string statement) =>
        (await fixture.RunAsync(statement)).Results[0];

    [Fact]
    public async Task Select_with_where_on_an_indexed_field_and_on_a_scan()
    {
        await using var fixture = await LoadedAsync();
        var byIndex = Assert.Single(await QueryAsync(fixture, "SELECT * FROM Cars WHERE VIN = 'B2'"));
        Assert.Equal("bob", Text(byIndex, "Owner"));

        var scanned = await QueryAsync(fixture, "SELECT VIN FROM Cars AS c WHERE c.Color = 'red'");
        Assert.Equal(["A1", "C3"], scanned.Select(r => Text(r, "VIN")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Update_then_select_sees_the_new_value_and_history_shows_both_revisions()
    {
        await using var fixture = await LoadedAsync();
        var id = Text(Assert.Single(await QueryAsync(fixture, "SELECT id FROM Cars BY id WHERE VIN = 'A1'")), "id");

        var (_, results) = await fixture.RunAsync("UPDATE Cars SET Color = 'green' WHERE VIN = 'A1'");
        Assert.Equal(id, Text(Assert.Single(results[0]), "documentId"));

        Assert.Equal("green", Text(Assert.Single(await QueryAsync(fixture, "SELECT * FROM Cars WHERE VIN = 'A1'")), "Color"));
        var history = await QueryAsync(fixture, $"SELECT * FROM history(Cars) AS h WHERE h.metadata.id = '{id}'");
        Assert.Equal(2, history.Count);
        Assert.Equal(["red", "green"], history.OrderBy(r => ((IonInt)Get(Get(r, "metadata")!, "version")!).ToInt64()).Select(r => Text(Get(r, "data")!, "Color")));
    }

    [Fact]
    public async Task Delete_then_select_sees_nothing_and_history_shows_the_deleted_revision()
    {
        await using var fixture = await LoadedAsync();
        var id = Text(Assert.Single(await QueryAsync(fixture, "SELECT id FROM Cars BY id WHERE VIN = 'C3'")), "id");

        var (_, results) = await fixture.RunAsync("DELETE FROM Cars WHERE VIN = 'C3'");
        Assert.Equal(id, Text(Assert.Single(results[0]), "documentId"));

        Assert.Empty(await QueryAsync(fixture, "SELECT * FROM Cars WHERE VIN = 'C3'"));
        Assert.Equal(2, (await QueryAsync(fixture, "SELECT * FROM Cars")).Count);
        var history = (await QueryAsync(fixture, $"SELECT * FROM history(Cars) AS h WHERE h.metadata.id = '{id}'"))
            .OrderBy(r => ((IonInt)Get(Get(r, "metadata")!, "version")!).ToInt64()).ToList();
        Assert.Equal(2, history.Count);
        Assert.NotNull(Get(history[0], "data"));
        Assert.Null(Get(history[1], "data"));
    }

    [Fact]
    public async Task From_remove_drops_the_field()
    {
        await using var fixture = await LoadedAsync();
        var (_, results) = await fixture.RunAsync("FROM Cars AS c WHERE c.VIN = 'B2' REMOVE c.Owner");
        Assert.Single(results[0]);

        var row = Assert.Single(await QueryAsync(fixture, "SELECT * FROM Cars WHERE VIN = 'B2'"));
        Assert.Null(Get(row, "Owner"));
        Assert.Equal("blue", Text(row, "Color"));
    }

    [Fact]
    public async Task Two_read_modify_write_transactions_on_one_document_conflict()
    {
        await using var fixture = await LoadedAsync();
        var engine = fixture.Engine;
        const string read = "SELECT Color FROM Cars WHERE VIN = 'A1'";
        var first = await engine.StartSessionAsync(fixture.LedgerName);
        var second = await engine.StartSessionAsync(fixture.LedgerName);
        var firstId = await engine.StartTransactionAsync(first);
        var secondId = await engine.StartTransactionAsync(second);

        await engine.ExecuteStatementAsync(first, firstId, read, []);
        await engine.ExecuteStatementAsync(second, secondId, read, []);
        await engine.ExecuteStatementAsync(first, firstId, "UPDATE Cars SET Color = 'one' WHERE VIN = 'A1'", []);
        await engine.ExecuteStatementAsync(second, secondId, "UPDATE Cars SET Color = 'two' WHERE VIN = 'A1'", []);

        await engine.CommitTransactionAsync(first, firstId, EngineFixture.DriverDigest(firstId, (read, []), ("UPDATE Cars SET Color = 'one' WHERE VIN = 'A1'", [])));
        var error = await Assert.ThrowsAsync<OccConflictException>(() => engine.CommitTransactionAsync(
            second, secondId, EngineFixture.DriverDigest(secondId, (read, []), ("UPDATE Cars SET Color = 'two' WHERE VIN = 'A1'", []))));
        Assert.Equal(OccConflictException.DefaultMessage, error.Message);

        Assert.Equal("one", Text(Assert.Single(await QueryAsync(fixture, read)), "Color"));
    }

    [Fact]
    public async Task Dml_respects_the_documents_per_transaction_limit()
    {
        await using var fixture = await EngineFixture.CreateAsync(Model.EngineLimits.Default with { MaxDocumentsPerTransaction = 2 });
        await fixture.RunAsync("CREATE TABLE T");
        await fixture.RunAsync("INSERT INTO T VALUE {'a': 1}", "INSERT INTO T VALUE {'a': 2}");
        await fixture.RunAsync("INSERT INTO T VALUE {'a': 3}");
        var error = await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync("UPDATE T SET b = 1"));
        Assert.Contains("limit", error.Message, StringComparison.Ordinal);

        // The refused statement wrote nothing: a later statement in the same transaction commits alone.
        var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        var transactionId = await fixture.Engine.StartTransactionAsync(session);
        await Assert.ThrowsAsync<BadRequestException>(() => fixture.Engine.ExecuteStatementAsync(session, transactionId, "UPDATE T SET b = 1", []));
        await fixture.Engine.ExecuteStatementAsync(session, transactionId, "UPDATE T SET b = 2 WHERE a = 1", []);
        await fixture.Engine.CommitTransactionAsync(session, transactionId, EngineFixture.DriverDigest(transactionId, ("UPDATE T SET b = 1", []), ("UPDATE T SET b = 2 WHERE a = 1", [])));
        var rows = await QueryAsync(fixture, "SELECT * FROM T WHERE b IS NOT MISSING");
        Assert.Equal(1, ((IonInt)((IonStruct)Assert.Single(rows))["a"]!).ToInt64());
    }

    [Fact]
    public async Task Concurrent_partiql_transfers_and_insert_if_absent_are_serializable()
    {
        await using var fixture = await EngineFixture.CreateAsync(policy: Sequencing.CommitPolicy.MaxGroup(8));
        const int accountCount = 6;
        await fixture.RunAsync("CREATE TABLE Account", "CREATE INDEX ON Account (name)", "CREATE TABLE Claim", "CREATE INDEX ON Claim (GovId)");
        await fixture.RunAsync(("INSERT INTO Account ?", [IonList.Of(Enumerable.Range(0, accountCount).Select(i =>
            (IonValue)IonStruct.Of(new IonField("name", IonString.Of("acct" + i)), new IonField("balance", IonInt.Of(1000)))))]));

        async Task WithRetriesAsync(Func<Func<string, IonValue[], Task<IReadOnlyList<IonValue>>>, Task> body)
        {
            for (var attempt = 0; ; attempt++)
            {
                var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
                try
                {
                    var transactionId = await fixture.Engine.StartTransactionAsync(session);
                    var executed = new List<(string, IonValue[])>();
                    await body(async (statement, parameters) =>
                    {
                        executed.Add((statement, parameters));
                        return (await fixture.Engine.ExecuteStatementAsync(session, transactionId, statement, parameters)).Values;
                    });
                    await fixture.Engine.CommitTransactionAsync(session, transactionId, EngineFixture.DriverDigest(transactionId, [.. executed]));
                    return;
                }
                catch (OccConflictException) when (attempt < 50)
                {
                    await Task.Yield();
                }
                finally
                {
                    await fixture.Engine.EndSessionAsync(session);
                }
            }
        }

        static long Balance(IonValue row) => ((IonInt)((IonStruct)row)["balance"]!).ToInt64();
        var transfers = Enumerable.Range(0, 30).Select(n => Task.Run(() => WithRetriesAsync(async execute =>
        {
            var from = IonString.Of("acct" + (n % accountCount));
            var to = IonString.Of("acct" + ((n + 1 + (n % 4)) % accountCount));
            var amount = 1 + (n % 13);
            var source = Balance(Assert.Single(await execute("SELECT balance FROM Account WHERE name = ?", [from])));
            await Task.Yield();
            var target = Balance(Assert.Single(await execute("SELECT balance FROM Account WHERE name = ?", [to])));
            await execute("UPDATE Account SET balance = ? WHERE name = ?", [IonInt.Of(source - amount), from]);
            await execute("UPDATE Account SET balance = ? WHERE name = ?", [IonInt.Of(target + amount), to]);
        })));
        var claims = Enumerable.Range(0, 20).Select(n => Task.Run(() => WithRetriesAsync(async execute =>
        {
            var key = IonString.Of("k" + (n % 5));
            if ((await execute("SELECT * FROM Claim WHERE GovId = ?", [key])).Count == 0)
            {
                await Task.Yield();
                await execute("INSERT INTO Claim VALUE ?", [IonStruct.Of(new IonField("GovId", key), new IonField("by", IonInt.Of(n)))]);
            }
        })));
        await Task.WhenAll(transfers.Concat(claims));

        var balances = await QueryAsync(fixture, "SELECT balance FROM Account");
        Assert.Equal(accountCount * 1000L, balances.Sum(Balance));
        var claimed = await QueryAsync(fixture, "SELECT GovId FROM Claim");
        Assert.Equal(["k0", "k1", "k2", "k3", "k4"], claimed.Select(r => Text(r, "GovId")).Order(StringComparer.Ordinal));
    }
}
