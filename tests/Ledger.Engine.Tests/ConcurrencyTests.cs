using Ledger.Engine.Errors;
using Ledger.Engine.InMemory;
using Ledger.Engine.Model;
using Ledger.Engine.Sequencing;
using Ledger.Ion;

namespace Ledger.Engine.Tests;

public sealed class ConcurrencyTests
{
    private static IonStruct Account(string name, long balance) => IonStruct.Of(new IonField("name", IonString.Of(name)), new IonField("balance", IonInt.Of(balance)));

    private static long Balance(IonStruct account) => ((IonInt)account["balance"]!).ToInt64();

    [Fact]
    public async Task A_conflicting_commit_fails_with_OCC_and_changes_nothing()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (_, results) = await fixture.RunAsync(("CREATE TABLE Account", []), ("INSERT INTO Account VALUE ?", [Account("a", 100)]));
        var id = ((IonString)((IonStruct)results[1][0])["documentId"]!).Value;
        var table = await fixture.TableAsync("Account");

        var first = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        var second = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        var firstId = await fixture.Engine.StartTransactionAsync(first);
        var secondId = await fixture.Engine.StartTransactionAsync(second);
        var firstTx = fixture.Engine.GetOpenTransaction(first)!;
        var secondTx = fixture.Engine.GetOpenTransaction(second)!;
        foreach (var (tx, amount) in new[] { (firstTx, 10L), (secondTx, 20L) })
        {
            var index = tx.AddStatement("UPDATE Account SET balance = balance - ?", [IonInt.Of(amount)], QldbTime.ToTimestamp(fixture.Clock.GetUtcNow()));
            var current = await tx.ReadDocumentAsync(table.TableId, id, default);
            await tx.UpdateAsync(table, id, Account("a", Balance(current!.Value.Data) - amount), index, default);
        }

        await fixture.Engine.CommitTransactionAsync(first, firstId, firstTx.Digest);
        var blocksBefore = (await fixture.BlocksAsync()).Count;
        var error = await Assert.ThrowsAsync<OccConflictException>(() => fixture.Engine.CommitTransactionAsync(second, secondId, secondTx.Digest));
        Assert.Equal(OccConflictException.DefaultMessage, error.Message);
        Assert.Equal(blocksBefore, (await fixture.BlocksAsync()).Count);

