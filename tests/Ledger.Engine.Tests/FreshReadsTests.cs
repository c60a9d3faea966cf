using Ledger.Engine.Sessions;

namespace Ledger.Engine.Tests;

public sealed class FreshReadsTests
{
    [Fact]
    public async Task Callers_that_arrive_during_a_read_share_the_next_one_and_never_get_a_value_read_before_they_asked()
    {
        var value = 1;
        var reads = 0;
        var firstRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = new FreshReads<int>(async _ =>
        {
            var observed = value;
            if (Interlocked.Increment(ref reads) == 1)
            {
                await firstRead.Task;
            }

            return observed;
        });

        var first = reader.ReadAsync("k", CancellationToken.None);
        value = 2;
        var second = reader.ReadAsync("k", CancellationToken.None);
        var third = reader.ReadAsync("k", CancellationToken.None);
        Assert.False(second.IsCompleted);
        firstRead.SetResult();

        Assert.Equal(1, await first);
        Assert.Equal(2, await second);
        Assert.Equal(2, await third);
        Assert.Equal(2, reads);

        // Idle again: the next caller reads anew.
        value = 3;
        Assert.Equal(3, await reader.ReadAsync("k", CancellationToken.None));
        Assert.Equal(3, reads);
    }

    [Fact]
    public async Task A_failed_read_fails_its_callers_and_the_next_caller_reads_again()
    {
        var fail = true;
        var reader = new FreshReads<int>(_ => fail ? Task.FromException<int>(new InvalidOperationException("storage down")) : Task.FromResult(7));

        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.ReadAsync("k", CancellationToken.None));
        fail = false;
        Assert.Equal(7, await reader.ReadAsync("k", CancellationToken.None));
    }
}
