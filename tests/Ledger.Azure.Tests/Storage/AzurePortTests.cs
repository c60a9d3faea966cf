using Ledger.Azure.Storage;
using Ledger.Azure.Tests.Infrastructure;
using Ledger.Engine;
using Ledger.Engine.Ports;
using Ledger.Ion;
using Ledger.Journal.Model;
using Ledger.Journal.Verification;

namespace Ledger.Azure.Tests.Storage;

/// <summary>What only real storage can show: racing appenders, blocks beyond one entity, lease expiry, restarts.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzurePortTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly AzureStorageOptions _options = new(AzuriteFixture.UniqueName("t"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => AzureEnginePorts.DeleteAllAsync(azurite.Connection, _options);

    private Task<EnginePorts> PortsAsync() => AzureEnginePorts.CreateAsync(azurite.Connection, TimeProvider.System, _options);

    [Fact]
    public async Task Of_two_appenders_racing_for_the_same_slots_exactly_one_wins_and_the_chain_does_not_fork()
    {
        var samples = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SampleJournal.CreateAsync(extraDocuments: 0)));
        for (var round = 0; round < 4; round++)
        {
            var ledger = "race-" + round;
            var first = await PortsAsync();
            var second = await PortsAsync();
            var a = samples[round].Blocks;
            var b = samples[(round + 1) % samples.Length].Blocks;
            Assert.Equal(AppendOutcome.Appended, await first.Journal.TryAppendAsync(ledger, a.Take(2).ToList()));

            // Both continue from slot 2 with their own chain: the entity group insert lets exactly one through.
            var outcomes = await Task.WhenAll(
                first.Journal.TryAppendAsync(ledger, a.Skip(2).Take(3).ToList()).AsTask(),
                second.Journal.TryAppendAsync(ledger, b.Skip(2).Take(4).ToList()).AsTask());
            Assert.Single(outcomes, AppendOutcome.Appended);
            var winner = outcomes[0] == AppendOutcome.Appended ? a.Take(5) : a.Take(2).Concat(b.Skip(2).Take(4));
            var stored = await SampleJournal.ReadAllAsync(second.Journal, ledger);
            Assert.Equal(winner.Select(x => x.Hashes.BlockHash), stored.Select(x => x.Hashes.BlockHash));
            Assert.Equal(stored.Count, (await first.Journal.GetTipAsync(ledger)).Size);
        }
    }

    [Fact]
    public async Task Blocks_beyond_one_entity_or_one_transaction_round_trip_through_blobs()
    {
        var ports = EnginePorts.InMemory(TimeProvider.System);
        await using (var engine = new LedgerEngine(ports, TimeProvider.System))
        {
            await engine.CreateLedgerAsync("big", deletionProtection: false);
            await SampleJournal.RunAsync(engine, "big", "CREATE TABLE Files");
            foreach (var documents in new[] { 5, 12, 30 })
            {
                var session = await engine.StartSessionAsync("big");
                var transactionId = await engine.StartTransactionAsync(session);
                var digest = new CommitDigest(transactionId);
                for (var i = 0; i < documents; i++)
                {
                    var parameter = IonStruct.Of(new IonField("content", IonString.Of(new string((char)('a' + (i % 26)), 100_000))));
                    await engine.ExecuteStatementAsync(session, transactionId, "INSERT INTO Files ?", [parameter]);
                    digest.AddStatement("INSERT INTO Files ?", [parameter]);
                }

                await engine.CommitTransactionAsync(session, transactionId, digest.Value);
            }
        }

        var blocks = await SampleJournal.ReadAllAsync(ports.Journal, "big");
        var sizes = blocks.Select(b => Ledger.Ion.Binary.IonBinary.Write(b.ToIon(includeSystemRevisionData: true)).Length).ToList();
        Assert.InRange(sizes[1], 400_000, EntityChunks.MaxInlineBytes);
        Assert.True(sizes[2] > 1024 * 1024 && sizes[3] > 2_900_000, string.Join(", ", sizes));

        // One append of all four: the 3 MB block cannot share the 4 MiB transaction and goes to a blob.
        var azure = await PortsAsync();
        Assert.Equal(AppendOutcome.Appended, await azure.Journal.TryAppendAsync("big", blocks));
        var stored = await SampleJournal.ReadAllAsync(azure.Journal, "big");
        Assert.Equal(blocks.Select(Text), stored.Select(Text));
        Assert.True(JournalVerifier.VerifyChain(stored.Select(b => b.Journal).ToList()).IsValid);

        // Views keep documents up to the 128 KB limit, each revision across Binary properties.
        foreach (var block in blocks)
        {
            await azure.Views.ApplyBlockAsync("big", block);
        }

        var tableId = blocks[0].Revisions.Single(r => r.IsCatalog).DocumentId;
        var document = blocks[3].Revisions[7];
        Assert.Equal(IonText.Write(document.Data!), IonText.Write((await azure.Views.GetDocumentAsync("big", tableId, document.DocumentId, blocks.Count))!.Data!));

        await azure.Journal.DeleteJournalAsync("big");
        Assert.Equal(0, (await azure.Journal.GetTipAsync("big")).Size);
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_and_the_old_holder_learns_it_lost()
    {
        var first = (await PortsAsync()).Lease;
        var second = (await PortsAsync()).Lease;
        var held = await first.TryAcquireAsync("leased", TimeSpan.FromSeconds(15));
        Assert.NotNull(held);
        Assert.Null(await second.TryAcquireAsync("leased", TimeSpan.FromSeconds(15)));

        await Task.Delay(TimeSpan.FromSeconds(16));
        var taken = await second.TryAcquireAsync("leased", TimeSpan.FromSeconds(15));
        Assert.NotNull(taken);
        Assert.False(await first.RenewAsync(held));
        await first.ReleaseAsync(held);
        Assert.True(await second.RenewAsync(taken));
        Assert.Null(await first.TryAcquireAsync("leased", TimeSpan.FromSeconds(15)));
        await second.ReleaseAsync(taken);
        Assert.NotNull(await first.TryAcquireAsync("leased", TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task An_engine_on_the_azure_ports_survives_a_restart_and_every_block_verifies()
    {
        string ledger = "restart";
        string strand;
        var firstPorts = await PortsAsync();
        await using (var engine = new LedgerEngine(firstPorts, TimeProvider.System))
        {
            strand = (await engine.CreateLedgerAsync(ledger, deletionProtection: false)).StrandId;
            await SampleJournal.RunAsync(engine, ledger, "CREATE TABLE Accounts");
            await SampleJournal.RunAsync(engine, ledger, "CREATE INDEX ON Accounts (owner)");
            var writers = Enumerable.Range(0, 8).Select(i =>
                SampleJournal.RunAsync(engine, ledger, $"INSERT INTO Accounts VALUE {{'owner': 'o{i}', 'balance': {i * 10}}}"));
            await Task.WhenAll(writers);
            await SampleJournal.RunAsync(engine, ledger, "UPDATE Accounts SET balance = 1000 WHERE owner = 'o3'");
        }

        // The views lag behind the journal, as after a crash between the append and the view apply: the next
        // sequencer re-applies the blocks after the watermark.
        var views = firstPorts.Views;
        var tip = await firstPorts.Journal.GetTipAsync(ledger);
        await views.ClearAsync(ledger);
        var journalBlocks = await SampleJournal.ReadAllAsync(firstPorts.Journal, ledger);
        foreach (var block in journalBlocks.Take(3))
        {
            await views.ApplyBlockAsync(ledger, block);
        }

        await views.SetWatermarkAsync(ledger, 3);

        await using (var restarted = new LedgerEngine(await PortsAsync(), TimeProvider.System))
        {
            await SampleJournal.RunAsync(restarted, ledger, "INSERT INTO Accounts VALUE {'owner': 'late', 'balance': 1}");
            var rows = await SampleJournal.RunAsync(restarted, ledger, "SELECT owner, balance FROM Accounts WHERE owner = 'o3'");
            Assert.Equal("{owner:\"o3\",balance:1000}", IonText.Write(Assert.Single(rows)));
            var count = await SampleJournal.RunAsync(restarted, ledger, "SELECT COUNT(*) AS n FROM Accounts");
            Assert.Equal("{n:9}", IonText.Write(Assert.Single(count)));
            var (digest, digestStrand, tipSequenceNo) = await restarted.GetDigestAsync(ledger);
            Assert.Equal((strand, tip.Size), (digestStrand, tipSequenceNo));

            var ports = await PortsAsync();
            var blocks = await SampleJournal.ReadAllAsync(ports.Journal, ledger);
            Assert.Equal(tip.Size + 1, blocks.Count);
            Assert.True(JournalVerifier.VerifyChain(blocks.Select(b => b.Journal).ToList()).IsValid);
            var tipAddress = new BlockAddress(strand, blocks.Count - 1);
            var ledgerDigest = await LedgerProofs.DigestAsync(ports.Journal.Nodes(ledger), tipAddress);
            Assert.Equal(digest, ledgerDigest.Digest);
            foreach (var block in blocks)
            {
                var proof = await LedgerProofs.BlockProofAsync(ports.Journal.Nodes(ledger), block.Journal.BlockAddress, tipAddress);
                var result = JournalVerifier.VerifyBlock(block.Journal, proof, ledgerDigest);
                Assert.True(result.IsValid, $"block {block.SequenceNo}: {result}");
            }
        }
    }

    private static string Text(Engine.Model.JournalBlock block) => IonText.Write(block.ToIon(includeSystemRevisionData: true));
}
