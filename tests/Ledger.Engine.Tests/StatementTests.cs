using Ledger.Engine.Errors;
using Ledger.Engine.Model;
using Ledger.Ion;

namespace Ledger.Engine.Tests;

public sealed class StatementTests
{
    private static string Field(IonValue row, string name) => ((IonString)((IonStruct)row)[name]!).Value;

    [Fact]
    public async Task Create_table_returns_its_id_and_the_catalog_lists_it()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (_, results) = await fixture.RunAsync("CREATE TABLE VehicleRegistration");
        var tableId = Field(Assert.Single(results[0]), "tableId");
        Assert.True(QldbId.IsValid(tableId));

        IReadOnlyList<TableDescriptor> catalog = [];
        await fixture.RunInternalAsync(async t => catalog = await t.ReadCatalogAsync(default));
        var table = Assert.Single(catalog);
        Assert.Equal("{tableId:\"" + tableId + "\",name:\"VehicleRegistration\",indexes:[],status:\"ACTIVE\"}", IonText.Write(table.ToIon()));
    }

    [Theory]
    [InlineData("CREATE TABLE _ql_hidden", "prefix _ql_ is reserved")]
    [InlineData("DROP TABLE Nope", "No such variable named 'Nope'")]
    [InlineData("CREATE INDEX ON Nope (a)", "No such variable named 'Nope'")]
    [InlineData("INSERT INTO Nope VALUE {'a': 1}", "No such variable named 'Nope'")]
    [InlineData("UNDROP TABLE \"0000000000000000000000\"", "does not exist")]
    public async Task Statements_on_missing_or_reserved_names_fail_with_QLDBs_text(string statement, string message)
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var error = await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync(statement));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_an_active_table_twice_fails_but_a_dropped_name_can_be_reused()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (_, first) = await fixture.RunAsync("CREATE TABLE T");
        var error = await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync("CREATE TABLE T"));
        Assert.Equal("Table with name: T already exists", error.Message);

        var (_, dropped) = await fixture.RunAsync("DROP TABLE T");
        Assert.Equal(Field(first[0][0], "tableId"), Field(dropped[0][0], "tableId"));
        var insert = await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync("INSERT INTO T VALUE {'a': 1}"));
        Assert.Contains("No such variable named 'T'", insert.Message, StringComparison.Ordinal);

        var (_, second) = await fixture.RunAsync("CREATE TABLE T");
        Assert.NotEqual(Field(first[0][0], "tableId"), Field(second[0][0], "tableId"));

        // The old table cannot come back while its name is taken; after dropping the new one it can.
        var undropError = await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync($"UNDROP TABLE \"{Field(first[0][0], "tableId")}\""));
        Assert.Equal("Table with name: T already exists", undropError.Message);
        await fixture.RunAsync("DROP TABLE T");
        await fixture.RunAsync($"UNDROP TABLE \"{Field(first[0][0], "tableId")}\"");
        var table = await fixture.TableAsync("T");
        Assert.Equal(Field(first[0][0], "tableId"), table.TableId);
        var undropActive = await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync($"UNDROP TABLE \"{table.TableId}\""));
        Assert.Contains("is already active", undropActive.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Table_quotas_count_active_and_all_tables()
    {
        await using var fixture = await EngineFixture.CreateAsync(EngineLimits.Default with { MaxActiveTables = 2, MaxTotalTables = 3 });
        await fixture.RunAsync("CREATE TABLE A", "CREATE TABLE B");
        var active = await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync("CREATE TABLE C"));
        Assert.Contains("Active table limit of 2", active.Message, StringComparison.Ordinal);
        await fixture.RunAsync("DROP TABLE A", "CREATE TABLE C");
        await fixture.RunAsync("DROP TABLE B");
        var total = await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync("CREATE TABLE D"));
        Assert.Contains("Table limit of 3", total.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_index_on_existing_data_finds_documents_and_the_quota_is_five_by_default()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE Person", "INSERT INTO Person << {'GovId': 'A1', 'n': 1}, {'GovId': 'B2', 'n': 2} >>");
        var (_, results) = await fixture.RunAsync("CREATE INDEX ON Person (GovId)");
        var table = await fixture.TableAsync("Person");
        Assert.Equal(table.TableId, Field(results[0][0], "tableId"));
        var index = Assert.Single(table.Indexes);
        Assert.Equal(("GovId", "ONLINE"), (index.Field, index.Status));
        Assert.Contains("expr:\"[GovId]\"", IonText.Write(table.ToIon()), StringComparison.Ordinal);

        IReadOnlyList<(string DocumentId, IonStruct Data)> found = [];
        await fixture.RunInternalAsync(async t => found = await t.FindByFieldAsync(table, "GovId", IonString.Of("B2"), default));
        Assert.Equal(IonInt.Of(2), Assert.Single(found).Data["n"]);

        var duplicate = await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync("CREATE INDEX ON Person (GovId)"));
        Assert.Contains("already exists", duplicate.Message, StringComparison.Ordinal);
        await fixture.RunAsync("CREATE INDEX ON Person (a)", "CREATE INDEX ON Person (b)", "CREATE INDEX ON Person (c)", "CREATE INDEX ON Person (d)");
        var limit = await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync("CREATE INDEX ON Person (e)"));
        Assert.Equal("Index limit of 5 per table exceeded", limit.Message);
    }

    [Fact]
    public async Task Drop_index_removes_it_from_the_catalog()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE T", "CREATE INDEX ON T (k)");
        var index = Assert.Single((await fixture.TableAsync("T")).Indexes);
        await fixture.RunAsync($"DROP INDEX \"{index.IndexId}\" ON T WITH (purge = true)");
        Assert.Empty((await fixture.TableAsync("T")).Indexes);
    }

    [Fact]
    public async Task Insert_accepts_a_struct_literal_a_parameter_a_bag_and_a_list_parameter()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE T");
        var person = IonText.Parse("{name: \"Ann\", balance: 442.30, tags: [a, b], born: 1990-01-02T}");
        var list = IonText.Parse("[{n: 1}, {n: 2}, {n: 3}]");
        var (_, results) = await fixture.RunAsync(
            ("INSERT INTO T VALUE {'name': 'Bob', 'age': 42, 'ratio': 1.50}", []),
            ("INSERT INTO T VALUE ?", [person]),
            ("INSERT INTO T << {'n': 4}, ? >>", [IonText.Parse("{n: 5}")]),
            ("INSERT INTO T ?", [list]));
        Assert.Equal([1, 1, 2, 3], results.Select(r => r.Count));
        var ids = results.SelectMany(r => r).Select(r => Field(r, "documentId")).ToList();
        Assert.All(ids, id => Assert.True(QldbId.IsValid(id)));
        Assert.Equal(7, ids.Distinct().Count());

        var table = await fixture.TableAsync("T");
        (IonStruct Data, long Version)? stored = null;
        await fixture.RunInternalAsync(async t => stored = await t.ReadDocumentAsync(table.TableId, ids[1], default));
        Assert.Equal(person, stored!.Value.Data);
        Assert.Equal(0, stored.Value.Version);
        await fixture.RunInternalAsync(async t => stored = await t.ReadDocumentAsync(table.TableId, ids[0], default));
        Assert.Equal("{name:\"Bob\",age:42,ratio:1.50}", IonText.Write(stored!.Value.Data));
    }

    [Fact]
    public async Task Insert_stores_the_evaluated_value_of_expressions()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE T");
        var (_, results) = await fixture.RunAsync(("INSERT INTO T VALUE {'sum': 1 + 2, 'name': 'a' || ?, 'nested': [?, {'x': 2 * 3}]}", [IonString.Of("b"), IonInt.Of(7)]));
        var id = Field(results[0][0], "documentId");
        var table = await fixture.TableAsync("T");
        (IonStruct Data, long Version)? stored = null;
        await fixture.RunInternalAsync(async t => stored = await t.ReadDocumentAsync(table.TableId, id, default));
        Assert.Equal("{sum:3,name:\"ab\",nested:[7,{x:6}]}", IonText.Write(stored!.Value.Data));
    }

    [Theory]
    [InlineData("INSERT INTO T VALUE 5")]
    [InlineData("INSERT INTO T << {'a': 1}, 'text' >>")]
    public async Task Inserting_a_non_struct_fails_and_writes_nothing(string statement)
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE T");
        await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync(statement));
        Assert.Single(await fixture.BlocksAsync());
    }

    [Fact]
    public async Task Syntax_errors_are_bad_requests_with_a_position()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var error = await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync("CREATE TABLE"));
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Per_transaction_quotas_are_refused_with_bad_requests()
    {
        await using var fixture = await EngineFixture.CreateAsync(EngineLimits.Default with { MaxDocumentsPerTransaction = 3, MaxDocumentBytes = 64, MaxStatementLength = 60 });
        await fixture.RunAsync("CREATE TABLE T");
        var documents = await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync("INSERT INTO T << {'a': 1}, {'a': 2}, {'a': 3}, {'a': 4} >>"));
        Assert.Contains("limit of 3 documents", documents.Message, StringComparison.Ordinal);
        var size = await Assert.ThrowsAsync<BadRequestException>(
            () => fixture.RunAsync(("INSERT INTO T VALUE ?", [IonStruct.Of(new IonField("s", IonString.Of(new string('x', 100))))])));
        Assert.Contains("exceeds the limit of 64 bytes", size.Message, StringComparison.Ordinal);
        var length = await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync("INSERT INTO T VALUE {'a': 'a long long long long long long long string'}"));
        Assert.Contains("Statement length", length.Message, StringComparison.Ordinal);
        Assert.Single(await fixture.BlocksAsync());
    }

    [Fact]
    public async Task Evaluation_errors_are_bad_requests()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE T");
        var error = await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync("SELECT * FROM Nope"));
        Assert.False(string.IsNullOrEmpty(error.Message));
    }
}
