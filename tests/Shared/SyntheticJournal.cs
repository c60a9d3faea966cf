using Ledger.Engine.Model;
using Ledger.Engine.Ports;
using Ledger.Ion;
using Ledger.Journal;
using Ledger.Journal.Model;
using Ledger.Journal.Tree;
using EngineBlock = Ledger.Engine.Model.JournalBlock;

namespace Ledger.Tests.Shared;

/// <summary>
/// Writes a large journal straight into an <see cref="IJournalStore"/> (no sessions, no HTTP): block 0 creates table
/// <see cref="TableName"/>, every later block inserts one document of about <c>payloadBytes</c> into it. Blocks are
/// <c>spacing</c> apart from <c>start</c>, so a journal spans several UTC hours. The tree nodes are stored too, so
/// GetDigest and proofs work on it. Blocks are appended in order, 100 at a time; the node writes of a few batches are
/// kept in flight at once (they are idempotent and independent of each other), which hides a remote store's latency.
/// </summary>
internal static class SyntheticJournal
{
    public const string TableName = "Vehicle";

    public const string TableId = "9Y5uYx1J1f0Ic2mJHLE5DV";

    private const int NodeWritesInFlight = 8;

    /// <summary>
    /// Appends the journal; returns the id of the document each block inserts, by sequence number (null for block 0,
    /// which creates the table).
    /// </summary>
    public static async Task<IReadOnlyList<string?>> AppendAsync(IJournalStore journal, string ledgerName, string strandId, int blocks, DateTimeOffset start, TimeSpan spacing, int payloadBytes = 1024)
    {
        var tree = new JournalTreeAppender();
        Hash32? previous = null;
        var filler = new string('x', Math.Max(0, payloadBytes - 200));
        var batch = new List<EngineBlock>(100);
        var documentIds = new string?[blocks];
        var nodeWrites = new List<Task>(NodeWritesInFlight);
        for (var sequenceNo = 0L; sequenceNo < blocks; sequenceNo++)
        {
            var timestamp = QldbTime.ToTimestamp(start + (spacing * sequenceNo));
            var transactionId = $"tx{sequenceNo:D20}";
            var block = sequenceNo == 0
                ? CreateTable(strandId, transactionId, timestamp)
                : Insert(strandId, sequenceNo, transactionId, timestamp, previous, filler);
            batch.Add(block);
            previous = block.Hashes.BlockHash;
            documentIds[sequenceNo] = sequenceNo == 0 ? null : DocumentId(sequenceNo);
            if (batch.Count == 100 || sequenceNo == blocks - 1)
            {
                if (await journal.TryAppendAsync(ledgerName, batch) is not AppendOutcome.Appended)
                {
                    throw new InvalidOperationException("The synthetic journal must go into an empty ledger.");
                }

                nodeWrites.Add(journal.AddNodesAsync(ledgerName, [.. batch.SelectMany(b => tree.Append(b.Hashes.BlockHash))]).AsTask());
                if (nodeWrites.Count == NodeWritesInFlight)
                {
                    await Task.WhenAll(nodeWrites);
                    nodeWrites.Clear();
                }

                batch.Clear();
            }
        }

        await Task.WhenAll(nodeWrites);
        return documentIds;
    }

    private static string DocumentId(long sequenceNo) => $"doc{sequenceNo:D19}";

    private static EngineBlock CreateTable(string strandId, string transactionId, IonTimestamp timestamp)
    {
        var table = new TableDescriptor(TableId, TableName, TableStatus.Active, []);
        const string Statement = "CREATE TABLE " + TableName;
        var revision = DocumentRevision.Create(TableId, TableId, 0, table.ToIon(), timestamp, transactionId, strandId, 0, isCatalog: true);
        return EngineBlock.Build(
            strandId, 0, transactionId, timestamp, null, [new StatementRecord(Statement, timestamp, CommitDigest.StatementDigest(Statement))], [], [], [revision]);
    }

    private static EngineBlock Insert(string strandId, long sequenceNo, string transactionId, IonTimestamp timestamp, Hash32? previous, string filler)
    {
        const string Statement = "INSERT INTO " + TableName + " ?";
        var documentId = DocumentId(sequenceNo);
        var data = IonStruct.CreateBuilder()
            .Add("VIN", IonString.Of($"VIN{sequenceNo:D14}"))
            .Add("Year", IonInt.Of(2000 + (sequenceNo % 25)))
            .Add("Price", IonDecimalValue.Of(new IonDecimal(sequenceNo * 100 + 99, -2)))
            .Add("Notes", IonString.Of(filler))
            .ToStruct();
        var revision = DocumentRevision.Create(TableId, documentId, 0, data, timestamp, transactionId, strandId, sequenceNo);
        var statement = new StatementRecord(Statement, timestamp, CommitDigest.StatementDigest(Statement, [data]));
        return EngineBlock.Build(
            strandId, sequenceNo, transactionId, timestamp, previous, [statement], [new DocumentTouch(documentId, TableName, TableId, [0])], [], [revision]);
    }
}
