using System.Diagnostics;
using System.Globalization;
using Ledger.Azure.Blobs;
using Ledger.Azure.Core;
using Ledger.Azure.Storage;
using Ledger.Client;
using Ledger.Client.Session;
using Ledger.Engine.Model;
using Ledger.Ion;

namespace Ledger.Functions.Tests.MultiProcess;

/// <summary>
/// Issue #7's Done-when on real processes: two built handlers share one Azurite with session clients on both.
/// Every acknowledged commit is in the journal exactly once, the chain verifies, there is no fork, conflicts fail
/// cleanly, and killing one handler (SIGKILL) loses nothing acknowledged while the other keeps committing.
/// </summary>
public sealed class TwoHandlerProcessesTests : IAsyncLifetime
{
    // LEDGER_MPROC_TRANSACTIONS shrinks the run for a quick local check; the Done-when asks for 5,000.
    private static readonly int TotalTransactions = int.TryParse(
        Environment.GetEnvironmentVariable("LEDGER_MPROC_TRANSACTIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 5000;

    private const int ClientsPerHandler = 8;
    private const int HotCounters = 4;
    private const string LedgerName = "mproc";

    private readonly string _storagePrefix = "mp" + Guid.NewGuid().ToString("N")[..12];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(90) };
    private readonly List<HandlerProcess> _handlers = [];

    public async Task InitializeAsync()
    {
        LocalAzurite.EnsureRunning();
        // Sequential starts: the first one creates the tables and containers the second finds.
        _handlers.Add(await HandlerProcess.StartAsync(_storagePrefix));
        _handlers.Add(await HandlerProcess.StartAsync(_storagePrefix));
        var controlPlane = new QldbControlPlaneClient(_http, new LedgerClientOptions(_handlers[0].BaseAddress, ContendedWorkload.Credentials));
        await controlPlane.CreateLedgerAsync(LedgerName, "ALLOW_ALL", deletionProtection: false);
    }

    public async Task DisposeAsync()
    {
        foreach (var handler in _handlers)
        {
            await handler.DisposeAsync();
        }

        _http.Dispose();
        await AzureEnginePorts.DeleteAllAsync(StorageConnection.Parse(LocalAzurite.ConnectionString), new AzureStorageOptions(_storagePrefix));
    }

    [Fact]
    public async Task Conflicting_transactions_on_two_processes_are_each_journaled_once_on_one_verified_chain()
    {
        var workload = new ContendedWorkload(LedgerName, HotCounters);
        await workload.SetUpAsync(_http, _handlers[0].BaseAddress, CancellationToken.None);

        var clients = _handlers
            .SelectMany(h => Enumerable.Range(0, ClientsPerHandler).Select(_ => h.BaseAddress))
            .Select(address => workload.RunClientAsync(_http, address, TotalTransactions, withConflicts: true, CancellationToken.None));
        await Task.WhenAll(clients);

        Assert.True(workload.UnexpectedFailures.IsEmpty, string.Join('\n', workload.UnexpectedFailures.Take(10)) + Logs());
        Assert.True(workload.LostHandlerFailures.IsEmpty, string.Join('\n', workload.LostHandlerFailures.Take(10)) + Logs());
        var acknowledged = workload.AcknowledgedInserts.Count + workload.AcknowledgedIncrements.Values.Sum();
        Assert.Equal(TotalTransactions, acknowledged + workload.CleanConflicts);
        Assert.All(_handlers, h => Assert.NotEmpty(workload.Acknowledgements[h.BaseAddress]));
        Assert.True(workload.AcknowledgedIncrements.Values.Sum() > 0, "no hot-counter increment was acknowledged");

        var journal = await ReadJournalAsync();
        Assert.All(workload.AcknowledgedInserts.Keys, id => Assert.Equal(1, journal.InsertsByClientId.GetValueOrDefault(id)));
        Assert.Equal(workload.AcknowledgedInserts.Count, journal.InsertsByClientId.Count);
        for (var i = 0; i < HotCounters; i++)
        {
            var name = ContendedWorkload.CounterName(i);
            var increments = workload.AcknowledgedIncrements.GetValueOrDefault(name);
            Assert.Equal(increments, journal.UpdatesByCounter.GetValueOrDefault(name));
            Assert.Equal(increments, await CounterValueAsync(_handlers[i % 2].BaseAddress, name));
        }

        Console.WriteLine($"{TotalTransactions} transactions on 2 handlers: {workload.AcknowledgedInserts.Count} inserts and " +
            $"{workload.AcknowledgedIncrements.Values.Sum()} hot increments acknowledged, {workload.CleanConflicts} OCC conflicts after retries; " +
            $"journal {journal.Size} blocks; acknowledged per 30 s: " + AcknowledgementsPer30Seconds(workload));
    }

    [Fact]
    public async Task Killing_the_lease_holder_under_load_loses_nothing_acknowledged_and_the_survivor_keeps_committing()
    {
        var workload = new ContendedWorkload(LedgerName, HotCounters);
        // The first handler opens the ledger's sequencer first (it creates the tables), so it takes the Blob lease;
        // the second one's acquisition gets 409 while that lease is active.
        var holder = _handlers[0];
        var survivor = _handlers[1];
        await workload.SetUpAsync(_http, holder.BaseAddress, CancellationToken.None);
        Assert.Equal(LeaseState.Leased, await LeaseStateAsync());

        using var stopSurvivor = new CancellationTokenSource();
        var holderClients = Enumerable.Range(0, ClientsPerHandler)
            .Select(_ => workload.RunClientAsync(_http, holder.BaseAddress, int.MaxValue, withConflicts: false, CancellationToken.None)).ToList();
        var survivorClients = Enumerable.Range(0, ClientsPerHandler)
            .Select(_ => workload.RunClientAsync(_http, survivor.BaseAddress, int.MaxValue, withConflicts: false, stopSurvivor.Token)).ToList();

        // Load on both until both have acknowledged commits, then SIGKILL the holder mid-flight.
        await WaitUntilAsync(() => workload.Acknowledgements.TryGetValue(holder.BaseAddress, out var a) && a.Count >= 50
            && workload.Acknowledgements.TryGetValue(survivor.BaseAddress, out var b) && b.Count >= 50, TimeSpan.FromSeconds(60));
        var killedAt = workload.Clock.Elapsed;
        await holder.KillAsync();
        await Task.WhenAll(holderClients);

        await WaitUntilAsync(() => workload.Acknowledgements[survivor.BaseAddress].Any(a => a.Started > killedAt), TimeSpan.FromSeconds(30));
        var takeover = workload.Acknowledgements[survivor.BaseAddress].Where(a => a.Started > killedAt).Min(a => a.Acknowledged) - killedAt;
        // Keep the survivor busy past the dead holder's lease so commits after its expiry are covered too.
        await Task.Delay(TimeSpan.FromSeconds(17) - takeover > TimeSpan.Zero ? TimeSpan.FromSeconds(17) - takeover : TimeSpan.Zero);
        var afterExpiry = workload.Acknowledgements[survivor.BaseAddress].Count(a => a.Started > killedAt + TimeSpan.FromSeconds(15));
        await stopSurvivor.CancelAsync();
        await Task.WhenAll(survivorClients);

        Assert.True(takeover <= TimeSpan.FromSeconds(17), $"the survivor's next commit came {takeover.TotalSeconds:F1} s after the kill");
        Assert.True(afterExpiry > 0, "the survivor acknowledged nothing after the dead holder's lease expired");
        Assert.True(workload.UnexpectedFailures.IsEmpty, string.Join('\n', workload.UnexpectedFailures.Take(10)) + Logs());
        Assert.NotEmpty(workload.LostHandlerFailures);

        var journal = await ReadJournalAsync();
        Assert.All(workload.AcknowledgedInserts.Keys, id => Assert.Equal(1, journal.InsertsByClientId.GetValueOrDefault(id)));
        // Views converge: the survivor's view of the table holds exactly the documents the journal inserted.
        var viewed = await ClientIdsInViewAsync(survivor.BaseAddress);
        Assert.Equal(journal.InsertsByClientId.Keys.Order(StringComparer.Ordinal), viewed.Order(StringComparer.Ordinal));
        var ports = AzureEnginePorts.Create(StorageConnection.Parse(LocalAzurite.ConnectionString), TimeProvider.System, new AzureStorageOptions(_storagePrefix));
        Assert.Equal(journal.Size, await ports.Views.GetWatermarkAsync(LedgerName));
        Console.WriteLine($"kill -9 takeover: {takeover.TotalMilliseconds:F0} ms; acknowledged {workload.AcknowledgedInserts.Count}, " +
            $"{workload.AcknowledgedInserts.Values.Count(h => h == survivor.BaseAddress)} by the survivor; {afterExpiry} after the lease expired");
    }

    // Acknowledgements per handler and 30-second interval of the run, to see whether the rate holds up as it goes.
    private string AcknowledgementsPer30Seconds(ContendedWorkload workload) => string.Join("; ", _handlers.Select(h =>
    {
        var buckets = workload.Acknowledgements[h.BaseAddress].GroupBy(a => (int)(a.Acknowledged.TotalSeconds / 30)).OrderBy(g => g.Key);
        return h.BaseAddress.Port.ToString(CultureInfo.InvariantCulture) + ": " + string.Join(' ', buckets.Select(g => g.Count().ToString(CultureInfo.InvariantCulture)));
    }));

    private sealed record JournalContents(long Size, Dictionary<string, int> InsertsByClientId, Dictionary<string, int> UpdatesByCounter);

    /// <summary>Reads the whole journal from storage: no fork (one block per sequence number, contiguous, unique transactions) and a verified chain.</summary>
    private async Task<JournalContents> ReadJournalAsync()
    {
        var ports = AzureEnginePorts.Create(StorageConnection.Parse(LocalAzurite.ConnectionString), TimeProvider.System, new AzureStorageOptions(_storagePrefix));
        var audit = await JournalAudit.VerifyAsync(ports.Journal, LedgerName);
        Assert.True(audit.IsIntact, audit.ToString());

        var tip = await ports.Journal.GetTipAsync(LedgerName);
        var inserts = new Dictionary<string, int>(StringComparer.Ordinal);
        var updates = new Dictionary<string, int>(StringComparer.Ordinal);
        var transactions = new HashSet<string>(StringComparer.Ordinal);
        long expected = 0;
        while (expected < tip.Size)
        {
            var page = await ports.Journal.ReadBlocksAsync(LedgerName, expected, tip.Size, 500);
            Assert.NotEmpty(page.Blocks);
            foreach (var block in page.Blocks)
            {
                Assert.Equal(expected++, block.SequenceNo);
                Assert.True(transactions.Add(block.TransactionId), $"transaction {block.TransactionId} is in two blocks");
                foreach (var revision in block.Revisions.Where(r => !r.IsCatalog && r.Data is not null))
                {
                    Count(revision, "cid", version => version == 0, inserts);
                    Count(revision, "name", version => version > 0, updates);
                }
            }
        }

        return new JournalContents(tip.Size, inserts, updates);
    }

    private static void Count(DocumentRevision revision, string field, Func<long, bool> counts, Dictionary<string, int> into)
    {
        if (revision.Data![field] is IonString key && counts(revision.Version))
        {
            into[key.Value] = into.GetValueOrDefault(key.Value) + 1;
        }
    }

    private async Task<long> CounterValueAsync(Uri handler, string name)
    {
        await using var session = new QldbSessionClient(_http, new LedgerClientOptions(handler, ContendedWorkload.Credentials), LedgerName);
        var results = await session.ExecuteAsync([$"SELECT c.n FROM {ContendedWorkload.CountersTable} AS c WHERE c.name = '{name}'"]);
        var row = Assert.IsType<IonStruct>(Assert.Single(results[0].Values));
        return (long)Assert.IsType<IonInt>(row["n"]).Value;
    }

    private async Task<List<string>> ClientIdsInViewAsync(Uri handler)
    {
        await using var session = new QldbSessionClient(_http, new LedgerClientOptions(handler, ContendedWorkload.Credentials), LedgerName);
        var results = await session.ExecuteAsync([$"SELECT i.cid FROM {ContendedWorkload.ItemsTable} AS i"]);
        return results[0].Values.Select(v => Assert.IsType<IonString>(Assert.IsType<IonStruct>(v)["cid"]).Value).ToList();
    }

    // The lease blob as BlobSequencerLease names it: "<prefix>-leases/<ledger name>" (the name needs no escaping).
    private async Task<LeaseState> LeaseStateAsync()
    {
        var blobs = new BlobServiceClient(StorageConnection.Parse(LocalAzurite.ConnectionString));
        var lease = blobs.GetBlobContainerClient(_storagePrefix + "-leases").GetBlobClient(LedgerName);
        var properties = await lease.GetPropertiesAsync();
        return properties.Value.LeaseState;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < limit, $"condition not reached within {limit.TotalSeconds} s");
            await Task.Delay(50);
        }
    }

    private string Logs() => string.Concat(_handlers.Select(h => $"\n--- handler pid {h.ProcessId} ---\n{h.OutputTail}"));
}
