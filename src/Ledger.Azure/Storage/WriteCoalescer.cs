namespace Ledger.Azure.Storage;

/// <summary>
/// One write the service rejected inside a submitted group (for a Table $batch: the operation the service names as
/// failed). Only that write fails; the coalescer submits the others again without it.
/// </summary>
internal sealed class CoalescedWriteRejectedException(int index, Exception reason)
    : Exception($"Write #{index} of the group was rejected: {reason.Message}", reason)
{
    /// <summary>The zero-based index of the rejected write in the group as submitted.</summary>
    public int Index { get; } = index;
}

/// <summary>
/// Natural batching of single-entity writes: per partition at most one group is in flight; writes that arrive
/// meanwhile wait and go out together as the next group when it returns (at most <c>maxCount</c> writes and
/// <c>maxWeight</c> weight per group). An idle partition sends a write at once, so nothing waits on a timer.
/// Writes to the same entity keep their order: a group holds an entity at most once, a later write of it waits for
/// the next group. A rejected write (<see cref="CoalescedWriteRejectedException"/>) fails alone and the rest of its
/// group is submitted again; any other failure of a group fails the writes of that group.
/// </summary>
/// <typeparam name="TWrite">One write: its partition, entity key and weight come from the delegates.</typeparam>
/// <typeparam name="TResult">What a successful write returns (for a Table update: the new ETag).</typeparam>
internal sealed class WriteCoalescer<TWrite, TResult>
    where TWrite : notnull
{
    private readonly Func<IReadOnlyList<TWrite>, Task<IReadOnlyList<TResult>>> _submit;
    private readonly Func<TWrite, string> _partitionOf;
    private readonly Func<TWrite, string> _entityOf;
    private readonly Func<TWrite, long> _weightOf;
    private readonly int _maxCount;
    private readonly long _maxWeight;
    private readonly Dictionary<string, Partition> _partitions = new(StringComparer.Ordinal);

    /// <param name="submit">Sends one group (all writes share a partition) and returns one result per write, in order.</param>
    /// <param name="partitionOf">The partition a write goes to: a group never spans two.</param>
    /// <param name="entityOf">The entity a write touches within its partition.</param>
    /// <param name="weightOf">The write's share of a group's size limit.</param>
    /// <param name="maxCount">The most writes per group.</param>
    /// <param name="maxWeight">The most weight per group (a single heavier write still goes alone).</param>
    public WriteCoalescer(
        Func<IReadOnlyList<TWrite>, Task<IReadOnlyList<TResult>>> submit,
        Func<TWrite, string> partitionOf,
        Func<TWrite, string> entityOf,
        Func<TWrite, long> weightOf,
        int maxCount,
        long maxWeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        _submit = submit;
        _partitionOf = partitionOf;
        _entityOf = entityOf;
        _weightOf = weightOf;
        _maxCount = maxCount;
        _maxWeight = maxWeight;
    }

    /// <summary>
    /// Queues <paramref name="write"/> and completes when its group returned. Once queued a write is sent whatever
    /// the caller does next (like a request already on the wire), so cancellation only stops the wait.
    /// </summary>
    public Task<TResult> WriteAsync(TWrite write, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(write, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        var key = _partitionOf(write);
        Partition partition;
        var start = false;
        lock (_partitions)
        {
            if (!_partitions.TryGetValue(key, out partition!))
            {
                partition = new Partition();
                _partitions[key] = partition;
            }

            partition.Queue.Add(pending);
            if (!partition.Running)
            {
                partition.Running = true;
                start = true;
            }
        }

        if (start)
        {
            _ = RunAsync(key, partition);
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    // Sends one group after another while writes wait; each group takes what queued while the previous one ran.
    private async Task RunAsync(string key, Partition partition)
    {
        while (true)
        {
            List<Pending> group;
            lock (_partitions)
            {
                if (partition.Queue.Count == 0)
                {
                    partition.Running = false;
                    _partitions.Remove(key);
                    return;
                }

                group = TakeGroup(partition.Queue);
            }

            await SubmitAsync(group);
        }
    }

    // The oldest writes that fit one group; a write of an entity already in the group, and everything after it for
    // that entity, waits for the next one (so writes of one entity never reorder).
    private List<Pending> TakeGroup(List<Pending> queue)
    {
        var group = new List<Pending>();
        var entities = new HashSet<string>(StringComparer.Ordinal);
        long weight = 0;
        for (var i = 0; i < queue.Count && group.Count < _maxCount; i++)
        {
            var candidate = queue[i];
            var entity = _entityOf(candidate.Write);
            var candidateWeight = _weightOf(candidate.Write);
            if (!entities.Add(entity))
            {
                continue;
            }

            if (group.Count > 0 && weight + candidateWeight > _maxWeight)
            {
                // Too heavy for this group: it and any later write of its entity wait.
                continue;
            }

            weight += candidateWeight;
            group.Add(candidate);
            queue.RemoveAt(i);
            i--;
        }

        return group;
    }

    private async Task SubmitAsync(List<Pending> group)
    {
        while (group.Count > 0)
        {
            IReadOnlyList<TResult> results;
            try
            {
                results = await _submit([.. group.Select(p => p.Write)]);
            }
            catch (CoalescedWriteRejectedException rejected) when (rejected.Index >= 0 && rejected.Index < group.Count)
            {
                // Only the named write fails; nothing of the group was written, so the rest goes again.
                group[rejected.Index].Completion.TrySetException(rejected.InnerException ?? rejected);
                group.RemoveAt(rejected.Index);
                continue;
            }
            catch (Exception failure) when (failure is not OutOfMemoryException)
            {
                foreach (var pending in group)
                {
                    pending.Completion.TrySetException(failure);
                }

                return;
            }

            if (results.Count != group.Count)
            {
                var mismatch = new InvalidOperationException($"The group of {group.Count} writes returned {results.Count} results.");
                foreach (var pending in group)
                {
                    pending.Completion.TrySetException(mismatch);
                }

                return;
            }

            for (var i = 0; i < group.Count; i++)
            {
                group[i].Completion.TrySetResult(results[i]);
            }

            return;
        }
    }

    private sealed record Pending(TWrite Write, TaskCompletionSource<TResult> Completion);

    private sealed class Partition
    {
        public List<Pending> Queue { get; } = [];

        public bool Running { get; set; }
    }
}
