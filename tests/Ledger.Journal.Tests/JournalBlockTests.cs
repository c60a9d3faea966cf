using Ledger.Ion;
using Ledger.Journal.Model;
using Ledger.Journal.Verification;

namespace Ledger.Journal.Tests;

/// <summary>New blocks built the way the engine will: genesis rule, our entries layout, chain, proofs end to end.</summary>
public sealed class JournalBlockTests
{
    private const string Strand = "TestStrandAAAAAAAAAAAA";

    [Fact]
    public void Genesis_block_has_an_empty_previous_hash_and_its_entries_hash_as_block_hash()
    {
        var genesis = NewBlock(0, null, revisions: 0);
        Assert.Null(genesis.Hashes.PreviousBlockHash);
        Assert.Equal(genesis.Hashes.EntriesHash, genesis.BlockHash);
        Assert.Contains("previousBlockHash:{{}}", genesis.ToIonText(), StringComparison.Ordinal);
        Assert.Null(JournalBlock.Parse(genesis.ToIonText()).Hashes.PreviousBlockHash);
        Assert.True(genesis.Verify().IsValid);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(2, true)]
    [InlineData(0, true)]
    public void Entries_follow_our_layout(int revisions, bool redacted)
    {
        var previous = NaiveJournalTree.SyntheticLeaf(1);
        var block = NewBlock(5, previous, revisions, redacted);
        var layout = BlockHashBuilder.Layout(revisions > 0, redacted);
        var entries = block.Hashes.EntriesHashList;

        Assert.Equal(layout.TransactionInfoIndex + 1, entries.Count);
        Assert.Equal(JournalIonHash.Of(block.TransactionInfo), entries[layout.TransactionInfoIndex]);
        if (revisions > 0)
        {
            Assert.Equal(QldbHash.MerkleRoot(block.Revisions.Select(r => r.Hash).ToArray()), entries[layout.RevisionsRootIndex]);
        }

        if (redacted)
        {
            Assert.Equal(JournalIonHash.Of(block.RedactionInfo!), entries[layout.RedactionInfoIndex]);
        }

        Assert.Equal(QldbHash.Dot(QldbHash.MerkleRoot(entries.ToArray()), previous), block.BlockHash);
        Assert.True(block.Verify().IsValid, block.Verify().ToString());
    }

    [Fact]
    public void Only_block_zero_may_lack_a_previous_hash()
    {
        Assert.Throws<ArgumentException>(() => NewBlock(1, null, 1));
        Assert.Throws<ArgumentException>(() => NewBlock(0, NaiveJournalTree.SyntheticLeaf(0), 1));
    }

    [Fact]
    public async Task Created_blocks_round_trip_chain_and_prove_every_revision_against_every_later_digest()
    {
        var blocks = new List<JournalBlock>();
        var tree = new TreeFixture();
        for (var i = 0; i < 12; i++)
        {
            var block = NewBlock(i, i == 0 ? null : blocks[^1].BlockHash, revisions: i % 4, redacted: i == 7);
            var reparsed = JournalBlock.Parse(block.ToIonText());
            Assert.Equal(block.ToIonText(), reparsed.ToIonText());
            blocks.Add(reparsed);
            tree.Append(reparsed.BlockHash);
        }

        Assert.True(JournalVerifier.VerifyChain(blocks).IsValid);
        for (var size = 1; size <= blocks.Count; size++)
        {
            var digest = new LedgerDigest(await tree.DigestAsync(size), new BlockAddress(Strand, size - 1));
            for (var b = 0; b < size; b++)
            {
                var block = blocks[b];
                var journalPath = await tree.InclusionProofAsync(b, size);
                Assert.True(JournalVerifier.VerifyBlock(block, journalPath, digest).IsValid);
                for (var r = 0; r < block.Revisions.Length; r++)
                {
                    Hash32[] proof = [.. block.RevisionProofPrefix(r), .. journalPath];
                    var wire = JournalProof.Parse(JournalProof.ToIonText(proof));
                    var result = JournalVerifier.VerifyRevision(block.Revisions[r], wire, digest, block);
                    Assert.True(result.IsValid, $"block {b} revision {r} size {size}: {result}");
                }
            }

            for (var older = 1; older <= size; older++)
            {
                var olderDigest = new LedgerDigest(await tree.DigestAsync(older), new BlockAddress(Strand, older - 1));
                Assert.True(JournalVerifier.VerifyConsistency(olderDigest, digest, await tree.ConsistencyProofAsync(older, size)).IsValid);
            }
        }
    }

