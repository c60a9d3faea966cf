using Ledger.Engine.Errors;
using Ledger.Engine.InMemory;
using Ledger.Engine.Ports;
using Ledger.Ion;

namespace Ledger.Engine.Tests;

/// <summary>
/// The shared session record as instances use it: a command that writes starts from the record this instance last
/// saw and writes with If-Match (no read first); a record moved by another instance makes the write fail, and the
/// command is redone on the transaction rebuilt from the record.
/// </summary>
public sealed class SessionRecordTests
{
    [Fact]
    public async Task A_transaction_on_one_instance_reads_and_writes_the_record_once_per_command_with_no_read_first()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 7, 18, 0, 0, TimeSpan.Zero));
        var sessions = new CountingSessionStore(new InMemorySessionStore());
        var ports = EnginePorts.InMemory(clock) with { Sessions = sessions };
        await using var engine = new LedgerEngine(ports, clock);
        await engine.CreateLedgerAsync("counted", deletionProtection: false);
        var session = await engine.StartSessionAsync("counted");
        await RunAsync(engine, session, "CREATE TABLE T");

        var (reads, writes) = (sessions.Reads, sessions.Writes);
        await RunAsync(engine, session, "INSERT INTO T VALUE {'a': 1}");

        // StartTransaction, ExecuteStatement and CommitTransaction each write once, and none reads.
        Assert.Equal(0, sessions.Reads - reads);
        Assert.Equal(3, sessions.Writes - writes);

        // AbortTransaction with nothing open on a record this instance holds as current writes nothing.
        (reads, writes) = (sessions.Reads, sessions.Writes);
        await engine.AbortTransactionAsync(session);
        Assert.Equal(0, sessions.Writes - writes);
    }

    [Fact]
    public async Task A_statement_on_an_instance_whose_record_is_stale_is_redone_on_the_transaction_the_other_instance_advanced()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock);
        var (first, session, transactionId) = await OpenTransactionOnFirstAsync(fixture);
        const string One = "INSERT INTO T VALUE {'n': 1}";
        const string Two = "INSERT INTO T VALUE {'n': 2}";
        const string Count = "SELECT VALUE COUNT(*) FROM T";
        await first.ExecuteStatementAsync(session, transactionId, One);

        // The second instance runs a statement of the same transaction; the first still holds the older record.
        await second.ExecuteStatementAsync(session, transactionId, Two);
        var counted = await first.ExecuteStatementAsync(session, transactionId, Count);

        // The first instance's conditional write failed, so it rebuilt the transaction with both inserts and redid
        // the query on it: it sees both documents, and the digest over all three statements commits.
        Assert.Equal(2L, ((IonInt)Assert.Single(counted.Values)).ToInt64());
        var digest = EngineFixture.DriverDigest(transactionId, (One, []), (Two, []), (Count, []));
        var outcome = await first.CommitTransactionAsync(session, transactionId, digest);
        var block = (await fixture.BlocksAsync())[(int)outcome.SequenceNo!.Value];
        Assert.Equal(2, block.Revisions.Length);
    }

    [Fact]
    public async Task A_commit_retried_on_an_instance_that_still_holds_a_transaction_committed_elsewhere_commits_nothing_twice()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock);
        var (first, session, transactionId) = await OpenTransactionOnFirstAsync(fixture);
        const string Insert = "INSERT INTO T VALUE {'n': 1}";
        await first.ExecuteStatementAsync(session, transactionId, Insert);
        var digest = EngineFixture.DriverDigest(transactionId, (Insert, []));

        var committed = await second.CommitTransactionAsync(session, transactionId, digest);
        var retried = await Assert.ThrowsAsync<BadRequestException>(() => first.CommitTransactionAsync(session, transactionId, digest));

        Assert.Equal("No open transaction", retried.Message);
        var blocks = await fixture.BlocksAsync();
        Assert.Single(blocks, b => b.TransactionId == transactionId);
        Assert.Equal(committed.SequenceNo, blocks.Single(b => b.TransactionId == transactionId).SequenceNo);

        // The session goes on normally on the first instance.
        var next = await first.StartTransactionAsync(session);
        Assert.NotEqual(transactionId, next);
    }

    [Fact]
    public async Task StartTransaction_on_an_instance_that_missed_a_commit_elsewhere_opens_a_new_transaction()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock);
        var (first, session, transactionId) = await OpenTransactionOnFirstAsync(fixture);
        await second.CommitTransactionAsync(session, transactionId, EngineFixture.DriverDigest(transactionId));

        // The first instance still holds the transaction as open; the record says it is over.
        var next = await first.StartTransactionAsync(session);
        Assert.NotEqual(transactionId, next);
        await Assert.ThrowsAsync<BadRequestException>(() => second.StartTransactionAsync(session));
    }

    [Fact]
    public async Task Commands_on_a_session_ended_on_another_instance_fail_with_no_such_session()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock);
        var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        var transactionId = await fixture.Engine.StartTransactionAsync(session);
        await second.EndSessionAsync(session);

        await Assert.ThrowsAsync<InvalidSessionException>(() => fixture.Engine.ExecuteStatementAsync(session, transactionId, "SELECT * FROM information_schema.user_tables"));
    }

    [Fact]
    public async Task A_transaction_picked_up_elsewhere_before_its_first_statement_reads_at_the_watermark_of_the_pickup()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock);
        var (_, session, transactionId) = await OpenTransactionOnFirstAsync(fixture);

        // StartTransaction stored the transaction before its snapshot was known; a commit lands after the start.
        await fixture.RunAsync("INSERT INTO T VALUE {'n': 1}");
        const string Count = "SELECT VALUE COUNT(*) FROM T";
        var counted = await second.ExecuteStatementAsync(session, transactionId, Count);

        // The transaction had read nothing, so the other instance took the watermark it read: the commit is seen,
        // and the first statement's write fixed that snapshot for every instance.
        Assert.Equal(1L, ((IonInt)Assert.Single(counted.Values)).ToInt64());
        var again = await fixture.Engine.ExecuteStatementAsync(session, transactionId, Count);
        Assert.Equal(1L, ((IonInt)Assert.Single(again.Values)).ToInt64());
        var outcome = await fixture.Engine.CommitTransactionAsync(session, transactionId, EngineFixture.DriverDigest(transactionId, (Count, []), (Count, [])));
        Assert.Null(outcome.SequenceNo);
    }

    [Fact]
    public async Task A_start_refused_because_the_ledger_is_gone_leaves_no_transaction_in_the_record()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock);
        var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        await second.DeleteLedgerAsync(fixture.LedgerName);

        var refusal = await Assert.ThrowsAsync<BadRequestException>(() => fixture.Engine.StartTransactionAsync(session));

        Assert.Contains("does not exist or is not active", refusal.Message, StringComparison.Ordinal);
        var record = await fixture.Ports.Sessions.GetAsync(session);
        Assert.NotNull(record);
        Assert.Null(record.TransactionId);
        Assert.Null(record.TransactionState);
    }

    // Table T, and a transaction open on the fixture's engine (the first instance) in a new session.
    private static async Task<(LedgerEngine First, string Session, string TransactionId)> OpenTransactionOnFirstAsync(EngineFixture fixture)
    {
        await fixture.RunAsync("CREATE TABLE T");
        var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        return (fixture.Engine, session, await fixture.Engine.StartTransactionAsync(session));
    }

    private static async Task RunAsync(LedgerEngine engine, string session, string statement)
    {
        var transactionId = await engine.StartTransactionAsync(session);
        await engine.ExecuteStatementAsync(session, transactionId, statement);
        await engine.CommitTransactionAsync(session, transactionId, EngineFixture.DriverDigest(transactionId, (statement, [])));
    }

    private sealed class CountingSessionStore(ISessionStore inner) : ISessionStore
    {
        private int _reads;
        private int _writes;

        public int Reads => Volatile.Read(ref _reads);

        public int Writes => Volatile.Read(ref _writes);

        public ValueTask CreateAsync(SessionRecord session, CancellationToken cancellationToken = default) => inner.CreateAsync(session, cancellationToken);

        public ValueTask<SessionRecord?> GetAsync(string sessionToken, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            return inner.GetAsync(sessionToken, cancellationToken);
        }

        public ValueTask<bool> TryUpdateAsync(SessionRecord session, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _writes);
            return inner.TryUpdateAsync(session, cancellationToken);
        }

        public ValueTask<string?> ReplaceIfMatchAsync(SessionRecord session, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _writes);
            return inner.ReplaceIfMatchAsync(session, cancellationToken);
        }

        public ValueTask DeleteAsync(string sessionToken, CancellationToken cancellationToken = default) => inner.DeleteAsync(sessionToken, cancellationToken);

        public ValueTask<int> DeleteCreatedBeforeAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken = default) =>
            inner.DeleteCreatedBeforeAsync(createdBefore, cancellationToken);

        public ValueTask<int> CountActiveAsync(string ledgerName, DateTimeOffset since, CancellationToken cancellationToken = default) =>
            inner.CountActiveAsync(ledgerName, since, cancellationToken);
    }
}
