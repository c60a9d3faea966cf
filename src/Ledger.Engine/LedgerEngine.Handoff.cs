using System.Collections.Concurrent;
using System.Diagnostics;
using Ledger.Engine.Errors;
using Ledger.Engine.Ports;
using Ledger.Engine.Sequencing;
using Ledger.Engine.Sessions;
using Ledger.Engine.Transactions;

namespace Ledger.Engine;

// The lease-guarded sequencer (docs/engine.md, "Several instances"): the instance holding a ledger's lease sequences
// its commits; any other instance hands its commits to the holder through the commit inbox, or takes the lease over
// when it is free or expired.
public sealed partial class LedgerEngine
{
    // How long a non-holder waits before asking for the lease again (a waiting forwarder keeps asking at this pace,
    // so it takes over within a lease duration plus this after the holder died; one Blob request per ledger each).
    private static readonly TimeSpan LeaseRetryInterval = TimeSpan.FromMilliseconds(250);

    // Entries the holder takes from the inbox per poll.
    private const int InboxBatch = 100;

    private static readonly TimeSpan FastPoll = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan SlowPoll = TimeSpan.FromMilliseconds(20);

    // The answer poller runs only while commits wait, and each of its rounds answers all of them: it stays fast.
    private static readonly TimeSpan SlowAnswerPoll = TimeSpan.FromMilliseconds(5);

    // Answered entries nobody deleted (their forwarder died or gave up) are swept by the holder after this long.
    private static readonly TimeSpan AnsweredEntryLifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    // Names this instance's inbox entries, so that one query lists the answers to all of its waiting commits.
    private readonly string _instanceId = Guid.NewGuid().ToString("N");

    // Per ledger: this instance's forwarded commits waiting for their answer, served by one poller.
    private readonly ConcurrentDictionary<string, ForwardedWaiters> _forwarded = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, Leadership> _leadership = new(StringComparer.Ordinal);

    // When (Environment.TickCount64) a non-holder may ask for the lease again. Real time, not the engine's clock: the
    // pace of asking is a cost bound, while whether the lease lapsed is judged by the lease's own clock.
    private readonly ConcurrentDictionary<string, long> _nextLeaseAttempt = new(StringComparer.Ordinal);

    /// <summary>True while this instance holds the ledger's lease (tests).</summary>
    internal bool HoldsLease(string ledgerName) => _leadership.TryGetValue(ledgerName, out var held) && !held.Stopped;

    // Sequences a closed transaction: locally when this instance holds (or can take) the lease, else through the
    // holder. Returns the sequence number of its block (null for a read-only transaction).
    private async Task<long?> SubmitCommitAsync(
        LedgerRecord ledger, LedgerTransaction transaction, IReadOnlyList<StatementInput> statements, CancellationToken cancellationToken)
    {
        if (await LeadAsync(ledger, cancellationToken) is { } leadership)
        {
            leadership.LastActivity = _clock.GetUtcNow();
            return (await SequenceAsync(ledger, transaction.ToCommitRequest(), cancellationToken)).SequenceNo;
        }

        return await ForwardCommitAsync(ledger, transaction, statements, cancellationToken);
    }

    // The holder's leadership when this instance holds the ledger's lease or just took it; null when another does.
    private async Task<Leadership?> LeadAsync(LedgerRecord ledger, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        if (_leadership.TryGetValue(ledger.Name, out var held) && !held.Stopped)
        {
            if (held.Lease.ExpiresAt - now > held.Lease.Duration / 4 || await held.RenewAsync(_ports.Lease, _clock, cancellationToken))
            {
                return held;
            }

            EndLeadership(ledger.Name, held);
        }

        var ticks = Environment.TickCount64;
        if (ticks < _nextLeaseAttempt.GetValueOrDefault(ledger.Name))
        {
            return null;
        }

        _nextLeaseAttempt[ledger.Name] = ticks + (long)LeaseRetryInterval.TotalMilliseconds;
        if (await _ports.Lease.TryAcquireAsync(ledger.Name, LeaseDuration, cancellationToken) is not { } lease)
        {
            return null;
        }

        var leadership = new Leadership(lease, now);
        if (!_leadership.TryAdd(ledger.Name, leadership))
        {
            // Another command of this instance won the same race; keep its leadership and give this lease id up.
            await _ports.Lease.ReleaseAsync(lease, CancellationToken.None);
            return _leadership.TryGetValue(ledger.Name, out var winner) ? winner : null;
        }

        await RecoverIfBehindAsync(ledger, cancellationToken);
        leadership.Loop = Task.Run(() => LeadLoopAsync(ledger, leadership));
        return leadership;
    }

