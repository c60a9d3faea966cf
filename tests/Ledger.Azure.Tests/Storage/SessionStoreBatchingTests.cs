using Ledger.Azure.Storage;
using Ledger.Azure.Tests.Infrastructure;
using Ledger.Engine.Ports;

namespace Ledger.Azure.Tests.Storage;

/// <summary>
/// Session records on Azure Table in hash-bucket partitions: concurrent updates of a bucket share entity group
/// transactions, each still conditional on its own ETag, and two instances see one session.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SessionStoreBatchingTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly TableRequestCounter _requests = new("Sessions");
    private readonly AzureStorageOptions _options = new(AzuriteFixture.UniqueName("b"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => AzureEnginePorts.DeleteAllAsync(azurite.Connection, _options);

    private async Task<TableSessionStore> StoreAsync() =>
        (TableSessionStore)(await AzureEnginePorts.CreateAsync(azurite.Connection, TimeProvider.System, _options with { RequestObserver = _requests })).Sessions;

    private static readonly DateTimeOffset Created = new(2026, 12, 7, 22, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_sweep_deletes_spilled_states_older_than_its_cutoff_and_keeps_newer_ones()
    {
        var store = await StoreAsync();
        var storage = new AzureLedgerStorage(azurite.Connection, _options);
        var big = new byte[2 * 1024 * 1024];
        new Random(5).NextBytes(big);
        var token = "spill/" + Guid.NewGuid().ToString("N");
        await store.CreateAsync(new SessionRecord(token, "id", "ledger", Created, "t1", Created, null, big));
        var record = (await store.GetAsync(token))!;
        big[0] ^= 1;
        Assert.NotNull(await store.ReplaceIfMatchAsync(record with { TransactionState = big }));
        Assert.Equal(2, await CountStateBlobsAsync(storage));

        // The blobs were written just now: a cutoff before the session's creation keeps the session and its blobs.
        Assert.Equal(0, await store.DeleteCreatedBeforeAsync(Created));
        Assert.Equal(2, await CountStateBlobsAsync(storage));
        Assert.Equal(big, (await store.GetAsync(token))!.TransactionState);

        // A cutoff after both the session and the blobs (the superseded one included) takes everything.
        Assert.Equal(1, await store.DeleteCreatedBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.Equal(0, await CountStateBlobsAsync(storage));
        Assert.Null(await store.GetAsync(token));
    }

    private static async Task<int> CountStateBlobsAsync(AzureLedgerStorage storage)
    {
        var count = 0;
        await foreach (var _ in storage.Blocks.GetBlobsAsync("_sessions/"))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task Two_instances_pick_up_one_session_and_the_stale_one_is_refused()
    {
        var first = await StoreAsync();
        var second = await StoreAsync();
        var token = "tok/en+" + Guid.NewGuid().ToString("N");
        await first.CreateAsync(new SessionRecord(token, "id", "ledger", Created, null, null));
        var seenByFirst = (await first.GetAsync(token))!;
        var firstEtag = await first.ReplaceIfMatchAsync(seenByFirst with { TransactionId = "t1", TransactionStartedAt = Created, TransactionState = [1] });
        Assert.NotNull(firstEtag);

        // The second instance reads what the first wrote and moves the session on.
        var seenBySecond = (await second.GetAsync(token))!;
        Assert.Equal(("t1", firstEtag), (seenBySecond.TransactionId, seenBySecond.ETag));
        Assert.Equal([1], seenBySecond.TransactionState);
        Assert.NotNull(await second.ReplaceIfMatchAsync(seenBySecond with { TransactionState = [1, 2] }));

        // The first still holds the older ETag: its write is refused and changes nothing.
        Assert.Null(await first.ReplaceIfMatchAsync(seenByFirst with { ETag = firstEtag, TransactionState = [9] }));
        Assert.Equal([1, 2], (await first.GetAsync(token))!.TransactionState);

        await second.DeleteAsync(token);
        Assert.Null(await first.GetAsync(token));
        Assert.Null(await first.ReplaceIfMatchAsync(seenBySecond));
    }

    [Fact]
    public async Task Concurrent_updates_of_a_bucket_share_batches_and_a_stale_one_fails_alone()
    {
        var store = await StoreAsync();
        var other = await StoreAsync();

        // Sessions of one bucket, so that their updates can share a partition's transaction.
        var tokens = Enumerable.Range(0, 400).Select(i => $"s{i}/" + Guid.NewGuid().ToString("N"))
            .GroupBy(store.PartitionOf).OrderByDescending(g => g.Count()).First().Take(30).ToList();
        Assert.Equal(30, tokens.Count);
        var records = new List<SessionRecord>();
        foreach (var token in tokens)
        {
            await store.CreateAsync(new SessionRecord(token, "id", "ledger", Created, null, null));
            records.Add((await store.GetAsync(token))!);
        }

        // Another instance moves one session, so this store's update of it is stale.
        var stale = records[7];
        Assert.NotNull(await other.ReplaceIfMatchAsync(stale with { TransactionId = "elsewhere", TransactionStartedAt = Created, TransactionState = [7] }));

        var before = _requests.Snapshot();
        var etags = await Task.WhenAll(records.Select((record, i) =>
            store.ReplaceIfMatchAsync(record with { TransactionId = "t" + i, TransactionStartedAt = Created, TransactionState = [(byte)i] }).AsTask()));
        var after = _requests.Snapshot();
        var (batches, singles) = (after.Batches - before.Batches, after.Singles - before.Singles);

        Assert.Null(etags[7]);
        Assert.All(etags.Where((_, i) => i != 7), Assert.NotNull);
        for (var i = 0; i < records.Count; i++)
        {
            var stored = (await store.GetAsync(tokens[i]))!;
            Assert.Equal(i == 7 ? "elsewhere" : "t" + i, stored.TransactionId);
            Assert.Equal(i == 7 ? null : etags[i], i == 7 ? null : stored.ETag);
        }

        // 30 updates in far fewer requests: the first alone, the rest while it was in flight.
        Assert.True(batches >= 1, $"{batches} batches");
        Assert.True(batches + singles < 10, $"{batches} batches and {singles} single updates for 30 updates");
    }
}
