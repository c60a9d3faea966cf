using global::Azure;
using Ledger.Azure.Tables;
using Ledger.Azure.Tests.Infrastructure;

namespace Ledger.Azure.Tests.Tables;

[Collection(AzuriteCollection.Name)]
public sealed class TableClientAzuriteTests(AzuriteFixture azurite)
{
    private async Task<TableClient> NewTableAsync()
    {
        var table = new TableServiceClient(azurite.Connection).GetTableClient(AzuriteFixture.UniqueName("t"));
        Assert.True((await table.CreateIfNotExistsAsync()).Value);
        return table;
    }

    [Fact]
    public async Task CreateIfNotExists_absorbs_409_and_Create_reports_TableAlreadyExists()
    {
        var table = await NewTableAsync();

        var second = await table.CreateIfNotExistsAsync();
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.CreateAsync());

        Assert.False(second.Value);
        Assert.Equal(409, error.Status);
        Assert.Equal("TableAlreadyExists", error.ErrorCode);
    }

    [Fact]
    public async Task Delete_accepts_a_missing_table()
    {
        var table = await NewTableAsync();

        Assert.True((await table.DeleteAsync()).Value);
        Assert.False((await table.DeleteAsync()).Value);
    }

    [Fact]
    public async Task Typed_entity_round_trips_every_Edm_type()
    {
        var table = await NewTableAsync();
        var when = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567);
        var id = Guid.NewGuid();
        var entity = new TableEntity("part 'one'", "row/ü é")
        {
            ["Text"] = "héllo \"world\"",
            ["Int32"] = -42,
            ["Int64"] = 9007199254740993L,
            ["Double"] = 2.0,
            ["NaN"] = double.NaN,
            ["PosInf"] = double.PositiveInfinity,
            ["NegInf"] = double.NegativeInfinity,
            ["Flag"] = true,
            ["When"] = when,
            ["Id"] = id,
            ["Bytes"] = new byte[] { 0, 1, 2, 255 },
        };
        // RowKey may not contain '/', so use the rest of the odd characters only.
        entity.RowKey = "row ü é 'q'";

        var added = await table.AddEntityAsync(entity);
        var read = (await table.GetEntityAsync(entity.PartitionKey, entity.RowKey)).Value;

        Assert.NotEqual(default, added.Value);
        Assert.Equal(added.Value, read.ETag);
        Assert.NotNull(read.Timestamp);
        Assert.Equal("héllo \"world\"", read.GetString("Text"));
        Assert.Equal(-42, read.GetInt32("Int32"));
        Assert.Equal(9007199254740993L, read.GetInt64("Int64"));
        Assert.IsType<long>(read["Int64"]);
        Assert.Equal(2.0, read.GetDouble("Double"));
        Assert.True(double.IsNaN(read.GetDouble("NaN")!.Value));
        Assert.Equal(double.PositiveInfinity, read.GetDouble("PosInf"));
        Assert.Equal(double.NegativeInfinity, read.GetDouble("NegInf"));
        Assert.Equal(true, read.GetBoolean("Flag"));
        Assert.Equal(when, read.GetDateTimeOffset("When"));
        Assert.Equal(id, read.GetGuid("Id"));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, read.GetBinary("Bytes"));
        Assert.Equal(11, read.Count);
    }

    [Fact]
    public async Task Add_twice_is_409_EntityAlreadyExists_and_get_missing_is_404()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r"));

        var conflict = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", "r")));
        var missing = await Assert.ThrowsAsync<RequestFailedException>(() => table.GetEntityAsync("p", "nope"));
        var maybe = await table.GetEntityIfExistsAsync("p", "nope");

        Assert.Equal(409, conflict.Status);
        Assert.Equal("EntityAlreadyExists", conflict.ErrorCode);
        Assert.Equal(404, missing.Status);
        Assert.Equal("ResourceNotFound", missing.ErrorCode);
        Assert.Null(maybe.Value);
        Assert.Equal(404, maybe.GetRawResponse().Status);
    }

    [Fact]
    public async Task Conditional_update_succeeds_with_current_ETag_and_fails_412_with_stale()
    {
        var table = await NewTableAsync();
        var first = (await table.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 1 })).Value;

        var second = (await table.UpdateEntityAsync(new TableEntity("p", "r") { ["V"] = 2 }, first, TableUpdateMode.Replace)).Value;
        var stale = await Assert.ThrowsAsync<RequestFailedException>(
            () => table.UpdateEntityAsync(new TableEntity("p", "r") { ["V"] = 3 }, first, TableUpdateMode.Replace));
        var missing = await Assert.ThrowsAsync<RequestFailedException>(
            () => table.UpdateEntityAsync(new TableEntity("p", "other"), ETag.All));

        Assert.NotEqual(first, second);
        Assert.Equal(412, stale.Status);
        Assert.Equal("UpdateConditionNotSatisfied", stale.ErrorCode);
        Assert.Equal(404, missing.Status);
        Assert.Equal(2, (await table.GetEntityAsync("p", "r")).Value.GetInt32("V"));
    }

    [Fact]
    public async Task Upsert_merge_keeps_other_properties_and_replace_drops_them()
    {
        var table = await NewTableAsync();
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = "a", ["B"] = "b" });

        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["B"] = "b2" }, TableUpdateMode.Merge);
        var merged = (await table.GetEntityAsync("p", "r")).Value;
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["C"] = "c" }, TableUpdateMode.Replace);
        var replaced = (await table.GetEntityAsync("p", "r")).Value;

        Assert.Equal("a", merged.GetString("A"));
        Assert.Equal("b2", merged.GetString("B"));
        Assert.Equal(["C"], replaced.Keys);
    }

    [Fact]
    public async Task Conditional_delete_fails_412_with_stale_ETag_and_accepts_missing()
    {
        var table = await NewTableAsync();
        var first = (await table.AddEntityAsync(new TableEntity("p", "r"))).Value;
        var current = (await table.UpsertEntityAsync(new TableEntity("p", "r") { ["X"] = 1 })).Value;

        var stale = await Assert.ThrowsAsync<RequestFailedException>(() => table.DeleteEntityAsync("p", "r", first));
        var deleted = await table.DeleteEntityAsync("p", "r", current);
        var again = await table.DeleteEntityAsync("p", "r");

        Assert.Equal(412, stale.Status);
        Assert.Equal("UpdateConditionNotSatisfied", stale.ErrorCode);
        Assert.True(deleted.Value);
        Assert.False(again.Value);
    }

    [Fact]
    public async Task Query_pages_follow_continuation_with_filter_and_select()
    {
        var table = await NewTableAsync();
        for (var i = 0; i < 7; i++)
        {
            await table.AddEntityAsync(new TableEntity(i < 5 ? "a" : "b", $"r{i}") { ["N"] = (long)i, ["Other"] = "x" });
        }

        var pages = new List<Page<TableEntity>>();
        await foreach (var page in table.QueryAsync(TableFilter.Create($"PartitionKey eq {"a"} and N ge {1L}"), maxPerPage: 2, select: ["N"]).AsPages())
        {
            pages.Add(page);
        }
        var all = pages.SelectMany(p => p.Values).ToList();

        Assert.True(pages.Count >= 2);
        Assert.Null(pages[^1].ContinuationToken);
        Assert.NotNull(pages[0].ContinuationToken);
        Assert.Equal(["r1", "r2", "r3", "r4"], all.Select(e => e.RowKey));
        Assert.All(all, e => Assert.False(e.ContainsKey("Other")));
        Assert.All(all, e => Assert.NotEqual(default, e.ETag));
        Assert.Equal([1L, 2L, 3L, 4L], all.Select(e => e.GetInt64("N")!.Value));
    }

    [Fact]
    public async Task Query_resumes_from_a_continuation_token()
    {
        var table = await NewTableAsync();
        for (var i = 0; i < 5; i++)
        {
            await table.AddEntityAsync(new TableEntity("p", $"r{i}"));
        }
        string? token = null;
        await foreach (var page in table.QueryAsync(maxPerPage: 2).AsPages())
        {
            token = page.ContinuationToken;
            break;
        }

        var rest = new List<string>();
        await foreach (var page in table.QueryAsync(maxPerPage: 2).AsPages(token))
        {
            rest.AddRange(page.Values.Select(e => e.RowKey));
        }

        Assert.Equal(["r2", "r3", "r4"], rest);
    }

    [Fact]
    public async Task Transaction_commits_all_operations_and_returns_ETags()
    {
        var table = await NewTableAsync();
        var existing = (await table.AddEntityAsync(new TableEntity("p", "update") { ["V"] = 1 })).Value;
        await table.AddEntityAsync(new TableEntity("p", "delete"));

        var transaction = new TableTransaction()
            .AddEntity(new TableEntity("p", "add") { ["V"] = 10L })
            .UpsertEntity(new TableEntity("p", "upsert") { ["V"] = 11 }, TableUpdateMode.Replace)
            .UpdateEntity(new TableEntity("p", "update") { ["V"] = 12 }, existing)
            .DeleteEntity("p", "delete");
        var results = (await table.SubmitTransactionAsync(transaction)).Value;

        Assert.Equal(4, results.Count);
        Assert.All(results, r => Assert.Equal(204, r.Status));
        Assert.NotEqual(default, results[0].ETag);
        Assert.Equal(results[0].ETag, (await table.GetEntityAsync("p", "add")).Value.ETag);
        Assert.Equal(12, (await table.GetEntityAsync("p", "update")).Value.GetInt32("V"));
        Assert.Null((await table.GetEntityIfExistsAsync("p", "delete")).Value);
    }

    [Fact]
    public async Task Transaction_failure_reports_the_failing_index_and_rolls_back_earlier_operations()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "taken"));

        var transaction = new TableTransaction()
            .AddEntity(new TableEntity("p", "new0"))
            .AddEntity(new TableEntity("p", "new1"))
            .AddEntity(new TableEntity("p", "taken"));
        var error = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(transaction));

        Assert.Equal(409, error.Status);
        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
        Assert.Equal(2, error.FailedOperationIndex);
        Assert.Null((await table.GetEntityIfExistsAsync("p", "new0")).Value);
        Assert.Null((await table.GetEntityIfExistsAsync("p", "new1")).Value);
    }

    [Fact]
    public async Task Transaction_with_stale_ETag_fails_412_at_its_index()
    {
        var table = await NewTableAsync();
        var stale = (await table.AddEntityAsync(new TableEntity("p", "r"))).Value;
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["V"] = 2 });

        var transaction = new TableTransaction()
            .AddEntity(new TableEntity("p", "a"))
            .UpdateEntity(new TableEntity("p", "r") { ["V"] = 3 }, stale);
        var error = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(transaction));

        Assert.Equal(412, error.Status);
        Assert.Equal("UpdateConditionNotSatisfied", error.ErrorCode);
        Assert.Equal(1, error.FailedOperationIndex);
        Assert.Null((await table.GetEntityIfExistsAsync("p", "a")).Value);
    }

    [Fact]
    public async Task Transaction_of_100_operations_commits()
    {
        var table = await NewTableAsync();
        var transaction = new TableTransaction();
        for (var i = 0; i < TableTransaction.MaxOperations; i++)
        {
            transaction.AddEntity(new TableEntity("p", $"r{i:D3}") { ["I"] = i });
        }

        var results = (await table.SubmitTransactionAsync(transaction)).Value;
        var count = 0;
        await foreach (var _ in table.QueryAsync())
        {
            count++;
        }

        Assert.Equal(100, results.Count);
        Assert.Equal(100, count);
    }

    [Fact]
    public async Task Batch_rules_are_enforced_before_anything_is_sent()
    {
        var table = await NewTableAsync();
        var transaction = new TableTransaction().AddEntity(new TableEntity("p", "a"));

        Assert.Throws<ArgumentException>(() => transaction.AddEntity(new TableEntity("other", "b")));
        Assert.Throws<ArgumentException>(() => transaction.DeleteEntity("p", "a"));
        var full = new TableTransaction();
        for (var i = 0; i < 100; i++)
        {
            full.AddEntity(new TableEntity("p", $"r{i}"));
        }
        Assert.Throws<InvalidOperationException>(() => full.AddEntity(new TableEntity("p", "r100")));

        // Azurite would have committed mixed partitions; nothing of the rejected operations reached it.
        await table.SubmitTransactionAsync(transaction);
        var keys = new List<string>();
        await foreach (var entity in table.QueryAsync())
        {
            keys.Add(entity.PartitionKey + "/" + entity.RowKey);
        }
        Assert.Equal(["p/a"], keys);
    }

    [Fact]
    public async Task Transaction_addresses_keys_with_quotes_spaces_and_unicode()
    {
        var table = await NewTableAsync();
        const string partition = "part 'x' ü";
        await table.AddEntityAsync(new TableEntity(partition, "o'brien & co") { ["V"] = 1 });

        await table.SubmitTransactionAsync(new TableTransaction()
            .UpsertEntity(new TableEntity(partition, "new 'one' é") { ["V"] = 2 }, TableUpdateMode.Replace)
            .DeleteEntity(partition, "o'brien & co"));

        Assert.Equal(2, (await table.GetEntityAsync(partition, "new 'one' é")).Value.GetInt32("V"));
        Assert.Null((await table.GetEntityIfExistsAsync(partition, "o'brien & co")).Value);
    }

    [Fact]
    public async Task Tables_are_listed_by_prefix_across_pages()
    {
        var service = new TableServiceClient(azurite.Connection);
        var prefix = AzuriteFixture.UniqueName("q");
        foreach (var suffix in new[] { "a", "b", "c" })
        {
            await service.CreateTableIfNotExistsAsync(prefix + suffix);
        }

        var pages = new List<Page<string>>();
        await foreach (var page in service.QueryTablesAsync(prefix, maxPerPage: 2).AsPages())
        {
            pages.Add(page);
        }

        Assert.Equal([prefix + "a", prefix + "b", prefix + "c"], pages.SelectMany(p => p.Values).Order(StringComparer.Ordinal));
        Assert.True(pages.Count >= 2);
        Assert.True((await service.DeleteTableAsync(prefix + "a")).Value);
    }
}
