using System.Collections.Concurrent;
using Ledger.Engine.Errors;
using Ledger.Engine.Model;
using Ledger.Engine.Ports;
using Ledger.Engine.Sessions;
using Ledger.Ion;
using Ledger.Journal.Tree;
using static Ledger.Engine.Tests.MultiInstanceTests;
using RedactionTarget = Ledger.Journal.Model.RedactionTarget;

namespace Ledger.Engine.Tests;

/// <summary>
/// The lease-guarded sequencer: two engines over shared in-memory ports; only the lease holder sequences, the other
/// hands its commits over through the commit inbox or takes the lease when it is free or expired.
/// </summary>
public sealed class LeaseHandoffTests
{
    private static readonly TimeSpan PastLease = TimeSpan.FromSeconds(16);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_non_holder_hands_its_commit_to_the_holder_and_gets_the_block_address()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock);
        await fixture.RunAsync("CREATE TABLE Accounts");
        Assert.True(fixture.Engine.HoldsLease(fixture.LedgerName));

        var outcome = await RunOnAsync(second, fixture.LedgerName, "INSERT INTO Accounts VALUE {'id': 0, 'balance': 5}");

        Assert.False(second.HoldsLease(fixture.LedgerName));
        var blocks = await fixture.BlocksAsync();
        Assert.Equal(blocks.Count - 1, outcome.SequenceNo);
        Assert.Equal(outcome.TransactionId, blocks[^1].TransactionId);
        Assert.Single(blocks, b => b.TransactionId == outcome.TransactionId);
        Assert.Empty(await fixture.Ports.Inbox.ListPendingAsync(fixture.LedgerName, 10));
        Assert.Null(await fixture.Ports.Inbox.GetOutcomeAsync(fixture.LedgerName, outcome.TransactionId));
        Assert.Equal(5, await SumOfBalancesAsync(fixture.Engine, fixture.LedgerName));
    }

    [Fact]
    public async Task Forwarded_documents_keep_the_ids_the_client_was_shown()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock);
        await fixture.RunAsync("CREATE TABLE Accounts");

        var session = await second.StartSessionAsync(fixture.LedgerName);
        var transactionId = await second.StartTransactionAsync(session);
        const string Insert = "INSERT INTO Accounts << {'id': 1}, {'id': 2} >>";
        var shown = (await second.ExecuteStatementAsync(session, transactionId, Insert)).Values
            .Select(v => ((IonString)((IonStruct)v)["documentId"]!).Value).Order().ToList();
        var outcome = await second.CommitTransactionAsync(session, transactionId, EngineFixture.DriverDigest(transactionId, (Insert, [])));

        var block = (await fixture.BlocksAsync())[(int)outcome.SequenceNo!.Value];
        Assert.Equal(shown, block.Revisions.Select(r => r.DocumentId).Order().ToList());
        Assert.False(second.HoldsLease(fixture.LedgerName));
    }

    [Fact]
    public async Task A_forwarded_commit_that_read_what_the_holder_then_wrote_fails_with_an_occ_conflict_and_stores_nothing()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock);
        await fixture.RunAsync("CREATE TABLE Accounts");
        await fixture.RunAsync("INSERT INTO Accounts VALUE {'id': 0, 'balance': 10}");
        const string Debit = "UPDATE Accounts AS a SET a.balance = a.balance - 1 WHERE a.id = 0";

        var here = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        var there = await second.StartSessionAsync(fixture.LedgerName);
        var hereTx = await fixture.Engine.StartTransactionAsync(here);
        var thereTx = await second.StartTransactionAsync(there);
        await fixture.Engine.ExecuteStatementAsync(here, hereTx, Debit);
        await second.ExecuteStatementAsync(there, thereTx, Debit);
        var size = (await fixture.BlocksAsync()).Count;

        await fixture.Engine.CommitTransactionAsync(here, hereTx, EngineFixture.DriverDigest(hereTx, (Debit, [])));
        await Assert.ThrowsAsync<OccConflictException>(() => second.CommitTransactionAsync(there, thereTx, EngineFixture.DriverDigest(thereTx, (Debit, []))));

        Assert.Equal(size + 1, (await fixture.BlocksAsync()).Count);
        Assert.Equal(9, await SumOfBalancesAsync(second, fixture.LedgerName));
        Assert.Empty(await fixture.Ports.Inbox.ListPendingAsync(fixture.LedgerName, 10));
    }

    [Fact]
    public async Task The_holder_releases_the_lease_after_a_quiet_period_and_the_next_committer_takes_it()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock);
        await fixture.RunAsync("CREATE TABLE Accounts");
        Assert.True(fixture.Engine.HoldsLease(fixture.LedgerName));

        fixture.Clock.Advance(PastLease);
        await WaitUntilAsync(() => !fixture.Engine.HoldsLease(fixture.LedgerName));

        // Released, not left to lapse: the lease is free at once.
        var probe = await fixture.Ports.Lease.TryAcquireAsync(fixture.LedgerName, TimeSpan.FromSeconds(15));
        Assert.NotNull(probe);
        await fixture.Ports.Lease.ReleaseAsync(probe);

        await RunOnAsync(second, fixture.LedgerName, "INSERT INTO Accounts VALUE {'id': 0, 'balance': 5}");
        Assert.True(second.HoldsLease(fixture.LedgerName));
        Assert.False(fixture.Engine.HoldsLease(fixture.LedgerName));
    }

    [Fact]
    public async Task A_waiting_forwarder_takes_the_lease_over_once_the_silent_holder_lets_it_lapse()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE Accounts");
        await fixture.Engine.DisposeAsync();

        // A holder that took the lease and then went silent (killed): it neither serves the inbox nor renews.
        Assert.NotNull(await fixture.Ports.Lease.TryAcquireAsync(fixture.LedgerName, TimeSpan.FromSeconds(15)));
        await using var survivor = new LedgerEngine(fixture.Ports, fixture.Clock);
        var commit = RunOnAsync(survivor, fixture.LedgerName, "INSERT INTO Accounts VALUE {'id': 0, 'balance': 5}");
        await WaitUntilAsync(async () => (await fixture.Ports.Inbox.ListPendingAsync(fixture.LedgerName, 10)).Count == 1);
        await Task.Delay(50);
        Assert.False(commit.IsCompleted);

        fixture.Clock.Advance(PastLease);
        var outcome = await commit.WaitAsync(Patience);

        Assert.True(survivor.HoldsLease(fixture.LedgerName));
        Assert.Equal(outcome.TransactionId, (await fixture.BlocksAsync())[(int)outcome.SequenceNo!.Value].TransactionId);
        Assert.Empty(await fixture.Ports.Inbox.ListPendingAsync(fixture.LedgerName, 10));
    }

    [Fact]
    public async Task A_holder_that_dies_after_appending_but_before_the_outcome_is_not_committed_twice_by_the_next_holder()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var dying = new DyingInbox(fixture.Ports.Inbox);
        await using var holder = new LedgerEngine(fixture.Ports with { Inbox = dying, Lease = new DeadWithLease(fixture.Ports.Lease, dying) }, fixture.Clock);
        await RunOnAsync(holder, fixture.LedgerName, "CREATE TABLE Accounts");
        Assert.True(holder.HoldsLease(fixture.LedgerName));

        await using var survivor = new LedgerEngine(fixture.Ports, fixture.Clock);
        var commit = RunOnAsync(survivor, fixture.LedgerName, "INSERT INTO Accounts VALUE {'id': 0, 'balance': 5}");

        // The holder appends the forwarded commit, then dies before its outcome is written.
        await WaitUntilAsync(() => dying.Died);
        var appended = await fixture.BlocksAsync();
        var transactionId = appended[^1].TransactionId;
        Assert.False(commit.IsCompleted);

        fixture.Clock.Advance(PastLease);
        var outcome = await commit.WaitAsync(Patience);

        Assert.Equal(transactionId, outcome.TransactionId);
        Assert.Equal(appended.Count - 1, outcome.SequenceNo);
        var blocks = await fixture.BlocksAsync();
        Assert.Equal(appended.Count, blocks.Count);
        Assert.Single(blocks, b => b.TransactionId == transactionId);
        Assert.Equal(5, await SumOfBalancesAsync(survivor, fixture.LedgerName));
    }

    [Fact]
    public async Task A_stalled_holder_whose_append_lands_after_the_next_holder_committed_the_entry_reports_that_block_and_journals_nothing()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var journal = new GatedJournal(fixture.Ports.Journal);
        var staleOutcomes = new OutcomeRecordingInbox(fixture.Ports.Inbox);
        await using var stale = new LedgerEngine(
            fixture.Ports with { Journal = journal, Inbox = staleOutcomes, Lease = new RenewRefusingLease(fixture.Ports.Lease) }, fixture.Clock);
        await RunOnAsync(stale, fixture.LedgerName, "CREATE TABLE Accounts");
        Assert.True(stale.HoldsLease(fixture.LedgerName));

        // The holder takes the forwarded entry and stalls just before its append.
        await using var next = new LedgerEngine(fixture.Ports, fixture.Clock);
        journal.HoldNextAppend();
        var commit = RunOnAsync(next, fixture.LedgerName, "INSERT INTO Accounts VALUE {'id': 0, 'balance': 5}");
        await journal.AppendHeld.WaitAsync(Patience);

        // Its lease runs out (the renewal fails), the forwarder takes the lease and commits the same entry itself.
        fixture.Clock.Advance(PastLease);
        var outcome = await commit.WaitAsync(Patience);
        Assert.True(next.HoldsLease(fixture.LedgerName));
        Assert.False(stale.HoldsLease(fixture.LedgerName));

        // The stale append lands now: its slot is taken, and after catching up the stale sequencer finds the
        // transaction journaled and reports that block, as the client was told.
        journal.ReleaseAppend();
        var staleOutcome = await staleOutcomes.OutcomeOf(outcome.TransactionId).WaitAsync(Patience);

        Assert.Equal(new ForwardedCommitOutcome(ForwardedCommitResult.Committed, outcome.SequenceNo, null), staleOutcome);
        Assert.Equal(1, journal.SlotsTaken);
        var blocks = await fixture.BlocksAsync();
        Assert.Single(blocks, b => b.TransactionId == outcome.TransactionId);
        Assert.Equal(outcome.TransactionId, blocks[(int)outcome.SequenceNo!.Value].TransactionId);
        Assert.Equal(blocks.Count, (await fixture.Ports.Journal.GetTipAsync(fixture.LedgerName)).Size);
        Assert.Equal(5, await SumOfBalancesAsync(next, fixture.LedgerName));
        Assert.Equal(5, await SumOfBalancesAsync(stale, fixture.LedgerName));
    }

    [Fact]
    public async Task Concurrent_forwarded_commits_of_one_instance_get_their_answers_from_one_poller_and_leave_no_entry()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var counting = new AnswerPollCountingInbox(fixture.Ports.Inbox);
        await using var forwarder = new LedgerEngine(fixture.Ports with { Inbox = counting }, fixture.Clock);
        await fixture.RunAsync("CREATE TABLE Accounts");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12)
            .Select(i => RunOnAsync(forwarder, fixture.LedgerName, $"INSERT INTO Accounts VALUE {{'id': {i}, 'balance': 1}}")));

        Assert.False(forwarder.HoldsLease(fixture.LedgerName));
        Assert.Equal(1, counting.MostPollsAtOnce);
        Assert.Equal(0, counting.OutcomeReads);
        var blocks = await fixture.BlocksAsync();
        Assert.All(outcomes, o => Assert.Equal(o.TransactionId, blocks[(int)o.SequenceNo!.Value].TransactionId));
        Assert.Equal(12, await SumOfBalancesAsync(forwarder, fixture.LedgerName));
        await WaitUntilAsync(async () =>
        {
            foreach (var outcome in outcomes)
            {
                if (await fixture.Ports.Inbox.GetOutcomeAsync(fixture.LedgerName, outcome.TransactionId) is not null)
                {
                    return false;
                }
            }

            return (await fixture.Ports.Inbox.ListPendingAsync(fixture.LedgerName, 100)).Count == 0;
        });
    }

    [Fact]
    public async Task The_holder_sweeps_answered_entries_that_no_forwarder_deleted_after_ten_minutes()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var inbox = fixture.Ports.Inbox;
        var committed = new ForwardedCommitOutcome(ForwardedCommitResult.Committed, 1, null);
        await inbox.EnqueueAsync(new ForwardedCommit(fixture.LedgerName, "tx-of-a-dead-forwarder", fixture.Clock.GetUtcNow(), new Ledger.Journal.Hash32(new byte[32]), [], "gone"));
        await inbox.SetOutcomeAsync(fixture.LedgerName, "tx-of-a-dead-forwarder", committed);
        fixture.Clock.Advance(TimeSpan.FromMinutes(9));
        await inbox.EnqueueAsync(new ForwardedCommit(fixture.LedgerName, "tx-answered-lately", fixture.Clock.GetUtcNow(), new Ledger.Journal.Hash32(new byte[32]), [], "gone"));
        await inbox.SetOutcomeAsync(fixture.LedgerName, "tx-answered-lately", committed);
        fixture.Clock.Advance(TimeSpan.FromMinutes(2));

        await fixture.RunAsync("CREATE TABLE Accounts");
        Assert.True(fixture.Engine.HoldsLease(fixture.LedgerName));

        await WaitUntilAsync(async () => (await inbox.ListAnsweredAsync(fixture.LedgerName, "gone")).Count == 1);
        Assert.Equal("tx-answered-lately", Assert.Single(await inbox.ListAnsweredAsync(fixture.LedgerName, "gone")).TransactionId);
    }

    [Fact]
    public async Task A_listing_older_than_an_outcome_does_not_make_the_holder_commit_the_entry_again()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var slow = new SlowListingInbox(fixture.Ports.Inbox);
        await using var holder = new LedgerEngine(fixture.Ports with { Inbox = slow }, fixture.Clock);
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock);
        await RunOnAsync(holder, fixture.LedgerName, "CREATE TABLE Accounts");

        var outcomes = new List<CommitOutcome>();
        for (var i = 0; i < 10; i++)
        {
            outcomes.Add(await RunOnAsync(second, fixture.LedgerName, $"INSERT INTO Accounts VALUE {{'id': {i}, 'balance': 1}}"));
        }

        Assert.True(slow.StaleListings > 0, "no listing came back after an outcome it predates");
        var blocks = await fixture.BlocksAsync();
        Assert.All(outcomes, o => Assert.Single(blocks, b => b.TransactionId == o.TransactionId));
        Assert.Equal(11, blocks.Count);
        Assert.Equal(10, await SumOfBalancesAsync(second, fixture.LedgerName));
    }

    [Fact]
    public async Task A_holder_whose_renewal_fails_stops_sequencing_and_forwards_its_commits()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var refusing = new RenewRefusingLease(fixture.Ports.Lease);
        await using var first = new LedgerEngine(fixture.Ports with { Lease = refusing }, fixture.Clock);
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock);
        await RunOnAsync(first, fixture.LedgerName, "CREATE TABLE Accounts");
        Assert.True(first.HoldsLease(fixture.LedgerName));

        // Half the lease is gone: the renewal is due and fails, so the first instance stops leading.
        fixture.Clock.Advance(TimeSpan.FromSeconds(8));
        await WaitUntilAsync(() => !first.HoldsLease(fixture.LedgerName));

        // Its lease lapses; the second instance takes it on its next commit, and the first forwards to it.
        fixture.Clock.Advance(TimeSpan.FromSeconds(8));
        await RunOnAsync(second, fixture.LedgerName, "INSERT INTO Accounts VALUE {'id': 0, 'balance': 5}");
        Assert.True(second.HoldsLease(fixture.LedgerName));
        var outcome = await RunOnAsync(first, fixture.LedgerName, "INSERT INTO Accounts VALUE {'id': 1, 'balance': 7}");

        Assert.False(first.HoldsLease(fixture.LedgerName));
        Assert.True(refusing.RenewalsRefused > 0);
        Assert.Equal(outcome.TransactionId, (await fixture.BlocksAsync())[(int)outcome.SequenceNo!.Value].TransactionId);
        Assert.Equal(12, await SumOfBalancesAsync(first, fixture.LedgerName));
    }

    private static async Task WaitUntilAsync(Func<bool> condition) => await WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(5);
        }
    }

    // An inbox that passes every call on; the wrappers below change what they test.
    private class DelegatingInbox(ICommitInbox inner) : ICommitInbox
    {
        protected ICommitInbox Inner => inner;

        public virtual ValueTask EnqueueAsync(ForwardedCommit commit, CancellationToken cancellationToken = default) => inner.EnqueueAsync(commit, cancellationToken);

        public virtual ValueTask<IReadOnlyList<ForwardedCommit>> ListPendingAsync(string ledgerName, int maxCount, CancellationToken cancellationToken = default) =>
            inner.ListPendingAsync(ledgerName, maxCount, cancellationToken);

        public virtual ValueTask<ForwardedCommitOutcome?> GetOutcomeAsync(string ledgerName, string transactionId, CancellationToken cancellationToken = default) =>
            inner.GetOutcomeAsync(ledgerName, transactionId, cancellationToken);

        public virtual ValueTask<IReadOnlyList<AnsweredCommit>> ListAnsweredAsync(string ledgerName, string forwarder, CancellationToken cancellationToken = default) =>
            inner.ListAnsweredAsync(ledgerName, forwarder, cancellationToken);

        public virtual ValueTask<int> DeleteAnsweredBeforeAsync(string ledgerName, DateTimeOffset answeredBefore, CancellationToken cancellationToken = default) =>
            inner.DeleteAnsweredBeforeAsync(ledgerName, answeredBefore, cancellationToken);

        public virtual ValueTask SetOutcomeAsync(string ledgerName, string transactionId, ForwardedCommitOutcome outcome, CancellationToken cancellationToken = default) =>
            inner.SetOutcomeAsync(ledgerName, transactionId, outcome, cancellationToken);

        public virtual ValueTask DeleteAsync(string ledgerName, string transactionId, CancellationToken cancellationToken = default) =>
            inner.DeleteAsync(ledgerName, transactionId, cancellationToken);
    }

    // The inbox as a holder that dies sees it: its first outcome write fails, and from then on every call does.
    private sealed class DyingInbox(ICommitInbox inner) : DelegatingInbox(inner)
    {
        private volatile bool _died;

        public bool Died => _died;

        public override ValueTask EnqueueAsync(ForwardedCommit commit, CancellationToken cancellationToken = default) =>
            _died ? throw new IOException("dead") : base.EnqueueAsync(commit, cancellationToken);

        public override ValueTask<IReadOnlyList<ForwardedCommit>> ListPendingAsync(string ledgerName, int maxCount, CancellationToken cancellationToken = default) =>
            _died ? throw new IOException("dead") : base.ListPendingAsync(ledgerName, maxCount, cancellationToken);

        public override ValueTask<IReadOnlyList<AnsweredCommit>> ListAnsweredAsync(string ledgerName, string forwarder, CancellationToken cancellationToken = default) =>
            _died ? throw new IOException("dead") : base.ListAnsweredAsync(ledgerName, forwarder, cancellationToken);

        public override ValueTask SetOutcomeAsync(string ledgerName, string transactionId, ForwardedCommitOutcome outcome, CancellationToken cancellationToken = default)
        {
            _died = true;
            throw new IOException("died before writing the outcome");
        }

        public override ValueTask DeleteAsync(string ledgerName, string transactionId, CancellationToken cancellationToken = default) =>
            _died ? throw new IOException("dead") : base.DeleteAsync(ledgerName, transactionId, cancellationToken);
    }

    // An inbox whose listings come back late: a listing taken while an entry was being served comes back after its
    // outcome was written (outcome writes take a while, and a listing waits for one of its entries to get one).
    private sealed class SlowListingInbox(ICommitInbox inner) : DelegatingInbox(inner)
    {
        private int _stale;

        public int StaleListings => Volatile.Read(ref _stale);

        public override async ValueTask<IReadOnlyList<ForwardedCommit>> ListPendingAsync(string ledgerName, int maxCount, CancellationToken cancellationToken = default)
        {
            var listing = await Inner.ListPendingAsync(ledgerName, maxCount, cancellationToken);
            for (var wait = 0; listing.Count > 0 && wait < 100; wait++)
            {
                var stillPending = (await Inner.ListPendingAsync(ledgerName, maxCount, cancellationToken)).Select(e => e.TransactionId).ToHashSet();
                if (listing.Any(e => !stillPending.Contains(e.TransactionId)))
                {
                    Interlocked.Increment(ref _stale);
                    break;
                }

                await Task.Delay(2, cancellationToken);
            }

            return listing;
        }

        public override async ValueTask SetOutcomeAsync(string ledgerName, string transactionId, ForwardedCommitOutcome outcome, CancellationToken cancellationToken = default)
        {
            await Task.Delay(20, cancellationToken);
            await Inner.SetOutcomeAsync(ledgerName, transactionId, outcome, cancellationToken);
        }
    }

    // A journal whose next append, once armed, waits until the test lets it go (a holder stalled before appending).
    private sealed class GatedJournal(IJournalStore inner) : IJournalStore
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;
        private int _slotsTaken;

        public Task AppendHeld => _held.Task;

        public int SlotsTaken => Volatile.Read(ref _slotsTaken);

        public void HoldNextAppend() => Volatile.Write(ref _armed, 1);

        public void ReleaseAppend() => _released.TrySetResult();

        public async ValueTask<AppendOutcome> TryAppendAsync(string ledgerName, IReadOnlyList<JournalBlock> blocks, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _armed, 0) == 1)
            {
                _held.TrySetResult();
                await _released.Task.WaitAsync(cancellationToken);
            }

            var outcome = await inner.TryAppendAsync(ledgerName, blocks, cancellationToken);
            if (outcome == AppendOutcome.SlotTaken)
            {
                Interlocked.Increment(ref _slotsTaken);
            }

            return outcome;
        }

        public ValueTask<BlockPage> ReadBlocksAsync(string ledgerName, long from, long until, int maxBlocks, CancellationToken cancellationToken = default) =>
            inner.ReadBlocksAsync(ledgerName, from, until, maxBlocks, cancellationToken);

        public ValueTask<JournalTip> GetTipAsync(string ledgerName, CancellationToken cancellationToken = default) => inner.GetTipAsync(ledgerName, cancellationToken);

        public IJournalNodeStore Nodes(string ledgerName) => inner.Nodes(ledgerName);

        public ValueTask RedactRevisionAsync(string ledgerName, RedactionTarget target, CancellationToken cancellationToken = default) =>
            inner.RedactRevisionAsync(ledgerName, target, cancellationToken);

        public ValueTask DeleteJournalAsync(string ledgerName, CancellationToken cancellationToken = default) => inner.DeleteJournalAsync(ledgerName, cancellationToken);

        public ValueTask AddNodesAsync(string ledgerName, IReadOnlyList<JournalNode> nodes, CancellationToken cancellationToken = default) =>
            inner.AddNodesAsync(ledgerName, nodes, cancellationToken);
    }

    // An inbox that counts how many answer polls run at once and how many single outcome reads there are.
    private sealed class AnswerPollCountingInbox(ICommitInbox inner) : DelegatingInbox(inner)
    {
        private int _running;
        private int _most;
        private int _outcomeReads;

        public int MostPollsAtOnce => Volatile.Read(ref _most);

        public int OutcomeReads => Volatile.Read(ref _outcomeReads);

        public override ValueTask<ForwardedCommitOutcome?> GetOutcomeAsync(string ledgerName, string transactionId, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _outcomeReads);
            return base.GetOutcomeAsync(ledgerName, transactionId, cancellationToken);
        }

        public override async ValueTask<IReadOnlyList<AnsweredCommit>> ListAnsweredAsync(string ledgerName, string forwarder, CancellationToken cancellationToken = default)
        {
            var running = Interlocked.Increment(ref _running);
            try
            {
                int most;
                while (running > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, running, most) != most)
                {
                }

                await Task.Delay(1, cancellationToken);
                return await base.ListAnsweredAsync(ledgerName, forwarder, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }

    // An inbox that remembers the outcomes this instance wrote.
    private sealed class OutcomeRecordingInbox(ICommitInbox inner) : DelegatingInbox(inner)
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<ForwardedCommitOutcome>> _outcomes = new(StringComparer.Ordinal);

        public Task<ForwardedCommitOutcome> OutcomeOf(string transactionId) => Outcome(transactionId).Task;

        public override async ValueTask SetOutcomeAsync(string ledgerName, string transactionId, ForwardedCommitOutcome outcome, CancellationToken cancellationToken = default)
        {
            await Inner.SetOutcomeAsync(ledgerName, transactionId, outcome, cancellationToken);
            Outcome(transactionId).TrySetResult(outcome);
        }

        private TaskCompletionSource<ForwardedCommitOutcome> Outcome(string transactionId) =>
            _outcomes.GetOrAdd(transactionId, _ => new TaskCompletionSource<ForwardedCommitOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    // The lease of a holder that died with its inbox: no renewal, no release; it lapses.
    private sealed class DeadWithLease(ISequencerLease inner, DyingInbox dying) : ISequencerLease
    {
        public ValueTask<SequencerLease?> TryAcquireAsync(string ledgerName, TimeSpan duration, CancellationToken cancellationToken = default) =>
            dying.Died ? ValueTask.FromResult<SequencerLease?>(null) : inner.TryAcquireAsync(ledgerName, duration, cancellationToken);

        public ValueTask<bool> RenewAsync(SequencerLease lease, CancellationToken cancellationToken = default) =>
            dying.Died ? ValueTask.FromResult(false) : inner.RenewAsync(lease, cancellationToken);

        public ValueTask ReleaseAsync(SequencerLease lease, CancellationToken cancellationToken = default) =>
            dying.Died ? ValueTask.CompletedTask : inner.ReleaseAsync(lease, cancellationToken);
    }

    // A lease whose holder can never renew (its renewals are lost or late).
    private sealed class RenewRefusingLease(ISequencerLease inner) : ISequencerLease
    {
        private int _refused;

        public int RenewalsRefused => Volatile.Read(ref _refused);

        public ValueTask<SequencerLease?> TryAcquireAsync(string ledgerName, TimeSpan duration, CancellationToken cancellationToken = default) =>
            inner.TryAcquireAsync(ledgerName, duration, cancellationToken);

        public ValueTask<bool> RenewAsync(SequencerLease lease, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _refused);
            return ValueTask.FromResult(false);
        }

        public ValueTask ReleaseAsync(SequencerLease lease, CancellationToken cancellationToken = default) => inner.ReleaseAsync(lease, cancellationToken);
    }
}
