using Ledger.Engine.Model;
using Ledger.Ion;
using Ledger.Journal;
using Ledger.Journal.Tree;
using Ledger.Journal.Verification;
using BlockAddress = Ledger.Journal.Model.BlockAddress;
using LedgerDigest = Ledger.Journal.Model.LedgerDigest;

namespace Ledger.Engine.Tests;

public sealed class JournalVerificationTests
{
    [Fact]
    public async Task Every_block_verifies_and_the_digest_proves_every_revision()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE Car", "CREATE INDEX ON Car (VIN)");
        for (var i = 0; i < 12; i++)
        {
            await fixture.RunAsync(("INSERT INTO Car << ?, ? >>", [IonText.Parse($"{{VIN: \"V{i}\"}}"), IonText.Parse($"{{VIN: \"W{i}\", n: {i}}}")]));
        }

        var blocks = await fixture.BlocksAsync();
        Assert.Equal(13, blocks.Count);
        Assert.Equal(Enumerable.Range(0, 13).Select(i => (long)i), blocks.Select(b => b.SequenceNo));
        BlockVerifier.VerifyChain(blocks.Select(b => b.Hashes).ToList()).ThrowIfInvalid();
        Assert.Null(blocks[0].Hashes.PreviousBlockHash);

        var (digest, strandId, tip) = await fixture.Engine.GetDigestAsync(fixture.LedgerName);
        Assert.Equal(12, tip);
        var nodes = fixture.Ports.Journal.Nodes(fixture.LedgerName);
        foreach (var block in blocks)
        {
            Assert.Equal(strandId, block.StrandId);

            // transactionInfo is one of the entries, and each statement digest is the statement's Ion hash.
            Assert.Contains(EngineFixture.IonHashOf(block.TransactionInfo), block.Hashes.EntriesHashList);
            var revisionHashes = block.Revisions.Select(r => r.Hash).ToArray();
            var layout = BlockHashBuilder.Layout(hasRevisions: true, hasRedactionInfo: false);
            var journalPath = await JournalProofBuilder.InclusionProofAsync(nodes, block.SequenceNo, tip + 1);
            for (var r = 0; r < block.Revisions.Length; r++)
            {
                var revision = block.Revisions[r];
                Assert.Equal(revision.Hash, revision.ComputeHash());
                var prefix = BlockHashBuilder.RevisionProofPrefix(revisionHashes, r, block.Hashes.EntriesHashList, layout.RevisionsRootIndex, block.Hashes.PreviousBlockHash);
                ProofVerifier.VerifyRevision(revision.Hash, block.SequenceNo, tip + 1, [.. prefix, .. journalPath], digest, block.Hashes.BlockHash).ThrowIfInvalid();
            }
        }
    }

    [Fact]
    public async Task A_block_has_QLDBs_shape()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE T");
        await fixture.RunAsync(("INSERT INTO T VALUE ?", [IonText.Parse("{a: 1}")]));
        var block = (await fixture.BlocksAsync())[1];
        var ion = block.ToIon();
        Assert.Equal(
            ["blockAddress", "transactionId", "blockTimestamp", "blockHash", "entriesHash", "previousBlockHash", "entriesHashList", "transactionInfo", "revisions"],
            ion.Fields.Select(f => f.Name.Text));
        var statement = (IonStruct)((IonList)((IonStruct)ion["transactionInfo"]!)["statements"]!)[0];
        Assert.NotEqual(EngineFixture.IonHashOf(IonString.Of("INSERT INTO T VALUE ?")), block.Statements[0].StatementDigest);
        Assert.Equal(
            QldbHash.Dot(EngineFixture.IonHashOf(IonString.Of("INSERT INTO T VALUE ?")), EngineFixture.IonHashOf(IonText.Parse("{a: 1}"))),
            new Hash32(((IonBlob)statement["statementDigest"]!).Span));
        var revision = (IonStruct)Assert.Single((IonList)ion["revisions"]!);
        Assert.Equal(["blockAddress", "hash", "data", "metadata"], revision.Fields.Select(f => f.Name.Text));
        var metadata = (IonStruct)revision["metadata"]!;
        Assert.Equal(IonInt.Of(0), metadata["version"]);
        Assert.Equal(block.TransactionId, ((IonString)metadata["txId"]!).Value);
        var txTime = ((IonTimestampValue)metadata["txTime"]!).Value;
        Assert.Equal(3, txTime.FractionDigits);
        Assert.Equal(0, txTime.OffsetMinutes);

        // The catalog revision of CREATE TABLE shows as a system revision: only its hash.
        var catalogRevision = (IonStruct)Assert.Single((IonList)(await fixture.BlocksAsync())[0].ToIon()["revisions"]!);
        Assert.Equal(["hash"], catalogRevision.Fields.Select(f => f.Name.Text));
        var documents = (IonStruct)((IonStruct)ion["transactionInfo"]!)["documents"]!;
        var touch = (IonStruct)documents[0].Value;
        Assert.Equal("T", ((IonString)touch["tableName"]!).Value);
    }

    [Fact]
    public async Task Read_only_transactions_write_no_block()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE T");
        var table = await fixture.TableAsync("T");
        var outcome = await fixture.RunInternalAsync(async t => await t.ScanAsync(table, default));
        Assert.Null(outcome.SequenceNo);
        Assert.Single(await fixture.BlocksAsync());
    }

    [Fact]
    public async Task A_new_sequencer_recovers_the_tree_and_rebuilds_views_from_the_journal()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE T", "CREATE INDEX ON T (k)");
        await fixture.RunAsync(("INSERT INTO T << ?, ? >>", [IonText.Parse("{k: 1}"), IonText.Parse("{k: 2}")]));
        var (digest, _, _) = await fixture.Engine.GetDigestAsync(fixture.LedgerName);

        // Views are derived data: drop them and start a fresh engine over the same journal.
        await fixture.Engine.DisposeAsync();
        await fixture.Ports.Views.ClearAsync(fixture.LedgerName);
        await using var restarted = new LedgerEngine(fixture.Ports, fixture.Clock);
        var (recovered, _, tip) = await restarted.GetDigestAsync(fixture.LedgerName);
        Assert.Equal((digest, 1L), (recovered, tip));
        var sequencer = await restarted.GetSequencerAsync(fixture.LedgerName);
        Assert.Equal(2, sequencer.CommittedSize);
        var table = (await fixture.Ports.Views.GetCatalogAsync(fixture.LedgerName, 2)).Single();
        Assert.Single(table.Indexes);
        var page = await fixture.Ports.Views.ScanTableAsync(fixture.LedgerName, table.TableId, 2, null, 10);
        Assert.Equal(2, page.Revisions.Count);
        Assert.Single(await fixture.Ports.Views.FindIndexCandidatesAsync(fixture.LedgerName, table.TableId, "k", IndexKey.From(IonInt.Of(2)), 2));
    }
}

