using Ledger.Engine.Errors;
using Ledger.Ion;
using Ledger.Journal;
using Ledger.Journal.Model;
using Ledger.Journal.Verification;

namespace Ledger.Engine.Tests;

/// <summary>GetDigest, GetBlock and GetRevision as the control plane calls them, checked with Ledger.Journal's verifier.</summary>
public sealed class JournalApiTests
{
    // A journal with one- and many-revision blocks, updates and a deletion, saving the digest after every commit
    // the way a client saves digests it later verifies against.
    private static async Task<(EngineFixture Fixture, List<LedgerDigest> Digests)> JournalWithSavedDigestsAsync()
    {
        var fixture = await EngineFixture.CreateAsync();
        var digests = new List<LedgerDigest>();
        async Task CommitAsync(params (string, IonValue[])[] statements)
        {
            await fixture.RunAsync(statements);
            digests.Add(await fixture.Engine.GetLedgerDigestAsync(fixture.LedgerName));
        }

        await CommitAsync(("CREATE TABLE Car", []));
        for (var i = 0; i < 6; i++)
        {
            var cars = Enumerable.Range(0, i + 1).Select(j => IonText.Parse($"{{VIN: \"V{i}-{j}\", n: {j}}}")).ToArray();
            var placeholders = string.Join(", ", cars.Select(_ => "?"));
            await CommitAsync(($"INSERT INTO Car << {placeholders} >>", cars));
        }

        await CommitAsync(("UPDATE Car AS c SET c.n = 100 WHERE c.VIN = 'V3-1'", []));
        await CommitAsync(("DELETE FROM Car AS c WHERE c.VIN = 'V5-0'", []));
        await CommitAsync(("INSERT INTO Car VALUE ?", [IonText.Parse("{VIN: \"last\"}")]));
        return (fixture, digests);
    }

    [Fact]
    public async Task Every_block_and_revision_proof_verifies_against_every_saved_digest()
    {
        var (fixture, digests) = await JournalWithSavedDigestsAsync();
        await using var _ = fixture;
        var blocks = await fixture.BlocksAsync();
        Assert.Equal(10, blocks.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), digests.Select(d => d.Tip.SequenceNo));

        var blockProofs = 0;
        var revisionProofs = 0;
        foreach (var digest in digests)
        {
            // The digest at an old tip is still the root over exactly those blocks.
            Assert.Equal(digest.Digest, (await LedgerProofs.DigestAsync(fixture.Ports.Journal.Nodes(fixture.LedgerName), digest.Tip)).Digest);
            foreach (var stored in blocks.Where(b => b.SequenceNo <= digest.Tip.SequenceNo))
            {
                var address = new BlockAddress(stored.StrandId, stored.SequenceNo);
                var result = await fixture.Engine.GetBlockAsync(fixture.LedgerName, address, digest.Tip);

                // The block as shown re-reads to a block that verifies, and its proof folds to the saved digest.
                var shown = JournalBlock.Parse(result.Block.ToIonText());
                shown.Verify().ThrowIfInvalid();
                Assert.Equal(stored.Hashes.BlockHash, shown.BlockHash);
                ProofVerifier.VerifyInclusion(stored.SequenceNo, digest.TreeSize, shown.BlockHash, [.. result.Proof!], digest.Digest).ThrowIfInvalid();
                blockProofs++;

                foreach (var revision in stored.Revisions.Where(r => !r.IsCatalog))
                {
                    var found = await fixture.Engine.GetRevisionAsync(fixture.LedgerName, address, revision.DocumentId, digest.Tip);
                    var shownRevision = JournalRevision.Parse(found.Revision.ToIonText());
                    shownRevision.VerifyHash().ThrowIfInvalid();
                    Assert.Equal(address, shownRevision.BlockAddress);
                    Assert.Equal(revision.Hash, shownRevision.Hash);
                    ProofVerifier.VerifyRevision(shownRevision.Hash, stored.SequenceNo, digest.TreeSize, [.. found.Proof!], digest.Digest, stored.Hashes.BlockHash).ThrowIfInvalid();
                    Assert.Equal(digest.Digest, QldbHash.Fold(shownRevision.Hash, [.. found.Proof!]));
                    revisionProofs++;
                }
            }
        }

