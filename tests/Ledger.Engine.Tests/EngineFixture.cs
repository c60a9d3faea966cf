using Ledger.Engine.Model;
using Ledger.Engine.Sequencing;
using Ledger.Engine.Sessions;
using Ledger.Engine.Transactions;
using Ledger.Ion;
using Ledger.Ion.Hash;
using Ledger.Journal;

namespace Ledger.Engine.Tests;

/// <summary>A clock the tests move by hand, so lifetimes are tested without sleeping.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>An engine over fresh in-memory ports with one active ledger, plus driver-side helpers.</summary>
internal sealed class EngineFixture : IAsyncDisposable
{
    private EngineFixture(ManualClock clock, EnginePorts ports, LedgerEngine engine, string ledgerName)
    {
        Clock = clock;
        Ports = ports;
        Engine = engine;
        LedgerName = ledgerName;
    }

    public ManualClock Clock { get; }

    public EnginePorts Ports { get; }

    public LedgerEngine Engine { get; }

    public string LedgerName { get; }

    public static async Task<EngineFixture> CreateAsync(EngineLimits? limits = null, CommitPolicy? policy = null)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 22, 4, 0, 0, TimeSpan.Zero));
        var ports = EnginePorts.InMemory(clock);
        var engine = new LedgerEngine(ports, clock, limits, policy);
        var name = "ledger-" + Guid.NewGuid().ToString("N")[..8];
        await engine.CreateLedgerAsync(name, deletionProtection: false);
        return new EngineFixture(clock, ports, engine, name);
    }

    /// <summary>The CommitDigest a driver computes (qldb-compat 2), independently of the engine.</summary>
    public static Hash32 DriverDigest(string transactionId, params (string Statement, IonValue[] Parameters)[] statements)
    {
        var digest = IonHashOf(IonString.Of(transactionId));
        foreach (var (statement, parameters) in statements)
        {
            var statementHash = IonHashOf(IonString.Of(statement));
            foreach (var parameter in parameters)
            {
                statementHash = QldbHash.Dot(statementHash, IonHashOf(parameter));
            }

            digest = QldbHash.Dot(digest, statementHash);
        }

        return digest;
    }

    public static Hash32 IonHashOf(IonValue value) => new(IonHash.Compute(value));

    /// <summary>Runs statements in one transaction the way a driver does and commits with the driver's digest.</summary>
    public async Task<(CommitOutcome Outcome, List<IReadOnlyList<IonValue>> Results)> RunAsync(params (string Statement, IonValue[] Parameters)[] statements)
    {
        var session = await Engine.StartSessionAsync(LedgerName);
        var transactionId = await Engine.StartTransactionAsync(session);
        var results = new List<IReadOnlyList<IonValue>>();
        foreach (var (statement, parameters) in statements)
        {
            results.Add((await Engine.ExecuteStatementAsync(session, transactionId, statement, parameters)).Values);
        }

        var outcome = await Engine.CommitTransactionAsync(session, transactionId, DriverDigest(transactionId, statements));
        await Engine.EndSessionAsync(session);
        return (outcome, results);
    }

    public Task<(CommitOutcome Outcome, List<IReadOnlyList<IonValue>> Results)> RunAsync(params string[] statements) =>
        RunAsync(statements.Select(s => (s, Array.Empty<IonValue>())).ToArray());

    /// <summary>
    /// Opens a transaction and hands its document source to <paramref name="body"/> (for reads and writes the
    /// PartiQL evaluator will issue), then commits with the transaction's own digest.
    /// </summary>
    public async Task<CommitOutcome> RunInternalAsync(Func<LedgerTransaction, Task> body)
    {
        var session = await Engine.StartSessionAsync(LedgerName);
        try
        {
            var transactionId = await Engine.StartTransactionAsync(session);
            var transaction = Engine.GetOpenTransaction(session)!;
            await body(transaction);
            return await Engine.CommitTransactionAsync(session, transactionId, transaction.Digest);
        }
        finally
        {
            await Engine.EndSessionAsync(session);
        }
    }

    public async Task<TableDescriptor> TableAsync(string name)
    {
        TableDescriptor? table = null;
        await RunInternalAsync(async t => table = await t.FindActiveTableAsync(name, default));
        return table ?? throw new InvalidOperationException($"No table {name}.");
    }

    public async Task<IReadOnlyList<JournalBlock>> BlocksAsync()
    {
        var tip = await Ports.Journal.GetTipAsync(LedgerName);
        return (await Ports.Journal.ReadBlocksAsync(LedgerName, 0, tip.Size, int.MaxValue)).Blocks;
    }

    public ValueTask DisposeAsync() => Engine.DisposeAsync();
}
