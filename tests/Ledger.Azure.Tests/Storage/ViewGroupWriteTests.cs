using Ledger.Azure.Storage;
using Ledger.Azure.Tests.Infrastructure;
using Ledger.Engine;
using Ledger.Engine.Model;

namespace Ledger.Azure.Tests.Storage;

/// <summary>
/// The views of a group commit on Azure Table: the rows of every block applied before the watermark moves are
/// written together, one entity group transaction per partition (documents of a table, entries of an indexed field).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ViewGroupWriteTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly TableRequestCounter _batches = new();
    private readonly AzureStorageOptions _options = new(AzuriteFixture.UniqueName("g"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => AzureEnginePorts.DeleteAllAsync(azurite.Connection, _options);

    [Fact]
    public async Task Twenty_single_insert_blocks_are_written_in_one_batch_per_partition_and_read_back_by_index()
    {
        var (blocks, tableId) = await InsertBlocksAsync(20);
        var views = (await AzureEnginePorts.CreateAsync(azurite.Connection, TimeProvider.System, _options with { RequestObserver = _batches })).Views;
        const string Ledger = "group";
        foreach (var block in blocks.Take(2))
        {
            await views.ApplyBlockAsync(Ledger, block);
        }

        await views.SetWatermarkAsync(Ledger, 2);
        var before = _batches.Batches;
        foreach (var block in blocks.Skip(2))
        {
            await views.ApplyBlockAsync(Ledger, block);
        }

        await views.SetWatermarkAsync(Ledger, blocks.Count);

        // One transaction for the 20 revisions (one table's partition), one for the 20 index entries (one field's).
        Assert.Equal(2, _batches.Batches - before);
        Assert.Equal(blocks.Count, await views.GetWatermarkAsync(Ledger));
        foreach (var revision in blocks.Skip(2).SelectMany(b => b.Revisions))
        {
            var key = IndexKey.From(revision.Data!["orderId"]!);
            Assert.Equal([revision.DocumentId], await views.FindIndexCandidatesAsync(Ledger, tableId, "orderId", key, blocks.Count));
            Assert.Empty(await views.FindIndexCandidatesAsync(Ledger, tableId, "orderId", key, revision.SequenceNo));
            Assert.Equal(revision.Data, (await views.GetDocumentAsync(Ledger, tableId, revision.DocumentId, blocks.Count))!.Data);
        }
    }

    // Blocks of a ledger run in memory: table Orders, an index on orderId, then single-document inserts.
    private static async Task<(IReadOnlyList<JournalBlock> Blocks, string TableId)> InsertBlocksAsync(int inserts)
    {
        var ports = EnginePorts.InMemory(TimeProvider.System);
        await using var engine = new LedgerEngine(ports, TimeProvider.System);
        const string Ledger = "source";
        await engine.CreateLedgerAsync(Ledger, deletionProtection: false);
        await SampleJournal.RunAsync(engine, Ledger, "CREATE TABLE Orders");
        await SampleJournal.RunAsync(engine, Ledger, "CREATE INDEX ON Orders (orderId)");
        for (var i = 0; i < inserts; i++)
        {
            await SampleJournal.RunAsync(engine, Ledger, $"INSERT INTO Orders VALUE {{'orderId': 'o{i}', 'n': {i}}}");
        }

        var blocks = await SampleJournal.ReadAllAsync(ports.Journal, Ledger);
        return (blocks, blocks[0].Revisions.Single(r => r.IsCatalog).DocumentId);
    }
}
