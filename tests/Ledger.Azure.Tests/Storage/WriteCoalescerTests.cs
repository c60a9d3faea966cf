using Ledger.Azure.Storage;

namespace Ledger.Azure.Tests.Storage;

/// <summary>The coalescer alone: groups form while one is in flight, a rejected write fails alone, order holds per entity.</summary>
public sealed class WriteCoalescerTests
{
    private sealed record Write(string Partition, string Entity, int Value, long Weight = 1);

    // A submitter whose groups are released by the test, so that it controls what is in flight.
    private sealed class GatedSubmitter
    {
        private readonly object _lock = new();

        public List<IReadOnlyList<Write>> Groups { get; } = [];

        public List<TaskCompletionSource> Releases { get; } = [];

        public Func<IReadOnlyList<Write>, int?> Reject { get; set; } = _ => null;

        public async Task<IReadOnlyList<int>> SubmitAsync(IReadOnlyList<Write> group)
        {
            TaskCompletionSource release;
            lock (_lock)
            {
                Groups.Add(group);
                release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Releases.Add(release);
            }

            await release.Task;
            if (Reject(group) is { } index)
            {
                throw new CoalescedWriteRejectedException(index, new InvalidOperationException("precondition " + group[index].Value));
            }

            return [.. group.Select(w => w.Value * 10)];
        }

        public async Task ReleaseAsync(int group)
        {
            await WaitForGroupsAsync(group + 1);
            lock (_lock)
            {
                Releases[group].SetResult();
            }
        }

        public async Task WaitForGroupsAsync(int count)
        {
            for (var spins = 0; spins < 500; spins++)
            {
                lock (_lock)
                {
                    if (Groups.Count >= count)
                    {
                        return;
                    }
                }

                await Task.Delay(10);
            }

            throw new TimeoutException($"Expected {count} groups, saw {Groups.Count}.");
        }
    }

    private static WriteCoalescer<Write, int> Coalescer(GatedSubmitter submitter, int maxCount = 100, long maxWeight = 1000) =>
        new(submitter.SubmitAsync, w => w.Partition, w => w.Entity, w => w.Weight, maxCount, maxWeight);

    [Fact]
    public async Task An_idle_partition_sends_at_once_and_writes_arriving_meanwhile_go_out_as_one_group()
    {
        var submitter = new GatedSubmitter();
        var coalescer = Coalescer(submitter);
        var first = coalescer.WriteAsync(new Write("p", "a", 1));
        await submitter.WaitForGroupsAsync(1);
        Assert.Single(submitter.Groups[0]);

        var waiting = Enumerable.Range(2, 5).Select(i => coalescer.WriteAsync(new Write("p", "e" + i, i))).ToList();
        await Task.Delay(50);
        Assert.Single(submitter.Groups);

        await submitter.ReleaseAsync(0);
        Assert.Equal(10, await first);
        await submitter.ReleaseAsync(1);
        var results = await Task.WhenAll(waiting);
        Assert.Equal([20, 30, 40, 50, 60], results);
        Assert.Equal(2, submitter.Groups.Count);
        Assert.Equal([2, 3, 4, 5, 6], submitter.Groups[1].Select(w => w.Value));
    }

    [Fact]
    public async Task Partitions_do_not_wait_for_each_other_and_never_share_a_group()
    {
        var submitter = new GatedSubmitter();
        var coalescer = Coalescer(submitter);
        var inP = coalescer.WriteAsync(new Write("p", "a", 1));
        var inQ = coalescer.WriteAsync(new Write("q", "a", 2));
        await submitter.WaitForGroupsAsync(2);
        Assert.All(submitter.Groups, g => Assert.Single(g));
        await submitter.ReleaseAsync(1);
        Assert.Equal(20, await inQ);
        Assert.False(inP.IsCompleted);
        await submitter.ReleaseAsync(0);
        Assert.Equal(10, await inP);
    }

    [Fact]
    public async Task A_rejected_write_fails_alone_and_the_rest_of_its_group_is_written()
    {
        var submitter = new GatedSubmitter { Reject = group => group.ToList().FindIndex(w => w.Value == 3) is var i && i >= 0 ? i : null };
        var coalescer = Coalescer(submitter);
        var blocker = coalescer.WriteAsync(new Write("p", "x", 1));
        await submitter.WaitForGroupsAsync(1);
        var writes = Enumerable.Range(2, 4).Select(i => coalescer.WriteAsync(new Write("p", "e" + i, i))).ToList();
        await submitter.ReleaseAsync(0);
        await submitter.ReleaseAsync(1);
        await submitter.ReleaseAsync(2);

        var rejected = await Assert.ThrowsAsync<InvalidOperationException>(() => writes[1]);
        Assert.Equal("precondition 3", rejected.Message);
        var written = await Task.WhenAll(writes[0], writes[2], writes[3]);
        Assert.Equal([20, 40, 50], written);
        Assert.Equal([2, 4, 5], submitter.Groups[2].Select(w => w.Value));
        Assert.Equal(10, await blocker);
    }

    [Fact]
    public async Task A_failed_group_fails_only_its_own_writes()
    {
        var calls = 0;
        var coalescer = new WriteCoalescer<Write, int>(
            group => Interlocked.Increment(ref calls) == 1 ? throw new TimeoutException("network") : Task.FromResult<IReadOnlyList<int>>([.. group.Select(w => w.Value)]),
            w => w.Partition, w => w.Entity, w => w.Weight, 100, 1000);
        await Assert.ThrowsAsync<TimeoutException>(() => coalescer.WriteAsync(new Write("p", "a", 1)));
        Assert.Equal(2, await coalescer.WriteAsync(new Write("p", "a", 2)));
    }

    [Fact]
    public async Task Writes_of_one_entity_keep_their_order_and_never_share_a_group()
    {
        var submitter = new GatedSubmitter();
        var coalescer = Coalescer(submitter);
        var blocker = coalescer.WriteAsync(new Write("p", "x", 1));
        await submitter.WaitForGroupsAsync(1);
        var firstOfA = coalescer.WriteAsync(new Write("p", "a", 2));
        var secondOfA = coalescer.WriteAsync(new Write("p", "a", 3));
        var b = coalescer.WriteAsync(new Write("p", "b", 4));
        await submitter.ReleaseAsync(0);
        await submitter.ReleaseAsync(1);
        await submitter.ReleaseAsync(2);
        await Task.WhenAll(blocker, firstOfA, secondOfA, b);

        Assert.Equal([2, 4], submitter.Groups[1].Select(w => w.Value));
        Assert.Equal([3], submitter.Groups[2].Select(w => w.Value));
    }

    [Fact]
    public async Task A_group_stays_within_the_count_and_weight_limits()
    {
        var submitter = new GatedSubmitter();
        var coalescer = Coalescer(submitter, maxCount: 3, maxWeight: 10);
        var blocker = coalescer.WriteAsync(new Write("p", "x", 0));
        await submitter.WaitForGroupsAsync(1);
        var light = Enumerable.Range(1, 4).Select(i => coalescer.WriteAsync(new Write("p", "l" + i, i, Weight: 2))).ToList();
        var heavy = coalescer.WriteAsync(new Write("p", "h", 9, Weight: 9));
        for (var group = 0; group < 4; group++)
        {
            await submitter.ReleaseAsync(group);
        }

        await Task.WhenAll([blocker, heavy, .. light]);
        Assert.Equal([1, 2, 3], submitter.Groups[1].Select(w => w.Value));
        Assert.Equal([4], submitter.Groups[2].Select(w => w.Value));
        Assert.Equal([9], submitter.Groups[3].Select(w => w.Value));
    }
}