    // A sequencer that sat idle while another instance led is many blocks behind: recovering a new one from the
    // journal (tree from stored nodes, views from the watermark) is far cheaper than catching up block by block.
    private async Task RecoverIfBehindAsync(LedgerRecord ledger, CancellationToken cancellationToken)
    {
        if (_sequencers.TryGetValue(ledger.Name, out var existing) && existing.IsValueCreated && existing.Value.IsCompletedSuccessfully
            && (await existing.Value).CommittedSize < await _watermarkReads.ReadAsync(ledger.Name, cancellationToken))
        {
            await DropSequencerAsync(ledger.Name);
        }
    }

    // Queues a commit on the ledger's sequencer; one replaced meanwhile (RecoverIfBehindAsync) is tried on the next.
    private async Task<CommitResult> SequenceAsync(LedgerRecord ledger, CommitRequest request, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await (await SequencerAsync(ledger)).EnqueueAndWaitForCommitAsync(request, cancellationToken);
            }
            catch (ObjectDisposedException)
            {
                await Task.Yield();
            }
        }
    }

    // While holding the lease: renew it, serve the inbox, and give the lease up after a quiet period.
    private async Task LeadLoopAsync(LedgerRecord ledger, Leadership leadership)
    {
        var delay = FastPoll;
        while (!leadership.Stopped)
        {
            try
            {
                var now = _clock.GetUtcNow();
                if (leadership.InFlight.IsEmpty && !leadership.SawPending && now - leadership.LastActivity >= QuietPeriod)
                {
                    EndLeadership(ledger.Name, leadership);
                    await _ports.Lease.ReleaseAsync(leadership.Lease, CancellationToken.None);
                    return;
                }

                if (leadership.Lease.ExpiresAt - now <= leadership.Lease.Duration / 2
                    && !await leadership.RenewAsync(_ports.Lease, _clock, CancellationToken.None))
                {
                    // Lost (taken by another instance): stop taking commits; new ones are forwarded.
                    EndLeadership(ledger.Name, leadership);
                    return;
                }

                // A listing can be older than an outcome written while it was under way: entries completed before
                // this poll started are skipped, and forgotten once a poll that started after them has come back.
                var generation = leadership.StartPoll();
                var pollStarted = Stopwatch.GetTimestamp();
                var pending = await _ports.Inbox.ListPendingAsync(ledger.Name, InboxBatch, CancellationToken.None);
                SequencerMetrics.RecordPhase(SequencerMetrics.HandoffInboxPollPhase, pollStarted);
                var fresh = pending.Where(e => !leadership.InFlight.ContainsKey(e.TransactionId) && !leadership.Completed.ContainsKey(e.TransactionId)).ToList();
                leadership.ForgetCompletedBefore(generation);

                // An entry may have been journaled already (by an earlier holder that died or stalled before writing
                // its outcome): the sequencer finds it in its validation window and reports that block instead.
                foreach (var entry in fresh)
                {
                    leadership.InFlight[entry.TransactionId] = true;
                    leadership.LastActivity = now;
                    _ = ServeForwardedAsync(ledger, leadership, entry);
                }

                // No release while entries wait; back to back while new ones keep arriving, backing off when idle.
                leadership.SawPending = pending.Count > 0;
                delay = fresh.Count > 0 ? TimeSpan.Zero : pending.Count > 0 ? FastPoll : TimeSpan.FromTicks(Math.Min(Math.Max(delay.Ticks, FastPoll.Ticks) * 2, SlowPoll.Ticks));
                if (now >= leadership.NextSweep)
                {
                    leadership.NextSweep = now + SweepInterval;
                    await _ports.Inbox.DeleteAnsweredBeforeAsync(ledger.Name, now - AnsweredEntryLifetime, CancellationToken.None);
                }
            }
            catch (Exception failure) when (failure is not OutOfMemoryException)
            {
                // Storage failed under the loop (a renewal or a poll): keep leading while the lease lasts and try
                // again; the inbox keeps its entries.
                delay = SlowPoll;
                if (leadership.Lease.ExpiresAt <= _clock.GetUtcNow())
                {
                    EndLeadership(ledger.Name, leadership);
                    return;
                }
            }

            try
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, leadership.Stopping);
                }
            }
            catch (OperationCanceledException) when (leadership.Stopped)
            {
                // Stopped by dispose or ledger deletion.
            }
        }
    }

    private void EndLeadership(string ledgerName, Leadership leadership)
    {
        leadership.Stop();
        _leadership.TryRemove(new KeyValuePair<string, Leadership>(ledgerName, leadership));
    }

    private static TimeSpan QuietPeriod => LeaseDuration;

    private async Task ServeForwardedAsync(LedgerRecord ledger, Leadership leadership, ForwardedCommit entry)
    {
        try
        {
            ForwardedCommitOutcome outcome;
            try
            {
                outcome = await CommitForwardedAsync(ledger, entry);
            }
            catch (OccConflictException conflict)
            {
                outcome = new ForwardedCommitOutcome(ForwardedCommitResult.OccConflict, null, conflict.Message);
            }
            catch (CommitFailureException failure)
            {
                if (failure.IsFatal)
                {
                    // The next commit recovers a sequencer from the journal; leading goes on.
                    await DropSequencerAsync(ledger.Name);
                }

                outcome = new ForwardedCommitOutcome(ForwardedCommitResult.CapacityExceeded, null, "Capacity exceeded");
            }
            catch (LedgerException refused)
            {
                outcome = new ForwardedCommitOutcome(ForwardedCommitResult.Refused, null, refused.Message);
            }

            var started = Stopwatch.GetTimestamp();
            await _ports.Inbox.SetOutcomeAsync(ledger.Name, entry.TransactionId, outcome, CancellationToken.None);
            SequencerMetrics.RecordPhase(SequencerMetrics.HandoffOutcomePhase, started);
            leadership.Completed[entry.TransactionId] = leadership.Polls;
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            // The outcome could not be written: the entry stays pending and is served again by this or the next
            // holder (whose sequencer finds it journaled, if it was appended).
        }
        finally
        {
            leadership.InFlight.TryRemove(entry.TransactionId, out _);
            leadership.LastActivity = _clock.GetUtcNow();
        }
    }

    private async Task<ForwardedCommitOutcome> CommitForwardedAsync(LedgerRecord ledger, ForwardedCommit entry)
    {
        var started = Stopwatch.GetTimestamp();
        var transaction = await RebuildForwardedAsync(ledger.Name, entry);
        SequencerMetrics.RecordPhase(SequencerMetrics.HandoffRebuildPhase, started);
        if (transaction.Digest != entry.CommitDigest)
        {
            return new ForwardedCommitOutcome(ForwardedCommitResult.Refused, null, "Digests don't match");
        }

        started = Stopwatch.GetTimestamp();
        var result = await SequenceAsync(ledger, transaction.ToCommitRequest(), CancellationToken.None);
        SequencerMetrics.RecordPhase(SequencerMetrics.HandoffSequencePhase, started);
        return new ForwardedCommitOutcome(ForwardedCommitResult.Committed, result.SequenceNo, null);
    }

    // The forwarder's transaction, rebuilt as any instance rebuilds a stored one (a forwarder always sends the snapshot
    // it ran at; one without, because no statement ran, read nothing).
    private Task<LedgerTransaction> RebuildForwardedAsync(string ledgerName, ForwardedCommit entry) =>
        RebuildTransactionAsync(ledgerName, entry.TransactionId, entry.TransactionStartedAt, TransactionState.Decode(entry.TransactionState), null, CancellationToken.None);

    // A non-holder's commit: enqueue it, then wait for the holder's outcome, which this instance's poller for the
    // ledger delivers (one query per round answers every waiting commit of this instance).
    private async Task<long?> ForwardCommitAsync(
        LedgerRecord ledger, LedgerTransaction transaction, IReadOnlyList<StatementInput> statements, CancellationToken cancellationToken)
    {
        var entry = new ForwardedCommit(
            ledger.Name, transaction.Id, transaction.StartedAt, transaction.Digest, new TransactionState(transaction.Snapshot, statements).Encode(), _instanceId);
        var waiters = _forwarded.GetOrAdd(ledger.Name, _ => new ForwardedWaiters());
        var answer = new TaskCompletionSource<ForwardedCommitOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (waiters.Add(transaction.Id, answer))
        {
            _ = Task.Run(() => PollAnswersAsync(ledger, waiters));
        }

        try
        {
            var started = Stopwatch.GetTimestamp();
            await _ports.Inbox.EnqueueAsync(entry, cancellationToken);
            SequencerMetrics.RecordPhase(SequencerMetrics.HandoffEnqueuePhase, started);
            started = Stopwatch.GetTimestamp();
            var outcome = await answer.Task.WaitAsync(cancellationToken);
            SequencerMetrics.RecordPhase(SequencerMetrics.HandoffWaitPhase, started);
            return outcome.Result switch
            {
                ForwardedCommitResult.Committed => outcome.SequenceNo,
                ForwardedCommitResult.OccConflict => throw new OccConflictException(transaction.Id),
                ForwardedCommitResult.CapacityExceeded => throw new CapacityExceededException("Capacity exceeded"),
                _ => throw new BadRequestException(outcome.Message ?? "The commit was refused"),
            };
        }
        finally
        {
            waiters.Remove(transaction.Id);
        }
    }

    // While commits of this instance wait on a ledger: list their answers, hand them over, delete the answered
    // entries (an answer nobody waits for any more too), and keep asking for the lease, so a dead holder is replaced
    // and the new holder, possibly this instance, serves the inbox, these entries included. Ends when none waits.
    private async Task PollAnswersAsync(LedgerRecord ledger, ForwardedWaiters waiters)
    {
        var delay = FastPoll;
        while (waiters.KeepPolling())
        {
            try
            {
                var pollStarted = Stopwatch.GetTimestamp();
                var answered = await _ports.Inbox.ListAnsweredAsync(ledger.Name, _instanceId, CancellationToken.None);
                SequencerMetrics.RecordPhase(SequencerMetrics.HandoffAnswerPollPhase, pollStarted);
                foreach (var (transactionId, outcome) in answered)
                {
                    waiters.Answer(transactionId, outcome);
                    if (waiters.StartDelete(transactionId))
                    {
                        _ = DeleteAnsweredAsync(ledger.Name, transactionId, waiters);
                    }
                }

                await LeadAsync(ledger, CancellationToken.None);
                delay = answered.Count > 0 ? FastPoll : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, SlowAnswerPoll.Ticks));
            }
            catch (Exception failure) when (failure is not OutOfMemoryException)
            {
                // Storage failed under the poll: the answers stay in the inbox; try again.
                delay = SlowPoll;
            }

            await Task.Delay(delay);
        }
    }

    private async Task DeleteAnsweredAsync(string ledgerName, string transactionId, ForwardedWaiters waiters)
    {
        try
        {
            await _ports.Inbox.DeleteAsync(ledgerName, transactionId, CancellationToken.None);
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            // Left in the inbox: the next poll lists it again, or the holder's sweep removes it.
        }
        finally
        {
            waiters.EndDelete(transactionId);
        }
    }

    private async Task StopLeadingAsync(string ledgerName)
    {
        if (_leadership.TryRemove(ledgerName, out var leadership))
        {
            leadership.Stop();
            if (leadership.Loop is { } loop)
            {
                await loop;
            }

            while (!leadership.InFlight.IsEmpty)
            {
                await Task.Delay(FastPoll);
            }

            await _ports.Lease.ReleaseAsync(leadership.Lease, CancellationToken.None);
        }
    }

    // The forwarded commits of this instance on one ledger that wait for their answer, and whether a poller runs.
    private sealed class ForwardedWaiters
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, TaskCompletionSource<ForwardedCommitOutcome>> _waiting = new(StringComparer.Ordinal);
        private readonly HashSet<string> _deleting = new(StringComparer.Ordinal);
        private bool _polling;

        /// <summary>Registers a waiting commit; true when the caller must start the poller.</summary>
        public bool Add(string transactionId, TaskCompletionSource<ForwardedCommitOutcome> answer)
        {
            lock (_gate)
            {
                _waiting[transactionId] = answer;
                var start = !_polling;
                _polling = true;
                return start;
            }
        }

        public void Remove(string transactionId)
        {
            lock (_gate)
            {
                _waiting.Remove(transactionId);
            }
        }

        public void Answer(string transactionId, ForwardedCommitOutcome outcome)
        {
            TaskCompletionSource<ForwardedCommitOutcome>? answer;
            lock (_gate)
            {
                _waiting.TryGetValue(transactionId, out answer);
            }

            answer?.TrySetResult(outcome);
        }

        /// <summary>True when no delete of the entry is under way yet (one is started now).</summary>
        public bool StartDelete(string transactionId)
        {
            lock (_gate)
            {
                return _deleting.Add(transactionId);
            }
        }

        public void EndDelete(string transactionId)
        {
            lock (_gate)
            {
                _deleting.Remove(transactionId);
            }
        }

        /// <summary>False (and the poller ends) once no commit waits; the next waiting commit starts a new one.</summary>
        public bool KeepPolling()
        {
            lock (_gate)
            {
                _polling = _waiting.Count > 0;
                return _polling;
            }
        }
    }

    // One holding of a ledger's lease by this instance.
    private sealed class Leadership(SequencerLease lease, DateTimeOffset start)
    {
        private readonly CancellationTokenSource _stopping = new();
        private readonly SemaphoreSlim _leaseGate = new(1, 1);
        private volatile SequencerLease _lease = lease;
        private long _lastActivityTicks = start.UtcTicks;
        private long _polls;

        public SequencerLease Lease => _lease;

        public Task? Loop { get; set; }

        /// <summary>Whether the last inbox poll found entries waiting (no release then).</summary>
        public bool SawPending { get; set; }

        /// <summary>When the holder next sweeps answered entries nobody deleted.</summary>
        public DateTimeOffset NextSweep { get; set; } = start;

        public bool Stopped => _stopping.IsCancellationRequested;

        public CancellationToken Stopping => _stopping.Token;

        /// <summary>Inbox entries being committed now (never taken twice).</summary>
        public ConcurrentDictionary<string, bool> InFlight { get; } = new(StringComparer.Ordinal);

        /// <summary>Entries served, with the number of polls started when their outcome was written.</summary>
        public ConcurrentDictionary<string, long> Completed { get; } = new(StringComparer.Ordinal);

        /// <summary>How many inbox polls were started.</summary>
        public long Polls => Interlocked.Read(ref _polls);

        public DateTimeOffset LastActivity
        {
            get => new(Interlocked.Read(ref _lastActivityTicks), TimeSpan.Zero);
            set => Interlocked.Exchange(ref _lastActivityTicks, Math.Max(Interlocked.Read(ref _lastActivityTicks), value.UtcTicks));
        }

        public void Stop() => _stopping.Cancel();

        /// <summary>Counts a poll about to start; returns its generation.</summary>
        public long StartPoll() => Interlocked.Increment(ref _polls);

        /// <summary>Forgets entries completed before the poll of <paramref name="generation"/> started (it saw their outcome).</summary>
        public void ForgetCompletedBefore(long generation)
        {
            foreach (var (transactionId, completedAt) in Completed)
            {
                if (completedAt < generation)
                {
                    Completed.TryRemove(transactionId, out _);
                }
            }
        }

        public async Task<bool> RenewAsync(ISequencerLease leases, TimeProvider clock, CancellationToken cancellationToken)
        {
            await _leaseGate.WaitAsync(cancellationToken);
            try
            {
                var renewedAt = clock.GetUtcNow();
                if (!await leases.RenewAsync(_lease, cancellationToken))
                {
                    return false;
                }

                _lease = _lease with { ExpiresAt = renewedAt + _lease.Duration };
                return true;
            }
            finally
            {
                _leaseGate.Release();
            }
        }
    }
}
