using Ledger.Engine.Errors;
using Ledger.Engine.Model;
using Ledger.Engine.Transactions;
using Ledger.Ion;
using Ledger.PartiQL.Evaluation;
using Ledger.PartiQL.Planning;
using Ledger.PartiQL.Syntax;

namespace Ledger.Engine.Tests;

public sealed class DocumentSourceTests
{
    private static async Task<List<SourceRow>> ReadAsync(
        EngineFixture fixture, string query, IonValue[] keys, (IonValue?, IonValue?) bounds = default, Action<LedgerTransaction>? inspect = null)
    {
        var rows = new List<SourceRow>();
        await fixture.RunInternalAsync(async t =>
        {
            var catalog = await TransactionCatalog.LoadAsync(t, default);
            var plan = PartiQLPlanner.Plan(PartiQLParser.Parse(query), catalog, keys.Length);
            Assert.False(plan.HasErrors, string.Join("; ", plan.Diagnostics));
            var source = new TransactionDocumentSource(t);
            await foreach (var row in source.ReadAsync(plan.Sources[0], keys, bounds, default))
            {
                rows.Add(row);
            }

            inspect?.Invoke(t);
        });
        return rows;
    }

    private static async Task<(EngineFixture Fixture, List<string> Ids)> PeopleAsync()
    {
        var fixture = await EngineFixture.CreateAsync();
        var (_, results) = await fixture.RunAsync(
            ("CREATE TABLE Person", []),
            ("CREATE INDEX ON Person (GovId)", []),
            ("INSERT INTO Person << {'GovId': 'A', 'n': 1}, {'GovId': 'B', 'n': 2}, {'GovId': 'C', 'n': 3} >>", []));
        return (fixture, results[2].Select(r => ((IonString)((IonStruct)r)["documentId"]!).Value).ToList());
    }

    [Fact]
    public async Task An_index_lookup_returns_the_matching_documents_and_records_the_key_not_a_scan()
    {
        var (fixture, ids) = await PeopleAsync();
        await using var _ = fixture;
        ReadSet? reads = null;
        var rows = await ReadAsync(fixture, "SELECT * FROM Person WHERE GovId = ?", [IonString.Of("B")], inspect: t => reads = t.Reads);
        var row = Assert.Single(rows);
        Assert.Equal(ids[1], row.DocumentId);
        Assert.Equal(IonInt.Of(2), ((IonStruct)row.Value)["n"]);
        Assert.Single(reads!.IndexKeys);
        Assert.Empty(reads.TableScans);
    }

    [Fact]
    public async Task A_scan_returns_every_live_document_and_records_the_table()
    {
        var (fixture, _) = await PeopleAsync();
        await using var __ = fixture;
        ReadSet? reads = null;
        var rows = await ReadAsync(fixture, "SELECT * FROM Person WHERE n > 1", [], inspect: t => reads = t.Reads);
        Assert.Equal(3, rows.Count);
        Assert.Single(reads!.TableScans);
    }

    [Fact]
    public async Task The_committed_view_and_a_document_id_lookup_return_system_records()
    {
        var (fixture, ids) = await PeopleAsync();
        await using var _ = fixture;
        var rows = await ReadAsync(fixture, "SELECT * FROM _ql_committed_Person AS p WHERE p.metadata.id = ?", [IonString.Of(ids[2])]);
        var record = (IonStruct)Assert.Single(rows).Value;
        Assert.Equal(["blockAddress", "hash", "data", "metadata"], record.Fields.Select(f => f.Name.Text));
        Assert.Equal(IonString.Of(ids[2]), ((IonStruct)record["metadata"]!)["id"]);
    }

    [Fact]
    public async Task User_tables_lists_the_catalog()
    {
        var (fixture, _) = await PeopleAsync();
        await using var __ = fixture;
        var row = Assert.Single(await ReadAsync(fixture, "SELECT * FROM information_schema.user_tables", []));
        Assert.Contains("expr:\"[GovId]\"", IonText.Write(row.Value), StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_time_bounds_select_the_revisions_active_in_the_range()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE T");
        var t0 = fixture.Clock.GetUtcNow();
        var (_, inserted) = await fixture.RunAsync("INSERT INTO T VALUE {'v': 0}");
        var id = ((IonString)((IonStruct)inserted[0][0])["documentId"]!).Value;
        var table = await fixture.TableAsync("T");
        for (var v = 1; v <= 2; v++)
        {
            fixture.Clock.Advance(TimeSpan.FromMinutes(10));
            var value = v;
            await fixture.RunInternalAsync(async t =>
                await t.UpdateAsync(table, id, IonStruct.Of(new IonField("v", IonInt.Of(value))), t.AddStatement("UPDATE T SET v = v + 1", [], QldbTime.ToTimestamp(fixture.Clock.GetUtcNow())), default));
        }

        IonValue At(TimeSpan offset) => IonTimestampValue.Of(QldbTime.ToTimestamp(t0 + offset));
        async Task<long[]> VersionsAsync(IonValue? start, IonValue? end) =>
            (await ReadAsync(fixture, "SELECT * FROM history(T) AS h", [], (start, end)))
                .Select(r => ((IonInt)((IonStruct)((IonStruct)r.Value)["metadata"]!)["version"]!).ToInt64()).ToArray();

        Assert.Equal(new long[] { 0, 1, 2 }, await VersionsAsync(null, null));
        Assert.Equal(new long[] { 0 }, await VersionsAsync(At(TimeSpan.FromMinutes(1)), At(TimeSpan.FromMinutes(2))));
        Assert.Equal(new long[] { 0, 1 }, await VersionsAsync(At(TimeSpan.FromMinutes(5)), At(TimeSpan.FromMinutes(15))));
        Assert.Equal(new long[] { 2 }, await VersionsAsync(At(TimeSpan.FromMinutes(25)), null));

        var future = await Assert.ThrowsAsync<BadRequestException>(() => VersionsAsync(null, At(TimeSpan.FromDays(1))));
        Assert.Contains("future", future.Message, StringComparison.Ordinal);
        var local = IonText.Parse("2026-11-22T04:00:00.000+01:00");
        await Assert.ThrowsAsync<BadRequestException>(() => VersionsAsync(local, null));
    }

    [Fact]
    public async Task History_of_a_dropped_table_is_readable_by_its_id()
    {
        var (fixture, _) = await PeopleAsync();
        await using var __ = fixture;
        var tableId = (await fixture.TableAsync("Person")).TableId;
        await fixture.RunAsync("DROP TABLE Person");
        var rows = await ReadAsync(fixture, $"SELECT * FROM history('{tableId}')", []);
        Assert.Equal(3, rows.Count);
    }
}
