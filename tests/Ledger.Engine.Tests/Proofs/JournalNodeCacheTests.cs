using System.Security.Cryptography;
using Ledger.Engine.Proofs;
using Ledger.Journal;
using Ledger.Journal.Tree;

namespace Ledger.Engine.Tests.Proofs;

public sealed class JournalNodeCacheTests
{
    private const string Scope = "ledger/strand";

    [Fact]
    public async Task A_second_read_of_the_same_nodes_is_served_from_the_cache_with_the_stored_hashes()
    {
        var storage = CountingStore.WithLeaves(64);
        var cache = new JournalNodeCache();
        var nodes = JournalTreeMath.DigestNodes(64).Concat([new NodeId(0, 5), new NodeId(3, 2)]).ToList();

        var first = await new CachedJournalNodeStore(storage, cache, Scope, 64).GetNodesAsync(nodes);
        var second = await new CachedJournalNodeStore(storage, cache, Scope, 64).GetNodesAsync(nodes);

        Assert.Equal(await storage.Inner.GetNodesAsync(nodes), first);
        Assert.Equal(first, second);
        Assert.Equal(nodes.Count, storage.NodesRead);
        Assert.Equal(1, storage.Batches);
    }

    [Fact]
    public async Task Only_the_nodes_not_cached_are_read_and_in_one_batch()
    {
        var storage = CountingStore.WithLeaves(16);
        var cache = new JournalNodeCache();
        var store = new CachedJournalNodeStore(storage, cache, Scope, 16);
        await store.GetNodesAsync([new NodeId(0, 1), new NodeId(2, 1)]);

        var hashes = await store.GetNodesAsync([new NodeId(2, 1), new NodeId(0, 7), new NodeId(0, 1), new NodeId(1, 6)]);

        Assert.Equal(await storage.Inner.GetNodesAsync([new NodeId(2, 1), new NodeId(0, 7), new NodeId(0, 1), new NodeId(1, 6)]), hashes);
        Assert.Equal([new NodeId(0, 7), new NodeId(1, 6)], storage.LastBatch);
        Assert.Equal(2, storage.Batches);
    }

    [Fact]
    public async Task The_cache_never_holds_more_than_its_capacity_and_evicts_the_least_recently_used()
    {
        var storage = CountingStore.WithLeaves(32);
        var cache = new JournalNodeCache(capacity: 4);
        var store = new CachedJournalNodeStore(storage, cache, Scope, 32);
        await store.GetNodesAsync([new NodeId(0, 0), new NodeId(0, 1), new NodeId(0, 2), new NodeId(0, 3)]);
        await store.GetNodesAsync([new NodeId(0, 0)]); // touched: now the most recently used
        await store.GetNodesAsync([new NodeId(0, 4), new NodeId(0, 5)]); // evicts leaves 1 and 2

        Assert.Equal(4, cache.Count);
        Assert.True(cache.TryGet(Scope, new NodeId(0, 0), out _));
        Assert.False(cache.TryGet(Scope, new NodeId(0, 1), out _));
        Assert.False(cache.TryGet(Scope, new NodeId(0, 2), out _));
        Assert.True(cache.TryGet(Scope, new NodeId(0, 3), out _));

        for (var i = 0; i < 32; i++)
        {
            await store.GetNodesAsync([new NodeId(0, i)]);
            Assert.True(cache.Count <= 4);
        }
    }

