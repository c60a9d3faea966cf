using Ledger.Engine.Errors;
using Ledger.Engine.Sessions;
using Ledger.Ion;
using Ledger.Journal.Verification;

namespace Ledger.Engine.Tests;

/// <summary>Several engines over the same ports, as Azure Functions runs several handler instances of one ledger.</summary>
public sealed class MultiInstanceTests
{
    private const int Accounts = 8;
    private const int InitialBalance = 1000;

    [Fact]
    public async Task Conflicting_transfers_on_two_instances_keep_the_sum_and_every_acknowledged_commit_is_journaled_once()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock);
        await fixture.RunAsync("CREATE TABLE Accounts");
        for (var i = 0; i < Accounts; i++)
        {
            await fixture.RunAsync($"INSERT INTO Accounts VALUE {{'id': {i}, 'balance': {InitialBalance}}}");
        }

        var engines = new[] { fixture.Engine, second };
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<(string TransactionId, long SequenceNo)>();
        var conflicts = 0;
        var clients = Enumerable.Range(0, 8).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            var engine = engines[client % 2];
            for (var done = 0; done < 25;)
            {
                var from = random.Next(Accounts);
                var to = (from + 1 + random.Next(Accounts - 1)) % Accounts;
                try
                {
                    var outcome = await TransferAsync(engine, fixture.LedgerName, from, to);
                    acknowledged.Add((outcome.TransactionId, outcome.SequenceNo!.Value));
                    done++;
                }
                catch (OccConflictException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        })).ToList();
        await Task.WhenAll(clients);

        Assert.Equal(200, acknowledged.Count);
        var blocks = await fixture.BlocksAsync();
        BlockVerifier.VerifyChain(blocks.Select(b => b.Hashes).ToList()).ThrowIfInvalid();
        var journaled = blocks.Skip(1 + Accounts).Select(b => (b.TransactionId, b.SequenceNo)).ToList();
        Assert.Equal(acknowledged.OrderBy(a => a.SequenceNo), journaled.OrderBy(j => j.SequenceNo));
        Assert.True(conflicts > 0, "the workload is meant to conflict");
        foreach (var engine in engines)
        {
            Assert.Equal(Accounts * InitialBalance, await SumOfBalancesAsync(engine, fixture.LedgerName));
        }
    }

    [Fact]
    public async Task An_instance_that_did_not_commit_lately_starts_transactions_at_the_shared_watermark()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock);
        await fixture.RunAsync("CREATE TABLE Accounts");
        await RunOnAsync(second, fixture.LedgerName, "INSERT INTO Accounts VALUE {'id': 0, 'balance': 5}");
        await fixture.RunAsync("INSERT INTO Accounts VALUE {'id': 1, 'balance': 7}");

        // The second instance's sequencer is one block behind; its reads still see the newest commit and its
        // read-modify-write commits without a conflict.
        Assert.Equal(12, await SumOfBalancesAsync(second, fixture.LedgerName));
        var outcome = await TransferAsync(second, fixture.LedgerName, 1, 0);
        Assert.Equal(3, outcome.SequenceNo);
    }

    [Fact]
    public async Task Takeover_after_the_lease_holder_stops_without_releasing_loses_nothing_acknowledged()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE Accounts");
        var acknowledged = await fixture.RunAsync("INSERT INTO Accounts VALUE {'id': 0, 'balance': 5}");

        // The holder is gone (never disposed, lease never released); another instance commits at once.
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock);
        var outcome = await RunOnAsync(second, fixture.LedgerName, "INSERT INTO Accounts VALUE {'id': 1, 'balance': 7}");
        Assert.Equal(acknowledged.Outcome.SequenceNo + 1, outcome.SequenceNo);
        Assert.Equal(12, await SumOfBalancesAsync(second, fixture.LedgerName));
        Assert.Equal(3, await fixture.Ports.Views.GetWatermarkAsync(fixture.LedgerName));
    }

    [Fact]
    public void Ids_a_transaction_creates_follow_from_its_id_so_re_execution_elsewhere_creates_the_same_ones()
    {
        var views = new InMemory.InMemoryViewStore();
        var here = new Transactions.LedgerTransaction("l", "tx-1", 0, DateTimeOffset.UnixEpoch, views, Model.EngineLimits.Default);
        var there = new Transactions.LedgerTransaction("l", "tx-1", 0, DateTimeOffset.UnixEpoch, views, Model.EngineLimits.Default);
        var other = new Transactions.LedgerTransaction("l", "tx-2", 0, DateTimeOffset.UnixEpoch, views, Model.EngineLimits.Default);

        string[] ids = [here.NextId(), here.NextId()];
        Assert.Equal<string>(ids, [there.NextId(), there.NextId()]);
        Assert.NotEqual(ids[0], ids[1]);
        Assert.DoesNotContain(other.NextId(), ids);
        Assert.All(ids, id => Assert.Equal(Model.QldbId.Length, id.Length));
    }

    [Fact]
    public async Task A_transaction_started_on_one_instance_is_executed_fetched_and_committed_on_the_other()
    {
        await using var fixture = await EngineFixture.CreateAsync(Model.EngineLimits.Default with { PageSize = 2 });
        await using var second = new LedgerEngine(fixture.Ports, fixture.Clock, fixture.Engine.Limits);
        await fixture.RunAsync("CREATE TABLE Accounts");
        var first = fixture.Engine;

        var session = await first.StartSessionAsync(fixture.LedgerName);
        var transactionId = await first.StartTransactionAsync(session);
        const string Insert = "INSERT INTO Accounts << {'id': 1}, {'id': 2}, {'id': 3} >>";
        var inserted = await first.ExecuteStatementAsync(session, transactionId, Insert);
        var insertedRest = await second.FetchPageAsync(session, transactionId, inserted.NextPageToken!);
        var reported = inserted.Values.Concat(insertedRest.Values).Select(v => ((IonString)((IonStruct)v)["documentId"]!).Value).Order().ToList();
        const string Select = "SELECT VALUE a.id FROM Accounts AS a";
        var firstPage = await second.ExecuteStatementAsync(session, transactionId, Select);
        Assert.Equal(2, firstPage.Values.Count);
        var rest = await first.FetchPageAsync(session, transactionId, firstPage.NextPageToken!);
        var ids = firstPage.Values.Concat(rest.Values).Select(v => ((IonInt)v).ToInt64()).Order();
        Assert.Equal([1L, 2L, 3L], ids);
        const string Update = "UPDATE Accounts AS a SET a.touched = true WHERE a.id = 2";
        await first.ExecuteStatementAsync(session, transactionId, Update);

        var digest = EngineFixture.DriverDigest(transactionId, (Insert, []), (Select, []), (Update, []));
        var outcome = await second.CommitTransactionAsync(session, transactionId, digest);
        Assert.Equal(digest, outcome.CommitDigest);

        // The block holds the documents the first instance reported, written once.
        var block = (await fixture.BlocksAsync())[(int)outcome.SequenceNo!.Value];
        Assert.Equal(reported, block.Revisions.Select(r => r.DocumentId).Distinct().Order().ToList());
        await Assert.ThrowsAsync<BadRequestException>(() => first.ExecuteStatementAsync(session, transactionId, Select));
        await first.EndSessionAsync(session);
    }

    internal static async Task<CommitOutcome> TransferAsync(LedgerEngine engine, string ledgerName, int from, int to) =>
        await RunOnAsync(
            engine,
            ledgerName,
            $"UPDATE Accounts AS a SET a.balance = a.balance - 1 WHERE a.id = {from}",
            $"UPDATE Accounts AS a SET a.balance = a.balance + 1 WHERE a.id = {to}");

    internal static async Task<long> SumOfBalancesAsync(LedgerEngine engine, string ledgerName)
    {
        var session = await engine.StartSessionAsync(ledgerName);
        var transactionId = await engine.StartTransactionAsync(session);
        var page = await engine.ExecuteStatementAsync(session, transactionId, "SELECT VALUE a.balance FROM Accounts AS a");
        Assert.Null(page.NextPageToken);
        await engine.AbortTransactionAsync(session);
        await engine.EndSessionAsync(session);
        return page.Values.Sum(v => ((IonInt)v).ToInt64());
    }

    internal static async Task<CommitOutcome> RunOnAsync(LedgerEngine engine, string ledgerName, params string[] statements)
    {
        var session = await engine.StartSessionAsync(ledgerName);
        try
        {
            var transactionId = await engine.StartTransactionAsync(session);
            foreach (var statement in statements)
            {
                await engine.ExecuteStatementAsync(session, transactionId, statement);
            }

            var digest = EngineFixture.DriverDigest(transactionId, statements.Select(s => (s, Array.Empty<IonValue>())).ToArray());
            return await engine.CommitTransactionAsync(session, transactionId, digest);
        }
        finally
        {
            await engine.EndSessionAsync(session);
        }
    }
}