public sealed class BlockStorageFormTests
{
    [Fact]
    public async Task The_storage_form_round_trips_every_block_including_catalog_and_redaction_data()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (id, _) = await WriteRedactedHistoryAsync(fixture, deleteRedactedDocument: true);

        var blocks = await fixture.BlocksAsync();
        Assert.True(blocks[0].Revisions.Single(r => r.DocumentId == id).IsRedacted);
        Ledger.Journal.Verification.BlockVerifier.VerifyChain(blocks.Select(b => b.Hashes).ToList()).ThrowIfInvalid();
        foreach (var block in blocks)
        {
            var text = IonText.Write(block.ToIon(includeSystemRevisionData: true));
            var read = JournalBlock.FromStorageIon(IonText.Parse(text));
            Assert.Equal(text, IonText.Write(read.ToIon(includeSystemRevisionData: true)));
            Assert.Equal(block.Hashes.BlockHash, read.Hashes.BlockHash);
            Assert.Equal(block.Revisions.ToArray(), read.Revisions.ToArray());
        }
    }

    /// <summary>
    /// Block 0 creates table T with an index and inserts two documents; block 1 updates the first; block 2 redacts
    /// the first's version 0; block 3 deletes the first (or the second). Returns both document ids.
    /// </summary>
    internal static async Task<(string Redacted, string Other)> WriteRedactedHistoryAsync(EngineFixture fixture, bool deleteRedactedDocument)
    {
        var (_, results) = await fixture.RunAsync(("CREATE TABLE T", []), ("CREATE INDEX ON T (k)", []), ("INSERT INTO T << ?, ? >>", [IonText.Parse("{k: 1}"), IonText.Parse("{k: 2}")]));
        var id = ((IonString)((IonStruct)results[2][0])["documentId"]!).Value;
        var other = ((IonString)((IonStruct)results[2][1])["documentId"]!).Value;
        var table = await fixture.TableAsync("T");
        await fixture.RunInternalAsync(async t =>
            await t.UpdateAsync(table, id, IonStruct.Of(new IonField("k", IonInt.Of(3))), t.AddStatement("UPDATE", [], QldbTime.ToTimestamp(fixture.Clock.GetUtcNow())), default));
        var first = (await fixture.BlocksAsync())[0].Revisions.Single(r => r.DocumentId == id);
        await fixture.RunAsync($"EXEC redact_revision `{first.BlockAddress.ToIonText()}`, '{table.TableId}', '{id}'");
        var deleted = deleteRedactedDocument ? id : other;
        await fixture.RunInternalAsync(async t => await t.UpdateAsync(table, deleted, null, t.AddStatement("DELETE", [], QldbTime.ToTimestamp(fixture.Clock.GetUtcNow())), default));
        return (id, other);
    }
}