    [Fact]
    public async Task A_node_over_blocks_past_the_committed_size_is_never_served_from_the_cache()
    {
        var cache = new JournalNodeCache();
        var full = CountingStore.WithLeaves(16);
        await new CachedJournalNodeStore(full, cache, Scope, 16).GetNodesAsync([new NodeId(4, 0), new NodeId(2, 3)]);

        // Asked within a journal of 10 blocks, the 16-leaf node and the one over leaves 12-15 are not complete: they
        // go to storage (which refuses them), whatever the cache holds.
        var shorter = CountingStore.WithLeaves(10);
        var store = new CachedJournalNodeStore(shorter, cache, Scope, 10);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.GetNodesAsync([new NodeId(4, 0)]).AsTask());
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.GetNodesAsync([new NodeId(2, 3)]).AsTask());
        Assert.Equal([new NodeId(2, 3)], shorter.LastBatch);
    }

    [Fact]
    public async Task A_node_storage_does_not_hold_is_not_remembered_and_is_asked_for_again()
    {
        var storage = CountingStore.WithLeaves(8);
        var cache = new JournalNodeCache();

        // The caller claims 16 committed blocks but storage holds 8: the missing node fails every time.
        var store = new CachedJournalNodeStore(storage, cache, Scope, 16);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.GetNodesAsync([new NodeId(0, 3), new NodeId(0, 12)]).AsTask());
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.GetNodesAsync([new NodeId(0, 12)]).AsTask());

        Assert.Equal(0, cache.Count);
        Assert.Equal(2, storage.Batches);
    }

    [Fact]
    public async Task Another_ledger_or_strand_does_not_see_the_nodes_cached_for_one()
    {
        var storage = CountingStore.WithLeaves(8);
        var other = CountingStore.WithLeaves(8);
        var cache = new JournalNodeCache();
        await new CachedJournalNodeStore(storage, cache, "ledger/strand-a", 8).GetNodesAsync([new NodeId(3, 0)]);

        var hashes = await new CachedJournalNodeStore(other, cache, "ledger/strand-b", 8).GetNodesAsync([new NodeId(3, 0)]);

        Assert.Equal(await other.Inner.GetNodesAsync([new NodeId(3, 0)]), hashes);
        Assert.NotEqual(await storage.Inner.GetNodesAsync([new NodeId(3, 0)]), hashes);
        Assert.Equal(1, other.Batches);
    }

    [Fact]
    public async Task Concurrent_readers_get_the_stored_hashes_and_the_bound_holds()
    {
        var storage = CountingStore.WithLeaves(256);
        var cache = new JournalNodeCache(capacity: 50);
        var all = Enumerable.Range(0, 9).SelectMany(level => Enumerable.Range(0, 256 >> level).Select(i => new NodeId(level, i))).ToList();
        var expected = (await storage.Inner.GetNodesAsync(all)).Zip(all).ToDictionary(p => p.Second, p => p.First);

        await Parallel.ForEachAsync(Enumerable.Range(0, 8), async (worker, token) =>
        {
            var random = new Random(worker);
            var store = new CachedJournalNodeStore(storage, cache, Scope, 256);
            for (var call = 0; call < 500; call++)
            {
                var nodes = Enumerable.Range(0, 1 + random.Next(8)).Select(_ => all[random.Next(all.Count)]).ToList();
                var hashes = await store.GetNodesAsync(nodes, token);
                for (var i = 0; i < nodes.Count; i++)
                {
                    Assert.Equal(expected[nodes[i]], hashes[i]);
                }

                Assert.True(cache.Count <= 50);
            }
        });

        Assert.Equal(50, cache.Count);
    }

    // An in-memory node store of random leaves that counts what it is asked for.
    private sealed class CountingStore(InMemoryJournalNodeStore inner) : IJournalNodeStore
    {
        private int _nodesRead;
        private int _batches;

        public InMemoryJournalNodeStore Inner { get; } = inner;

        public int NodesRead => Volatile.Read(ref _nodesRead);

        public int Batches => Volatile.Read(ref _batches);

        public IReadOnlyList<NodeId> LastBatch { get; private set; } = [];

        public static CountingStore WithLeaves(int leaves)
        {
            var tree = new JournalTreeAppender();
            var store = new InMemoryJournalNodeStore();
            for (var i = 0; i < leaves; i++)
            {
                store.AddRange(tree.Append(new Hash32(RandomNumberGenerator.GetBytes(32))));
            }

            return new CountingStore(store);
        }

        public ValueTask<Hash32[]> GetNodesAsync(IReadOnlyList<NodeId> nodes, CancellationToken cancellationToken = default)
        {
            Interlocked.Add(ref _nodesRead, nodes.Count);
            Interlocked.Increment(ref _batches);
            LastBatch = [.. nodes];
            return Inner.GetNodesAsync(nodes, cancellationToken);
        }
    }
}