        // 55 (block, tip) pairs; the 24 user revisions, each proven at every tip at or after its block: block b of
        // the inserts holds b revisions (b = 1..6, proven at 10 - b tips), blocks 7, 8 and 9 one each.
        Assert.Equal(55, blockProofs);
        Assert.Equal(125, revisionProofs);
    }

    [Fact]
    public async Task A_proof_does_not_verify_against_another_tips_digest()
    {
        var (fixture, digests) = await JournalWithSavedDigestsAsync();
        await using var _ = fixture;
        var block = (await fixture.BlocksAsync())[4];
        var address = new BlockAddress(block.StrandId, block.SequenceNo);

        var result = await fixture.Engine.GetBlockAsync(fixture.LedgerName, address, digests[6].Tip);

        Assert.False(ProofVerifier.VerifyInclusion(4, digests[7].TreeSize, block.Hashes.BlockHash, [.. result.Proof!], digests[7].Digest).IsValid);
        Assert.NotEqual(digests[7].Digest, QldbHash.Fold(block.Hashes.BlockHash, [.. result.Proof!]));
    }

    [Fact]
    public async Task Blocks_show_system_revisions_as_hash_only_and_come_without_proof_when_no_tip_is_given()
    {
        var (fixture, _) = await JournalWithSavedDigestsAsync();
        await using var __ = fixture;
        var strand = (await fixture.Engine.DescribeLedgerAsync(fixture.LedgerName)).StrandId;

        var genesis = await fixture.Engine.GetBlockAsync(fixture.LedgerName, new BlockAddress(strand, 0), digestTip: null);
        var text = genesis.Block.ToIonText();

        Assert.Null(genesis.Proof);
        var revision = (IonStruct)Assert.Single((IonList)((IonStruct)IonText.Parse(text))["revisions"]!);
        Assert.Equal(["hash"], revision.Fields.Select(f => f.Name.Text));
        Assert.StartsWith($"{{blockAddress:{{strandId:\"{strand}\",sequenceNo:0}},transactionId:", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_documents_final_revision_has_no_data_and_still_proves()
    {
        var (fixture, digests) = await JournalWithSavedDigestsAsync();
        await using var _ = fixture;
        var deletion = (await fixture.BlocksAsync())[8];
        var revision = Assert.Single(deletion.Revisions);

        var found = await fixture.Engine.GetRevisionAsync(fixture.LedgerName, new BlockAddress(deletion.StrandId, 8), revision.DocumentId, digests[^1].Tip);

        Assert.Null(found.Revision.Data);
        Assert.Equal(digests[^1].Digest, QldbHash.Fold(found.Revision.Hash, [.. found.Proof!]));
    }

    public static TheoryData<string, string> RefusedAddresses => new()
    {
        // (block address, digest tip); {strand} is the ledger's strand.
        { "{strandId:\"AAAAAAAAAAAAAAAAAAAAAA\",sequenceNo:1}", "{strandId:\"{strand}\",sequenceNo:3}" },
        { "{strandId:\"{strand}\",sequenceNo:10}", "{strandId:\"{strand}\",sequenceNo:9}" },
        { "{strandId:\"{strand}\",sequenceNo:1}", "{strandId:\"{strand}\",sequenceNo:10}" },
        { "{strandId:\"{strand}\",sequenceNo:1}", "{strandId:\"AAAAAAAAAAAAAAAAAAAAAA\",sequenceNo:3}" },
        { "{strandId:\"{strand}\",sequenceNo:5}", "{strandId:\"{strand}\",sequenceNo:4}" },
    };

    [Theory]
    [MemberData(nameof(RefusedAddresses))]
    public async Task Addresses_off_the_strand_past_the_journal_or_with_a_tip_before_the_block_are_invalid(string block, string tip)
    {
        var (fixture, _) = await JournalWithSavedDigestsAsync();
        await using var __ = fixture;
        var strand = (await fixture.Engine.DescribeLedgerAsync(fixture.LedgerName)).StrandId;
        var blockAddress = LedgerEngine.ParseBlockAddress(block.Replace("{strand}", strand, StringComparison.Ordinal), "BlockAddress");
        var tipAddress = LedgerEngine.ParseBlockAddress(tip.Replace("{strand}", strand, StringComparison.Ordinal), "DigestTipAddress");
        var documentId = (await fixture.BlocksAsync())[1].Revisions[0].DocumentId;

        var blockRefusal = await Assert.ThrowsAsync<InvalidParameterException>(() => fixture.Engine.GetBlockAsync(fixture.LedgerName, blockAddress, tipAddress));
        var revisionRefusal = await Assert.ThrowsAsync<InvalidParameterException>(() => fixture.Engine.GetRevisionAsync(fixture.LedgerName, blockAddress, documentId, tipAddress));

        var expectedParameter = blockAddress.StrandId != strand || blockAddress.SequenceNo >= 10 ? "BlockAddress" : "DigestTipAddress";
        Assert.Equal(expectedParameter, blockRefusal.ParameterName);
        Assert.Equal(expectedParameter, revisionRefusal.ParameterName);
    }

    [Fact]
    public async Task A_document_without_a_revision_in_the_block_is_invalid()
    {
        var (fixture, digests) = await JournalWithSavedDigestsAsync();
        await using var _ = fixture;
        var blocks = await fixture.BlocksAsync();
        var elsewhere = blocks[2].Revisions[0].DocumentId;

        var refusal = await Assert.ThrowsAsync<InvalidParameterException>(() =>
            fixture.Engine.GetRevisionAsync(fixture.LedgerName, new BlockAddress(blocks[1].StrandId, 1), elsewhere, digests[^1].Tip));

        Assert.Equal("DocumentId", refusal.ParameterName);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{strandId:\"x\"")]
    [InlineData("{strandId:\"x\"}")]
    [InlineData("{strandId:\"x\",sequenceNo:-1}")]
    [InlineData("{strandId:\"x\",sequenceNo:\"1\"}")]
    [InlineData("{strandId:1,sequenceNo:1}")]
    [InlineData("[1]")]
    [InlineData("{strandId:\"x\",sequenceNo:1} {strandId:\"x\",sequenceNo:2}")]
    public void Malformed_address_text_is_an_invalid_parameter(string? ionText)
    {
        var refusal = Assert.Throws<InvalidParameterException>(() => LedgerEngine.ParseBlockAddress(ionText, "DigestTipAddress"));

        Assert.Equal("DigestTipAddress", refusal.ParameterName);
    }

    [Fact]
    public void Well_formed_address_text_parses()
    {
        var address = LedgerEngine.ParseBlockAddress("{ sequenceNo: 100, strandId: \"KmA3ZZca7vAIiJAK9S5Iwl\" }", "BlockAddress");

        Assert.Equal(new BlockAddress("KmA3ZZca7vAIiJAK9S5Iwl", 100), address);
    }

    [Fact]
    public async Task A_missing_ledger_is_not_found_and_an_empty_one_is_not_ready()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var address = new BlockAddress("AAAAAAAAAAAAAAAAAAAAAA", 0);

        var missing = await Assert.ThrowsAsync<ResourceNotFoundException>(() => fixture.Engine.GetLedgerDigestAsync("no-such-ledger"));
        var empty = await Assert.ThrowsAsync<ResourcePreconditionNotMetException>(() => fixture.Engine.GetLedgerDigestAsync(fixture.LedgerName));
        var emptyBlock = await Assert.ThrowsAsync<ResourcePreconditionNotMetException>(() => fixture.Engine.GetBlockAsync(fixture.LedgerName, address, null));

        Assert.Equal("no-such-ledger", missing.ResourceName);
        Assert.Equal(fixture.LedgerName, empty.ResourceName);
        Assert.Equal(fixture.LedgerName, emptyBlock.ResourceName);
    }

    [Fact]
    public async Task An_instance_without_the_ledgers_lease_serves_the_same_digest_and_proofs()
    {
        var (fixture, digests) = await JournalWithSavedDigestsAsync();
        await using var _ = fixture;
        await using var reader = new LedgerEngine(fixture.Ports, fixture.Clock);
        var block = (await fixture.BlocksAsync())[3];
        var address = new BlockAddress(block.StrandId, block.SequenceNo);

        // The fixture's engine holds the lease; this one reads digests and proofs all the same.
        var digest = await reader.GetLedgerDigestAsync(fixture.LedgerName);
        var found = await reader.GetRevisionAsync(fixture.LedgerName, address, block.Revisions[1].DocumentId, digests[5].Tip);

        Assert.Equal(digests[^1], digest);
        Assert.Equal(digests[5].Digest, QldbHash.Fold(found.Revision.Hash, [.. found.Proof!]));
    }

    [Fact]
    public async Task The_digest_of_an_instance_that_did_not_sequence_lately_covers_the_other_instances_commits()
    {
        var (fixture, digests) = await JournalWithSavedDigestsAsync();
        await using var _ = fixture;
        await using var other = new LedgerEngine(fixture.Ports, fixture.Clock);
        await other.GetLedgerDigestAsync(fixture.LedgerName);
        await fixture.RunAsync("INSERT INTO Car VALUE {'late': 1}");

        var digest = await other.GetLedgerDigestAsync(fixture.LedgerName);
        Assert.Equal(await fixture.Engine.GetLedgerDigestAsync(fixture.LedgerName), digest);
        Assert.NotEqual(digests[^1], digest);
    }
}
