using Ledger.Azure.Storage;
using Ledger.Azure.Tables;
using Ledger.Azure.Tests.Infrastructure;
using Ledger.Engine;
using Ledger.Engine.Errors;
using Ledger.Engine.Ports;
using Ledger.Journal.Model;
using Ledger.Journal.Tree;
using Ledger.Journal.Verification;
using Ledger.Tests.Shared;

namespace Ledger.Azure.Tests.Storage;

/// <summary>GetRevision proofs served through the engine's tree-node cache, on the real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ProofCacheStorageTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const int Blocks = 300;
    private readonly AzureStorageOptions _options = new(AzuriteFixture.UniqueName("c"));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await AzureEnginePorts.DeleteAllAsync(azurite.Connection, _options);

    [Fact]
    public async Task The_audit_reads_stored_nodes_so_a_forged_leaf_is_caught_while_the_engines_cache_is_warm()
    {
        var (ports, ledger, documentIds) = await JournalAsync(130);
        await using var engine = new LedgerEngine(ports, TimeProvider.System);
        var tip = new BlockAddress(ledger.StrandId, 129);
        var proof = await engine.GetRevisionAsync(ledger.Name, new BlockAddress(ledger.StrandId, 65), documentIds[65]!, tip);

        // Leaf 64 (the sibling of block 65, now cached) gets another hash in storage.
        var nodes = new TableServiceClient(azurite.Connection).GetTableClient(_options.Prefix + "Nodes");
        var row = "00" + StorageKeys.Separator + StorageKeys.Number(64);
        var leaf = (await nodes.GetEntityAsync(TableJournalStore.PartitionOf(ledger.Name), row)).Value;
        var forged = (byte[])leaf.GetBinary("Hash")!.Clone();
        forged[0] ^= 0x01;
        leaf["Hash"] = forged;
        await nodes.UpdateEntityAsync(leaf, leaf.ETag, TableUpdateMode.Replace);

        var audit = await JournalAudit.VerifyAsync(ports.Journal, ledger.Name);
        Assert.Equal(64, audit.BrokenSequenceNo);
        Assert.Contains("journal tree's leaf", audit.Problem, StringComparison.Ordinal);

        // What the engine serves from its cache is what storage held when it was read: the intact journal's proof.
        var again = await engine.GetRevisionAsync(ledger.Name, new BlockAddress(ledger.StrandId, 65), documentIds[65]!, tip);
        Assert.Equal(proof.Proof, again.Proof);
    }

    [Fact]
    public async Task Proofs_served_again_from_the_warm_cache_equal_the_ones_built_from_storage_and_verify()
    {
        var (ports, ledger, documentIds) = await JournalAsync(Blocks);
        var name = ledger.Name;
        await using var engine = new LedgerEngine(ports, TimeProvider.System);
        var storageNodes = ports.Journal.Nodes(name);

        foreach (var tipSequenceNo in new long[] { Blocks - 1, 255, 130 })
        {
            var tip = new BlockAddress(ledger.StrandId, tipSequenceNo);
            var digest = await JournalProofBuilder.DigestAsync(storageNodes, tipSequenceNo + 1);
            foreach (var sequenceNo in new long[] { 1, 2, 64, 127, 128, 129, 130 })
            {
                var address = new BlockAddress(ledger.StrandId, sequenceNo);
                var documentId = documentIds[(int)sequenceNo]!;

                // The first pass fills the cache, the second is answered from it; both must be the storage's proof.
                var first = await engine.GetRevisionAsync(name, address, documentId, tip);
                var second = await engine.GetRevisionAsync(name, address, documentId, tip);
                var block = (await ports.Journal.ReadBlocksAsync(name, sequenceNo, sequenceNo + 1, 1)).Blocks[0].Journal;
                var uncached = await LedgerProofs.RevisionProofAsync(storageNodes, block, block.IndexOfDocument(documentId), tip);

                Assert.Equal(uncached, first.Proof);
                Assert.Equal(uncached, second.Proof);
                var verification = ProofVerifier.VerifyRevision(second.Revision.Hash, sequenceNo, tipSequenceNo + 1, [.. second.Proof!], digest);
                Assert.True(verification.IsValid, verification.ToString());
            }
        }

        // A tip past the committed journal is still refused, cache or not.
        var refusal = await Assert.ThrowsAsync<InvalidParameterException>(() =>
            engine.GetRevisionAsync(name, new BlockAddress(ledger.StrandId, 5), documentIds[5]!, new BlockAddress(ledger.StrandId, Blocks)));
        Assert.Equal("DigestTipAddress", refusal.ParameterName);
    }

    // An active ledger with a synthetic journal of that many blocks, its nodes and the watermark stored.
    private async Task<(EnginePorts Ports, LedgerRecord Ledger, IReadOnlyList<string?> DocumentIds)> JournalAsync(int blocks)
    {
        var ports = await AzureEnginePorts.CreateAsync(azurite.Connection, TimeProvider.System, _options);
        var ledger = new LedgerRecord(AzuriteFixture.UniqueName("l"), LedgerState.Active, DateTimeOffset.UtcNow, "ALLOW_ALL", false, "KmA3ZZca7vAIiJAK9S5Iwl");
        Assert.True(await ports.Ledgers.TryCreateAsync(ledger));
        var documentIds = await SyntheticJournal.AppendAsync(ports.Journal, ledger.Name, ledger.StrandId, blocks, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1), payloadBytes: 200);
        await ports.Views.SetWatermarkAsync(ledger.Name, blocks);
        return (ports, ledger, documentIds);
    }
}