    [Fact]
    public async Task Ledger_proofs_by_address_verify_and_check_their_arguments()
    {
        var blocks = new List<JournalBlock>();
        var tree = new TreeFixture();
        for (var i = 0; i < 9; i++)
        {
            blocks.Add(NewBlock(i, i == 0 ? null : blocks[^1].BlockHash, revisions: 2));
            tree.Append(blocks[^1].BlockHash);
        }

        var tip = new BlockAddress(Strand, 8);
        var older = new BlockAddress(Strand, 4);
        var digest = await LedgerProofs.DigestAsync(tree.Store, tip);
        Assert.Equal(tree.Appender.Digest(), digest.Digest);
        var block = blocks[3];
        Assert.True(JournalVerifier.VerifyBlock(block, await LedgerProofs.BlockProofAsync(tree.Store, block.BlockAddress, tip), digest).IsValid);
        Assert.True(JournalVerifier.VerifyRevision(block.Revisions[1], await LedgerProofs.RevisionProofAsync(tree.Store, block, 1, tip), digest, block).IsValid);
        var olderDigest = await LedgerProofs.DigestAsync(tree.Store, older);
        Assert.True(JournalVerifier.VerifyConsistency(olderDigest, digest, await LedgerProofs.ConsistencyProofAsync(tree.Store, older, tip)).IsValid);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await LedgerProofs.BlockProofAsync(tree.Store, tip, older));
        await Assert.ThrowsAsync<ArgumentException>(async () => await LedgerProofs.BlockProofAsync(tree.Store, new BlockAddress("OtherStrandAAAAAAAAAAA", 1), tip));
        Assert.IsType<MalformedProof>(JournalVerifier.VerifyConsistency(olderDigest, digest with { Tip = new BlockAddress("OtherStrandAAAAAAAAAAA", 8) }, []).Failure);
    }

    [Fact]
    public void Chain_failures_name_the_block_and_hash()
    {
        var first = NewBlock(0, null, 1);
        var second = NewBlock(1, first.BlockHash, 2);
        var unrelated = NewBlock(1, NaiveJournalTree.SyntheticLeaf(99), 2);
        Assert.True(JournalVerifier.VerifyChain([first, second]).IsValid);

        var broken = Assert.IsType<HashMismatch>(JournalVerifier.VerifyChain([first, unrelated]).Failure);
        Assert.Equal("block 1", broken.Location);
        Assert.Equal(first.BlockHash, broken.Expected);

        var tampered = JournalBlock.Parse(second.ToIonText().Replace("\"doc-1\"", "\"doc-X\"", StringComparison.Ordinal));
        var revision = Assert.IsType<HashMismatch>(JournalVerifier.VerifyChain([first, tampered]).Failure);
        Assert.Equal("revision hash", revision.Field);
        Assert.Equal("block 1, revision 1", revision.Location);
    }

    [Fact]
    public void Revision_of_a_deleted_document_hashes_its_metadata_alone()
    {
        var metadata = JournalRevision.CreateMetadata("DocumentIdAAAAAAAAAAAA", 2, IonTimestamp.Parse("2026-01-01T00:00:00.000Z"), "TxIdAAAAAAAAAAAAAAAAAA");
        var deleted = JournalRevision.Create(new BlockAddress(Strand, 3), metadata, data: null);
        Assert.Equal(JournalIonHash.Of(metadata), deleted.Hash);
        Assert.True(JournalRevision.Parse(deleted.ToIonText()).VerifyHash().IsValid);
        Assert.Throws<InvalidOperationException>(() => deleted.Redact());
    }

    [Fact]
    public void Malformed_block_text_is_rejected_with_the_field_named()
    {
        var text = NewBlock(1, NaiveJournalTree.SyntheticLeaf(0), 1).ToIonText();
        var error = Assert.Throws<JournalFormatException>(() => JournalBlock.Parse(text.Replace("entriesHash:", "entriesHashX:", StringComparison.Ordinal)));
        Assert.Contains("entriesHash", error.Message, StringComparison.Ordinal);
        Assert.Throws<JournalFormatException>(() => JournalProof.Parse("[{{AAAA}}]"));
        Assert.Throws<JournalFormatException>(() => BlockAddress.Parse("{strandId:\"x\"}"));
    }

    private static JournalBlock NewBlock(long sequenceNo, Hash32? previous, int revisions, bool redacted = false)
    {
        var address = new BlockAddress(Strand, sequenceNo);
        var txId = $"Tx{sequenceNo:D20}";
        var time = IonTimestamp.Parse("2026-11-22T04:00:00.123Z");
        var info = new TransactionInfoBuilder();
        var digest = new CommitDigest(txId);
        var list = new List<JournalRevision>();
        for (var i = 0; i < revisions; i++)
        {
            var statement = $"INSERT INTO T VALUE {{'n': {i}}}";
            var index = info.AddStatement(statement, time, digest.AddStatement(statement));
            info.AddDocument($"doc-{i}", "T", "TableIdAAAAAAAAAAAAAAA", index);
            var metadata = JournalRevision.CreateMetadata($"doc-{i}", sequenceNo, time, txId);
            list.Add(JournalRevision.Create(address, metadata, IonStruct.Of(new IonField("n", IonInt.Of(i)), new IonField("block", IonInt.Of(sequenceNo)))));
        }

        if (revisions == 0)
        {
            info.AddStatement("SELECT * FROM T", time, digest.AddStatement("SELECT * FROM T"));
        }

        IonStruct? redaction = redacted
            ? IonStruct.Of(new IonField("revisions", IonList.Of(IonStruct.Of(new IonField("documentId", IonString.Of("doc-0"))))))
            : null;
        return JournalBlock.Create(address, txId, time, previous, info.ToIon(), list, redaction);
    }
}