public sealed class EngineBlocksVerifyWithLedgerJournalTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Engine_written_blocks_parse_with_JournalBlock_FromIon_and_verify_with_JournalVerifier_revision_proofs_included(bool storageForm)
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var (id, _) = await BlockStorageFormTests.WriteRedactedHistoryAsync(fixture, deleteRedactedDocument: false);

        var engineBlocks = await fixture.BlocksAsync();
        Assert.Equal(4, engineBlocks.Count);
        var (digestHash, strandId, tip) = await fixture.Engine.GetDigestAsync(fixture.LedgerName);
        var digest = new LedgerDigest(digestHash, new BlockAddress(strandId, tip));
        var nodes = fixture.Ports.Journal.Nodes(fixture.LedgerName);

        var parsed = engineBlocks.Select(b => Ledger.Journal.Model.JournalBlock.FromIon(IonText.Parse(IonText.Write(b.ToIon(storageForm))))).ToList();
        JournalVerifier.VerifyChain(parsed).ThrowIfInvalid();
        Assert.NotNull(parsed[2].RedactionInfo);
        Assert.Equal(id, Assert.Single(parsed[2].Redactions).DocumentId);
        Assert.True(parsed[0].Revisions[parsed[0].IndexOfDocument(id)].IsRedacted);

        var userRevisions = 0;
        foreach (var block in parsed)
        {
            Assert.Equal(engineBlocks[(int)block.BlockAddress.SequenceNo].Hashes.BlockHash, block.BlockHash);
            var journalPath = await JournalProofBuilder.InclusionProofAsync(nodes, block.BlockAddress.SequenceNo, digest.TreeSize);
            JournalVerifier.VerifyBlock(block, journalPath, digest).ThrowIfInvalid();
            for (var r = 0; r < block.Revisions.Length; r++)
            {
                var revision = block.Revisions[r];

                // Catalog revisions are system revisions: only their hash unless the storage form keeps their data.
                Assert.Equal(!storageForm && revision.IsSystem, revision.Metadata is null);
                userRevisions += revision.IsSystem ? 0 : 1;
                var proof = (Hash32[])[.. block.RevisionProofPrefix(r), .. journalPath];
                JournalVerifier.VerifyRevision(revision.WithBlockAddress(block.BlockAddress), proof, digest, block).ThrowIfInvalid();
            }
        }

        // Two inserts, the update and the delete.
        Assert.Equal(4, userRevisions);
        Assert.All(parsed, b => Assert.True(b.Verify().IsValid));
    }
}