        // The transaction is closed after OCC, and the document kept the first writer's value.
        await Assert.ThrowsAsync<BadRequestException>(() => fixture.Engine.CommitTransactionAsync(second, secondId, secondTx.Digest));
        (IonStruct Data, long Version)? stored = null;
        await fixture.RunInternalAsync(async t => stored = await t.ReadDocumentAsync(table.TableId, id, default));
        Assert.Equal((90L, 1L), (Balance(stored!.Value.Data), stored.Value.Version));
    }

    [Fact]
    public async Task A_scan_conflicts_with_an_insert_into_the_scanned_table_but_not_with_other_tables()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE A", "CREATE TABLE B", "CREATE TABLE Log");
        var a = await fixture.TableAsync("A");
        var log = await fixture.TableAsync("Log");

        async Task<(string Session, string Id, Transactions.LedgerTransaction Tx)> ScanAndLogAsync()
        {
            var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
            var id = await fixture.Engine.StartTransactionAsync(session);
            var tx = fixture.Engine.GetOpenTransaction(session)!;
            await tx.ScanAsync(a, default);
            tx.Insert(log, Account("scan", 1), tx.AddStatement("INSERT INTO Log VALUE ?", [], QldbTime.ToTimestamp(fixture.Clock.GetUtcNow())));
            return (session, id, tx);
        }

        var unaffected = await ScanAndLogAsync();
        await fixture.RunAsync("INSERT INTO B VALUE {'other': 1}");
        await fixture.Engine.CommitTransactionAsync(unaffected.Session, unaffected.Id, unaffected.Tx.Digest);

        var phantom = await ScanAndLogAsync();
        await fixture.RunAsync("INSERT INTO A VALUE {'phantom': 1}");
        await Assert.ThrowsAsync<OccConflictException>(() => fixture.Engine.CommitTransactionAsync(phantom.Session, phantom.Id, phantom.Tx.Digest));
    }

    [Fact]
    public async Task Creating_an_index_does_not_conflict_with_concurrent_writes_and_indexes_them()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE T", "INSERT INTO T VALUE {'k': 1}");
        var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        var transactionId = await fixture.Engine.StartTransactionAsync(session);
        await fixture.Engine.ExecuteStatementAsync(session, transactionId, "INSERT INTO T VALUE {'k': 2}");

        await fixture.RunAsync("CREATE INDEX ON T (k)");
        await fixture.Engine.CommitTransactionAsync(session, transactionId, EngineFixture.DriverDigest(transactionId, ("INSERT INTO T VALUE {'k': 2}", [])));

        var table = await fixture.TableAsync("T");
        foreach (var k in new long[] { 1, 2 })
        {
            IReadOnlyList<(string DocumentId, IonStruct Data)> found = [];
            await fixture.RunInternalAsync(async t => found = await t.FindByFieldAsync(table, "k", IonInt.Of(k), default));
            Assert.Single(found);
        }
    }

    [Fact]
    public async Task Dropping_a_table_conflicts_with_a_transaction_that_wrote_to_it()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE T");
        var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        var transactionId = await fixture.Engine.StartTransactionAsync(session);
        await fixture.Engine.ExecuteStatementAsync(session, transactionId, "INSERT INTO T VALUE {'k': 2}");
        await fixture.RunAsync("DROP TABLE T");
        await Assert.ThrowsAsync<OccConflictException>(
            () => fixture.Engine.CommitTransactionAsync(session, transactionId, EngineFixture.DriverDigest(transactionId, ("INSERT INTO T VALUE {'k': 2}", []))));
    }

    [Fact]
    public async Task Concurrent_transfers_and_insert_if_absent_are_serializable_and_the_journal_replays_to_the_same_state()
    {
        await using var fixture = await EngineFixture.CreateAsync(policy: CommitPolicy.MaxGroup(8));
        const int accountCount = 6;
        const long initialBalance = 1000;
        await fixture.RunAsync("CREATE TABLE Account", "CREATE TABLE Claim", "CREATE INDEX ON Claim (GovId)");
        await fixture.RunAsync(("INSERT INTO Account ?", [IonList.Of(Enumerable.Range(0, accountCount).Select(i => (IonValue)Account("acct" + i, initialBalance)))]));
        var accounts = await fixture.TableAsync("Account");
        var claims = await fixture.TableAsync("Claim");
        var accountIds = new List<string>();
        await fixture.RunInternalAsync(async t => accountIds.AddRange((await t.ScanAsync(accounts, default)).Select(d => d.DocumentId)));

        var conflicts = 0;
        async Task WithRetriesAsync(Func<Transactions.LedgerTransaction, Task> body)
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await fixture.RunInternalAsync(body);
                    return;
                }
                catch (OccConflictException) when (attempt < 50)
                {
                    Interlocked.Increment(ref conflicts);
                    await Task.Yield();
                }
            }
        }

        var transfers = Enumerable.Range(0, 40).Select(n => Task.Run(() => WithRetriesAsync(async t =>
        {
            var from = accountIds[n % accountCount];
            var to = accountIds[(n * 7 + 1) % accountCount];
            if (from == to)
            {
                to = accountIds[(n + 1) % accountCount];
            }

            var index = t.AddStatement("UPDATE Account ...", [], QldbTime.ToTimestamp(DateTimeOffset.UnixEpoch));
            var source = (await t.ReadDocumentAsync(accounts.TableId, from, default))!.Value.Data;
            await Task.Yield();
            var target = (await t.ReadDocumentAsync(accounts.TableId, to, default))!.Value.Data;
            var amount = 1 + (n % 13);
            await t.UpdateAsync(accounts, from, source.With("balance", IonInt.Of(Balance(source) - amount)), index, default);
            await t.UpdateAsync(accounts, to, target.With("balance", IonInt.Of(Balance(target) + amount)), index, default);
        })));
        var claimsTasks = Enumerable.Range(0, 30).Select(n => Task.Run(() => WithRetriesAsync(async t =>
        {
            var key = IonString.Of("k" + (n % 5));
            var index = t.AddStatement("INSERT INTO Claim ... if absent", [key], QldbTime.ToTimestamp(DateTimeOffset.UnixEpoch));
            if ((await t.FindByFieldAsync(claims, "GovId", key, default)).Count == 0)
            {
                await Task.Yield();
                t.Insert(claims, IonStruct.Of(new IonField("GovId", key), new IonField("by", IonInt.Of(n))), index);
            }
        })));
        await Task.WhenAll(transfers.Concat(claimsTasks));

        var finalAccounts = new List<(string DocumentId, IonStruct Data)>();
        var finalClaims = new List<(string DocumentId, IonStruct Data)>();
        await fixture.RunInternalAsync(async t =>
        {
            finalAccounts.AddRange(await t.ScanAsync(accounts, default));
            finalClaims.AddRange(await t.ScanAsync(claims, default));
        });
        Assert.True(conflicts > 0, "The workload should have produced OCC conflicts, or it did not run concurrently.");
        Assert.Equal(accountCount * initialBalance, finalAccounts.Sum(a => Balance(a.Data)));
        Assert.Equal(5, finalClaims.Count);
        Assert.Equal(5, finalClaims.Select(c => ((IonString)c.Data["GovId"]!).Value).Distinct().Count());

        // Replaying the journal serially into fresh views reproduces the final state exactly.
        var replayed = new InMemoryViewStore();
        var blocks = await fixture.BlocksAsync();
        foreach (var block in blocks)
        {
            await replayed.ApplyBlockAsync("replay", block);
        }

        foreach (var table in new[] { accounts, claims })
        {
            var live = await fixture.Ports.Views.ScanTableAsync(fixture.LedgerName, table.TableId, blocks.Count, null, 1000);
            var replay = await replayed.ScanTableAsync("replay", table.TableId, blocks.Count, null, 1000);
            Assert.Equal(live.Revisions, replay.Revisions);
        }

        // Versions advance by one per committed change, so every transfer is accounted for exactly once.
        var updates = blocks.SelectMany(b => b.Revisions).Count(r => r.TableId == accounts.TableId && r.Version > 0);
        Assert.Equal(80, updates);
    }
}
