using Ledger.Engine;
using Ledger.Ion;
using Ledger.Journal.Model;
using JournalBlock = Ledger.Engine.Model.JournalBlock;

namespace Ledger.Azure.Tests.Storage;

/// <summary>
/// Real blocks to feed the ports: a ledger run by an engine over the in-memory ports (tables, an index, inserts,
/// updates, a delete, a redaction), so the stores under test see exactly what a sequencer writes.
/// </summary>
internal sealed class SampleJournal
{
    private SampleJournal(IReadOnlyList<JournalBlock> unredacted, IReadOnlyList<JournalBlock> blocks, RedactionTarget target, string tableId)
    {
        Unredacted = unredacted;
        Blocks = blocks;
        Target = target;
        TableId = tableId;
    }

    /// <summary>The blocks before the redaction was carried out in the journal (the last block is the redaction).</summary>
    public IReadOnlyList<JournalBlock> Unredacted { get; }

    /// <summary>The blocks as the journal holds them at the end (the target revision redacted in place).</summary>
    public IReadOnlyList<JournalBlock> Blocks { get; }

    /// <summary>The revision the last block redacts.</summary>
    public RedactionTarget Target { get; }

    /// <summary>The id of table Cars.</summary>
    public string TableId { get; }

    public static async Task<SampleJournal> CreateAsync(int extraDocuments = 6)
    {
        var ports = EnginePorts.InMemory(TimeProvider.System);
        await using var engine = new LedgerEngine(ports, TimeProvider.System);
        var ledger = "sample" + Guid.NewGuid().ToString("N")[..8];
        await engine.CreateLedgerAsync(ledger, deletionProtection: false);
        await RunAsync(engine, ledger, "CREATE TABLE Cars");
        await RunAsync(engine, ledger, "CREATE INDEX ON Cars (VIN)");
        var first = await RunAsync(engine, ledger, "INSERT INTO Cars VALUE {'VIN': 'v1', 'n': 1}");
        var id = ((IonString)((IonStruct)first[0])["documentId"]!).Value;
        await RunAsync(engine, ledger, "INSERT INTO Cars << {'VIN': 'v2', 'n': 2}, {'VIN': 'v3', 'n': 3} >>");
        await RunAsync(engine, ledger, "UPDATE Cars SET n = 10 WHERE VIN = 'v1'");
        await RunAsync(engine, ledger, "DELETE FROM Cars WHERE VIN = 'v2'");
        await RunAsync(engine, ledger, "CREATE TABLE Owners");
        for (var i = 0; i < extraDocuments; i++)
        {
            await RunAsync(engine, ledger, $"INSERT INTO Cars VALUE {{'VIN': 'x{i}', 'n': {i}}}");
        }

        await RunAsync(engine, ledger, "CREATE INDEX ON Cars (n)");
        var journal = ports.Journal;
        var unredacted = await ReadAllAsync(journal, ledger);
        var tableId = unredacted[0].Revisions.Single(r => r.IsCatalog).DocumentId;
        var version0 = unredacted.SelectMany(b => b.Revisions).Single(r => r.DocumentId == id && r.Version == 0);
        await RunAsync(engine, ledger, $"EXEC redact_revision `{version0.BlockAddress.ToIonText()}`, '{tableId}', '{id}'");
        var blocks = await ReadAllAsync(journal, ledger);
        return new SampleJournal([.. unredacted, blocks[^1]], blocks, blocks[^1].Redactions.Single(), tableId);
    }

    /// <summary>Runs statements in one transaction the way a driver does; returns the first statement's values.</summary>
    public static async Task<IReadOnlyList<IonValue>> RunAsync(LedgerEngine engine, string ledger, string statement, params IonValue[] parameters)
    {
        var session = await engine.StartSessionAsync(ledger);
        try
        {
            var transactionId = await engine.StartTransactionAsync(session);
            var result = await engine.ExecuteStatementAsync(session, transactionId, statement, parameters);
            var digest = new CommitDigest(transactionId);
            digest.AddStatement(statement, parameters);
            await engine.CommitTransactionAsync(session, transactionId, digest.Value);
            return result.Values;
        }
        finally
        {
            await engine.EndSessionAsync(session);
        }
    }

    public static async Task<IReadOnlyList<JournalBlock>> ReadAllAsync(Engine.Ports.IJournalStore journal, string ledger)
    {
        var tip = await journal.GetTipAsync(ledger);
        var blocks = new List<JournalBlock>();
        for (long from = 0; from < tip.Size;)
        {
            var page = await journal.ReadBlocksAsync(ledger, from, tip.Size, 1000);
            blocks.AddRange(page.Blocks);
            from = page.NextSequenceNo ?? tip.Size;
        }

        return blocks;
    }
}
