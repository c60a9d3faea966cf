using Ledger.Ion;
using Ledger.Journal.Model;

namespace Ledger.Journal.Tests;

/// <summary>What the engine builds blocks with: system revisions that keep their data, typed entries, redaction in place.</summary>
public sealed class SystemRevisionAndTypedEntryTests
{
    private static readonly BlockAddress Address = new("TestStrandAAAAAAAAAAAA", 3);
    private static readonly IonTimestamp Time = IonTimestamp.Parse("2026-01-02T03:04:05.678Z");

    [Fact]
    public void A_system_revision_shows_only_its_hash_and_its_storage_form_round_trips_with_data()
    {
        var metadata = JournalRevision.CreateMetadata("table1", 0, Time, "tx1");
        var data = IonText.Parse("{name: \"T\", status: \"ACTIVE\"}");
        var system = JournalRevision.CreateSystem(Address, metadata, data);
        Assert.True(system.IsSystem);
        Assert.Equal(BlockHashBuilder.RevisionHash(JournalIonHash.Of(metadata), JournalIonHash.Of(data)), system.Hash);

        Assert.Equal("{hash:" + IonText.Write(IonBlob.Of(system.Hash.ToArray())) + "}", system.ToIonText());
        var stored = system.ToIon(includeSystemData: true);
        Assert.True(stored.HasAnnotation(JournalRevision.SystemAnnotation));
        var read = JournalRevision.FromIon(IonText.Parse(IonText.Write(stored)));
        Assert.True(read.IsSystem);
        Assert.Equal(data, read.Data);
        Assert.Equal(metadata, read.Metadata);
        Assert.True(read.VerifyHash().IsValid);

        var user = JournalRevision.Create(Address, metadata, data);
        Assert.False(user.IsSystem);
        Assert.False(user.ToIon(includeSystemData: true).HasAnnotations);
    }

    [Fact]
    public void Typed_entries_read_back_what_the_builders_wrote_and_redaction_in_place_keeps_every_hash()
    {
        var info = new TransactionInfoBuilder();
        var statement = new StatementRecord("INSERT INTO T VALUE ?", Time, CommitDigest.StatementDigest("INSERT INTO T VALUE ?", [IonInt.Of(1)]));
        Assert.Equal(0, info.AddStatement(statement));
        var touch = new DocumentTouch("doc1", "T", "table1", [0]);
        info.AddDocument(touch);
        var target = new RedactionTarget(Address.StrandId, 1, "table1", "doc0", 2);
        var system = JournalRevision.CreateSystem(Address, JournalRevision.CreateMetadata("table1", 1, Time, "tx1"), IonText.Parse("{name: \"T\"}"));
        var user = JournalRevision.Create(Address, JournalRevision.CreateMetadata("doc1", 0, Time, "tx1"), IonText.Parse("{a: 1}"));
        var block = JournalBlock.Create(Address, "tx1", Time, NaiveJournalTree.SyntheticLeaf(2), info.ToIon(), [system, user], RedactionTarget.RedactionInfo([target]));

        var parsed = JournalBlock.FromIon(IonText.Parse(IonText.Write(block.ToIon(includeSystemRevisionData: true))));
        Assert.Equal(statement.Statement, Assert.Single(parsed.Statements).Statement);
        Assert.Equal(statement.StatementDigest, parsed.Statements[0].StatementDigest);
        Assert.Equal(IonTimestampValue.Of(statement.StartTime), IonTimestampValue.Of(parsed.Statements[0].StartTime));
        Assert.Equal(touch.Statements.ToArray(), Assert.Single(parsed.Documents).Statements.ToArray());
        Assert.Equal(touch with { Statements = [] }, parsed.Documents[0] with { Statements = [] });
        Assert.Equal(target, Assert.Single(parsed.Redactions));
        Assert.Equal(target.BlockAddress, parsed.Redactions[0].BlockAddress);
        Assert.True(parsed.Revisions[0].IsSystem);
        Assert.Equal(1, parsed.IndexOfDocument("doc1"));
        Assert.Equal(-1, parsed.IndexOfDocument("table1"));

        var redacted = parsed.RedactRevision("doc1", 0);
        Assert.True(redacted.Revisions[1].IsRedacted);
        Assert.Equal(parsed.Hashes, redacted.Hashes);
        Assert.True(redacted.Verify().IsValid);
        Assert.Same(parsed, parsed.RedactRevision("doc1", 1));
        Assert.Same(redacted, redacted.RedactRevision("doc1", 0));
        Assert.Empty(JournalBlock.Create(Address with { SequenceNo = 0 }, "tx2", Time, null, new TransactionInfoBuilder().ToIon(), []).Redactions);
    }
}
