using System.Collections.Concurrent;

namespace Ledger.Engine.Sessions;

/// <summary>
/// Shares storage point reads among concurrent callers without ever serving one a value older than its call: a
/// caller joins the next read that starts after it arrived (never one already under way), so what it gets reflects
/// every write acknowledged before it asked, exactly as a read of its own would. Under load, one read serves every
/// caller that arrived while the previous one ran.
/// </summary>
/// <typeparam name="T">The value read.</typeparam>
internal sealed class FreshReads<T>(Func<string, Task<T>> read)
{
    private readonly ConcurrentDictionary<string, Key> _keys = new(StringComparer.Ordinal);

    /// <summary>A value of <paramref name="key"/> read after this call began.</summary>
    public Task<T> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var state = _keys.GetOrAdd(key, _ => new Key());
        Task<T> next;
        var start = false;
        lock (state)
        {
            if (state.Next is null)
            {
                state.Next = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
                start = !state.Running;
                state.Running = true;
            }

            next = state.Next.Task;
        }

        if (start)
        {
            _ = RunAsync(key, state);
        }

        return next.WaitAsync(cancellationToken);
    }

    // Reads one round after another while callers wait; each round serves the callers that joined before it began.
    private async Task RunAsync(string key, Key state)
    {
        while (true)
        {
            TaskCompletionSource<T> round;
            lock (state)
            {
                if (state.Next is null)
                {
                    state.Running = false;
                    return;
                }

                round = state.Next;
                state.Next = null;
            }

            try
            {
                round.SetResult(await read(key));
            }
            catch (Exception failure) when (failure is not OutOfMemoryException)
            {
                round.SetException(failure);
            }
        }
    }

    private sealed class Key
    {
        public TaskCompletionSource<T>? Next { get; set; }

        public bool Running { get; set; }
    }
}
