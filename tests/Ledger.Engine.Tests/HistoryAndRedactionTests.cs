using Ledger.Engine.Errors;
using Ledger.Engine.Model;
using Ledger.Ion;
using Ledger.Journal;
using Ledger.Journal.Verification;

namespace Ledger.Engine.Tests;

public sealed class HistoryAndRedactionTests
{
    private static async Task<(EngineFixture Fixture, TableDescriptor Table, string DocumentId)> DocumentWithThreeRevisionsAsync()
    {
        var fixture = await EngineFixture.CreateAsync();
        var (_, results) = await fixture.RunAsync(("CREATE TABLE Car", []), ("INSERT INTO Car VALUE ?", [IonText.Parse("{VIN: \"1\", owner: \"a\"}")]));
        var id = ((IonString)((IonStruct)results[1][0])["documentId"]!).Value;
        var table = await fixture.TableAsync("Car");
        foreach (var owner in new[] { "b", "c" })
        {
            fixture.Clock.Advance(TimeSpan.FromSeconds(1));
            await fixture.RunInternalAsync(async t =>
            {
                var index = t.AddStatement("UPDATE Car SET owner = ?", [IonString.Of(owner)], QldbTime.ToTimestamp(fixture.Clock.GetUtcNow()));
                var current = await t.ReadDocumentAsync(table.TableId, id, default);
                await t.UpdateAsync(table, id, current!.Value.Data.With("owner", IonString.Of(owner)), index, default);
            });
        }

        return (fixture, table, id);
    }

    [Fact]
    public async Task History_lists_every_revision_with_metadata_and_the_committed_view_the_latest()
    {
        var (fixture, table, id) = await DocumentWithThreeRevisionsAsync();
        await using var _ = fixture;
        IReadOnlyList<DocumentRevision> history = [];
        DocumentRevision? committed = null;
        await fixture.RunInternalAsync(async t =>
        {
            history = await t.ReadHistoryAsync(table.TableId, id, default);
            committed = await t.ReadCommittedAsync(table.TableId, id, default);
        });
        Assert.Equal([0L, 1L, 2L], history.Select(r => r.Version));
        Assert.Equal(["a", "b", "c"], history.Select(r => ((IonString)r.Data!["owner"]!).Value));
        Assert.True(history[0].TxTime < history[1].TxTime);
        Assert.Equal(history[2], committed);
        var record = committed!.ToSystemRecord();
        Assert.Equal(["blockAddress", "hash", "data", "metadata"], record.Fields.Select(f => f.Name.Text));
    }

    [Fact]
    public async Task A_deletion_is_a_final_revision_without_data()
    {
        var (fixture, table, id) = await DocumentWithThreeRevisionsAsync();
        await using var _ = fixture;
        await fixture.RunInternalAsync(async t =>
            await t.UpdateAsync(table, id, null, t.AddStatement("DELETE FROM Car", [], QldbTime.ToTimestamp(fixture.Clock.GetUtcNow())), default));
        IReadOnlyList<DocumentRevision> history = [];
        (IonStruct, long)? live = null;
        await fixture.RunInternalAsync(async t =>
        {
            history = await t.ReadHistoryAsync(table.TableId, id, default);
            live = await t.ReadDocumentAsync(table.TableId, id, default);
        });
        Assert.Null(live);
        Assert.True(history[^1].IsDeleted);
        Assert.Equal(3, history[^1].Version);
        Assert.Equal(history[^1].Hash, BlockHashBuilder.RevisionHash(EngineFixture.IonHashOf(history[^1].Metadata), null));
    }

    [Fact]
    public async Task Redact_revision_replaces_data_by_its_hash_keeps_the_revision_hash_and_the_journal_verifies()
    {
        var (fixture, table, id) = await DocumentWithThreeRevisionsAsync();
        await using var _ = fixture;
        var before = (await fixture.BlocksAsync())[0].Revisions.Single(r => r.DocumentId == id);
        var address = before.BlockAddress.ToIonText();
        var (_, results) = await fixture.RunAsync($"EXEC redact_revision `{address}`, '{table.TableId}', '{id}'");
        var row = (IonStruct)Assert.Single(results[0]);
        Assert.Equal(IonInt.Of(0), row["version"]);
        Assert.Equal(IonString.Of(id), row["documentId"]);

        IReadOnlyList<DocumentRevision> history = [];
        await fixture.RunInternalAsync(async t => history = await t.ReadHistoryAsync(table.TableId, id, default));
        Assert.True(history[0].IsRedacted);
        Assert.Null(history[0].Data);
        Assert.Equal(before.Hash, history[0].Hash);
        Assert.Equal(before.Hash, history[0].ComputeHash());
        Assert.NotNull(history[1].Data);

        var blocks = await fixture.BlocksAsync();
        var redactionBlock = blocks[^1];
        Assert.Single(redactionBlock.Redactions);
        Assert.True(redactionBlock.ToIon().ContainsField("redactionInfo"));
        BlockVerifier.VerifyChain(blocks.Select(b => b.Hashes).ToList()).ThrowIfInvalid();
    }

    [Fact]
    public async Task Redacting_the_latest_revision_or_two_revisions_in_one_transaction_is_refused()
    {
        var (fixture, table, id) = await DocumentWithThreeRevisionsAsync();
        await using var _ = fixture;
        var revisions = (await fixture.BlocksAsync()).SelectMany(b => b.Revisions).Where(r => r.DocumentId == id).ToList();
        string Redact(DocumentRevision r) => $"EXEC redact_revision `{r.BlockAddress.ToIonText()}`, '{table.TableId}', '{id}'";

        var latest = await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync(Redact(revisions[2])));
        Assert.Contains("latest revision", latest.Message, StringComparison.Ordinal);
        var twice = await Assert.ThrowsAsync<BadRequestException>(() => fixture.RunAsync(Redact(revisions[0]), Redact(revisions[1])));
        Assert.Contains("Redaction limit of 1", twice.Message, StringComparison.Ordinal);
    }
}
