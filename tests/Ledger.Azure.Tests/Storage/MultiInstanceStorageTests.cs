using System.Collections.Concurrent;
using System.Diagnostics;
using Ledger.Azure.Storage;
using Ledger.Azure.Tests.Infrastructure;
using Ledger.Engine;
using Ledger.Engine.Errors;
using Ledger.Engine.Sessions;
using Ledger.Ion;
using Ledger.Ion.Hash;
using Ledger.Journal;

namespace Ledger.Azure.Tests.Storage;

/// <summary>
/// Two engines over one Azurite deployment, each with its own ports (caches, watermark ETags), as two handler
/// processes of one Functions app share a storage account.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class MultiInstanceStorageTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Ledger = "shared";
    private const int Accounts = 6;
    private const int InitialBalance = 100;
    private readonly AzureStorageOptions _options = new(AzuriteFixture.UniqueName("mi"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => AzureEnginePorts.DeleteAllAsync(azurite.Connection, _options);

    [Fact]
    public async Task Conflicting_transfers_through_two_engines_keep_the_sum_journal_each_acknowledged_commit_once_and_verify()
    {
        var firstPorts = await AzureEnginePorts.CreateAsync(azurite.Connection, TimeProvider.System, _options);
        await using var first = new LedgerEngine(firstPorts, TimeProvider.System);
        await using var second = new LedgerEngine(AzureEnginePorts.Create(azurite.Connection, TimeProvider.System, _options), TimeProvider.System);
        await first.CreateLedgerAsync(Ledger, deletionProtection: false);
        await SampleJournal.RunAsync(first, Ledger, "CREATE TABLE Accounts");
        for (var i = 0; i < Accounts; i++)
        {
            await SampleJournal.RunAsync(i % 2 == 0 ? first : second, Ledger, $"INSERT INTO Accounts VALUE {{'id': {i}, 'balance': {InitialBalance}}}");
        }

        var engines = new[] { first, second };
        var acknowledged = new ConcurrentBag<(string TransactionId, long SequenceNo)>();
        var conflicts = 0;
        var capacity = 0;
        var clients = Enumerable.Range(0, 6).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            var engine = engines[client % 2];
            for (var done = 0; done < 10;)
            {
                var from = random.Next(Accounts);
                var to = (from + 1 + random.Next(Accounts - 1)) % Accounts;
                try
                {
                    var outcome = await TransferAsync(engine, from, to);
                    acknowledged.Add((outcome.TransactionId, outcome.SequenceNo!.Value));
                    done++;
                }
                catch (OccConflictException)
                {
                    Interlocked.Increment(ref conflicts);
                }
                catch (CapacityExceededException)
                {
                    Interlocked.Increment(ref capacity);
                }
            }
        })).ToList();
        await Task.WhenAll(clients);

        Assert.Equal(60, acknowledged.Count);
        var audit = await JournalAudit.VerifyAsync(firstPorts.Journal, Ledger);
        Assert.True(audit.IsIntact, audit.ToString());
        var blocks = await SampleJournal.ReadAllAsync(firstPorts.Journal, Ledger);
        var journaled = blocks.Skip(1 + Accounts).Select(b => (b.TransactionId, b.SequenceNo)).OrderBy(j => j.SequenceNo);
        Assert.Equal(acknowledged.OrderBy(a => a.SequenceNo), journaled);
        Assert.Equal(blocks.Count, await firstPorts.Views.GetWatermarkAsync(Ledger));
        foreach (var engine in engines)
        {
            var balances = await SampleJournal.RunAsync(engine, Ledger, "SELECT VALUE a.balance FROM Accounts AS a");
            Assert.Equal(Accounts * InitialBalance, balances.Sum(v => ((IonInt)v).ToInt64()));
        }
    }

    [Fact]
    public async Task Another_engine_takes_the_lease_over_within_its_duration_after_the_holder_dies_and_commits_the_waiting_transaction()
    {
        var ports = await AzureEnginePorts.CreateAsync(azurite.Connection, TimeProvider.System, _options);
        var holder = new LedgerEngine(ports, TimeProvider.System);
        await holder.CreateLedgerAsync(Ledger, deletionProtection: false);
        await SampleJournal.RunAsync(holder, Ledger, "CREATE TABLE Accounts");
        await SampleJournal.RunAsync(holder, Ledger, "INSERT INTO Accounts VALUE {'id': 0, 'balance': 5}");

        // The holder is gone as after kill -9: it serves no inbox and never renews, its 15 s Blob lease still held
        // (an engine in this process would keep serving, so the dead holder is a bare lease taken after it stopped).
        await holder.DisposeAsync();
        Assert.NotNull(await ports.Lease.TryAcquireAsync(Ledger, TimeSpan.FromSeconds(15)));
        await using var survivor = new LedgerEngine(AzureEnginePorts.Create(azurite.Connection, TimeProvider.System, _options), TimeProvider.System);
        var clock = Stopwatch.StartNew();
        await SampleJournal.RunAsync(survivor, Ledger, "INSERT INTO Accounts VALUE {'id': 1, 'balance': 7}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(17), $"takeover took {clock.Elapsed}");
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(5), $"the commit did not wait for the live lease ({clock.Elapsed})");
        var balances = await SampleJournal.RunAsync(survivor, Ledger, "SELECT VALUE a.balance FROM Accounts AS a");
        Assert.Equal(12, balances.Sum(v => ((IonInt)v).ToInt64()));
        Assert.True((await JournalAudit.VerifyAsync(ports.Journal, Ledger)).IsIntact);
    }

    [Fact]
    public async Task A_transaction_with_a_large_statement_moves_between_engines_and_commits_with_the_drivers_digest()
    {
        var ports = await AzureEnginePorts.CreateAsync(azurite.Connection, TimeProvider.System, _options);
        await using var first = new LedgerEngine(ports, TimeProvider.System);
        await using var second = new LedgerEngine(AzureEnginePorts.Create(azurite.Connection, TimeProvider.System, _options), TimeProvider.System);
        await first.CreateLedgerAsync(Ledger, deletionProtection: false);
        await SampleJournal.RunAsync(first, Ledger, "CREATE TABLE Accounts");

        // A parameter over one Table property's 64 KiB makes the stored transaction state span several properties.
        var note = IonString.Of(new string('n', 90_000));
        var session = await first.StartSessionAsync(Ledger);
        var transactionId = await second.StartTransactionAsync(session);
        const string Insert = "INSERT INTO Accounts VALUE {'id': 1, 'note': ?}";
        await first.ExecuteStatementAsync(session, transactionId, Insert, [note]);
        const string Update = "UPDATE Accounts AS a SET a.balance = 3 WHERE a.id = 1";
        await second.ExecuteStatementAsync(session, transactionId, Update);

        var digest = new Hash32(IonHash.Compute(IonString.Of(transactionId)));
        digest = QldbHash.Dot(digest, QldbHash.Dot(new Hash32(IonHash.Compute(IonString.Of(Insert))), new Hash32(IonHash.Compute(note))));
        digest = QldbHash.Dot(digest, new Hash32(IonHash.Compute(IonString.Of(Update))));
        var outcome = await first.CommitTransactionAsync(session, transactionId, digest);
        await second.EndSessionAsync(session);

        Assert.Equal(1, outcome.SequenceNo);
        var rows = await SampleJournal.RunAsync(second, Ledger, "SELECT a.balance, a.note FROM Accounts AS a");
        var row = (IonStruct)Assert.Single(rows);
        Assert.Equal(3, ((IonInt)row["balance"]!).ToInt64());
        Assert.Equal(note.Value, ((IonString)row["note"]!).Value);
    }

    private static async Task<CommitOutcome> TransferAsync(LedgerEngine engine, int from, int to)
    {
        string[] statements =
        [
            $"UPDATE Accounts AS a SET a.balance = a.balance - 1 WHERE a.id = {from}",
            $"UPDATE Accounts AS a SET a.balance = a.balance + 1 WHERE a.id = {to}",
        ];
        var session = await engine.StartSessionAsync(Ledger);
        try
        {
            var transactionId = await engine.StartTransactionAsync(session);
            var digest = new Hash32(IonHash.Compute(IonString.Of(transactionId)));
            foreach (var statement in statements)
            {
                await engine.ExecuteStatementAsync(session, transactionId, statement);
                digest = QldbHash.Dot(digest, new Hash32(IonHash.Compute(IonString.Of(statement))));
            }

            return await engine.CommitTransactionAsync(session, transactionId, digest);
        }
        finally
        {
            await engine.EndSessionAsync(session);
        }
    }
}
