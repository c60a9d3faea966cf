using System.Text;
using Ledger.Azure.Storage;
using Ledger.Azure.Tables;
using Ledger.Azure.Tests.Infrastructure;
using Ledger.Engine;

namespace Ledger.Azure.Tests.Storage;

/// <summary>Changing stored bytes of a block entity in Azurite is caught by the audit, which names the block.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class JournalAuditTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Ledger = "audited";
    private readonly AzureStorageOptions _options = new(AzuriteFixture.UniqueName("t"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => AzureEnginePorts.DeleteAllAsync(azurite.Connection, _options);

    [Fact]
    public async Task A_changed_byte_in_a_stored_block_is_reported_with_that_block_and_an_intact_journal_passes()
    {
        var ports = await AzureEnginePorts.CreateAsync(azurite.Connection, TimeProvider.System, _options);
        await using (var engine = new LedgerEngine(ports, TimeProvider.System))
        {
            await engine.CreateLedgerAsync(Ledger, deletionProtection: false);
            await SampleJournal.RunAsync(engine, Ledger, "CREATE TABLE Accounts");
            await SampleJournal.RunAsync(engine, Ledger, "INSERT INTO Accounts VALUE {'owner': 'alice', 'balance': 10}");
            await SampleJournal.RunAsync(engine, Ledger, "INSERT INTO Accounts VALUE {'owner': 'mallory', 'balance': 5}");
            await SampleJournal.RunAsync(engine, Ledger, "UPDATE Accounts SET balance = 6 WHERE owner = 'alice'");
        }

        Assert.Equal(new JournalAuditResult(4, null, null), await JournalAudit.VerifyAsync(ports.Journal, Ledger));

        var table = new TableServiceClient(azurite.Connection).GetTableClient(_options.Prefix + "Journal");
        var original = (await table.GetEntityAsync(Ledger, StorageKeys.Number(2))).Value;
        var bytes = original.GetBinary("D0")!;
        var at = bytes.AsSpan().IndexOf("mallory"u8);
        Assert.True(at > 0);

        // The document now says 'mallorz': still valid Ion, but the revision hash no longer matches.
        var forged = (byte[])bytes.Clone();
        forged[at + 6] = (byte)'z';
        await ReplaceChunkAsync(table, original, forged);
        var forgedResult = await JournalAudit.VerifyAsync(ports.Journal, Ledger);
        Assert.Equal(2, forgedResult.BrokenSequenceNo);
        Assert.Contains("block 2", forgedResult.Problem, StringComparison.Ordinal);

        // A flipped byte elsewhere (here: in the block's own hash list) is also pinned on block 2.
        var flipped = (byte[])bytes.Clone();
        flipped[^1] ^= 0x01;
        await ReplaceChunkAsync(table, (await table.GetEntityAsync(Ledger, StorageKeys.Number(2))).Value, flipped);
        Assert.Equal(2, (await JournalAudit.VerifyAsync(ports.Journal, Ledger)).BrokenSequenceNo);

        await ReplaceChunkAsync(table, (await table.GetEntityAsync(Ledger, StorageKeys.Number(2))).Value, bytes);
        Assert.True((await JournalAudit.VerifyAsync(ports.Journal, Ledger)).IsIntact);
        Assert.Contains("mallory", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    private static async Task ReplaceChunkAsync(TableClient table, TableEntity entity, byte[] chunk)
    {
        entity["D0"] = chunk;
        await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace);
    }
}
