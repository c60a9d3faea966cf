using Ledger.Azure.Storage;
using Ledger.Azure.Tests.Infrastructure;
using Ledger.Engine;
using Ledger.Engine.InMemory;
using Ledger.Engine.Model;
using Ledger.Engine.Ports;
using Ledger.Ion;
using Ledger.Journal.Tree;

namespace Ledger.Azure.Tests.Storage;

/// <summary>
/// The behaviour every implementation of the engine's ports must share, run against the in-memory ports (the
/// reference) and against the Azure ports on a real Azurite. View reads are compared with an in-memory view store fed
/// the same blocks, at every snapshot, so the Azure views answer exactly what the reference answers.
/// </summary>
public abstract class PortContractTests : IAsyncLifetime
{
    private EnginePorts? _ports;

    protected EnginePorts Ports => _ports ?? throw new InvalidOperationException("Not initialized.");

    protected static string NewLedgerName() => "ledger-" + Guid.NewGuid().ToString("N")[..8];

    protected abstract Task<EnginePorts> CreatePortsAsync();

    protected virtual Task DeletePortsAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _ports = await CreatePortsAsync();

    public Task DisposeAsync() => DeletePortsAsync();

    [Fact]
    public async Task Blocks_append_only_into_free_slots_read_back_in_pages_and_give_the_tip()
    {
        var sample = await SampleJournal.CreateAsync();
        var rival = await SampleJournal.CreateAsync();
        var ledger = NewLedgerName();
        var journal = Ports.Journal;
        Assert.Equal(new JournalTip(0, null), await journal.GetTipAsync(ledger));

        Assert.Equal(AppendOutcome.Appended, await journal.TryAppendAsync(ledger, sample.Blocks.Take(3).ToList()));
        Assert.Equal(AppendOutcome.SlotTaken, await journal.TryAppendAsync(ledger, rival.Blocks.Skip(2).Take(2).ToList()));
        Assert.Equal(new JournalTip(3, sample.Blocks[2].Hashes.BlockHash), await journal.GetTipAsync(ledger));
        await Assert.ThrowsAnyAsync<Exception>(async () => await journal.TryAppendAsync(ledger, sample.Blocks.Skip(4).Take(1).ToList()));
        Assert.Equal(AppendOutcome.Appended, await journal.TryAppendAsync(ledger, sample.Blocks.Skip(3).ToList()));

        var size = sample.Blocks.Count;
        Assert.Equal(new JournalTip(size, sample.Blocks[^1].Hashes.BlockHash), await journal.GetTipAsync(ledger));
        var read = new List<JournalBlock>();
        var pages = 0;
        for (long? from = 0; from is { } start; pages++)
        {
            var page = await journal.ReadBlocksAsync(ledger, start, size, 4);
            Assert.InRange(page.Blocks.Count, 1, 4);
            read.AddRange(page.Blocks);
            from = page.NextSequenceNo;
        }

        Assert.Equal((size + 3) / 4, pages);
        Assert.Equal(sample.Blocks.Select(Text), read.Select(Text));
        Assert.Empty((await journal.ReadBlocksAsync(ledger, size, size + 10, 10)).Blocks);
        var middle = await journal.ReadBlocksAsync(ledger, 2, 5, 100);
        Assert.Equal([2L, 3L, 4L], middle.Blocks.Select(b => b.SequenceNo));
        Assert.Null(middle.NextSequenceNo);

        await journal.DeleteJournalAsync(ledger);
        Assert.Equal(new JournalTip(0, null), await journal.GetTipAsync(ledger));
        Assert.Equal(AppendOutcome.Appended, await journal.TryAppendAsync(ledger, rival.Blocks.Take(1).ToList()));
        Assert.Equal(rival.Blocks[0].Hashes.BlockHash, (await journal.GetTipAsync(ledger)).LastBlockHash);
    }

    [Fact]
    public async Task A_redaction_rewrites_only_the_revision_data_and_keeps_every_hash()
    {
        var sample = await SampleJournal.CreateAsync(extraDocuments: 0);
        var ledger = NewLedgerName();
        Assert.Equal(AppendOutcome.Appended, await Ports.Journal.TryAppendAsync(ledger, sample.Unredacted));
        await Ports.Journal.RedactRevisionAsync(ledger, sample.Target);
        await Ports.Journal.RedactRevisionAsync(ledger, sample.Target);

        var stored = await SampleJournal.ReadAllAsync(Ports.Journal, ledger);
        Assert.Equal(sample.Blocks.Select(Text), stored.Select(Text));
        var redacted = stored[(int)sample.Target.SequenceNo].Revisions.Single(r => r.DocumentId == sample.Target.DocumentId);
        Assert.True(redacted.IsRedacted);
        Assert.Equal(redacted.Hash, redacted.ComputeHash());
        Assert.True(Ledger.Journal.Verification.JournalVerifier.VerifyChain(stored.Select(b => b.Journal).ToList()).IsValid);
    }

    [Fact]
    public async Task Tree_nodes_are_stored_idempotently_and_serve_digests_and_proofs()
    {
        var sample = await SampleJournal.CreateAsync();
        var ledger = NewLedgerName();
        var tree = new JournalTreeAppender();
        var nodes = sample.Blocks.SelectMany(b => tree.Append(b.Hashes.BlockHash)).ToList();
        await Ports.Journal.AddNodesAsync(ledger, nodes);
        await Ports.Journal.AddNodesAsync(ledger, nodes.Take(5).ToList());

        var reference = new InMemoryJournalNodeStore();
        reference.AddRange(nodes.ToArray());
        var store = Ports.Journal.Nodes(ledger);
        for (long size = 1; size <= sample.Blocks.Count; size++)
        {
            Assert.Equal(await JournalProofBuilder.DigestAsync(reference, size), await JournalProofBuilder.DigestAsync(store, size));
        }

        Assert.Equal(
            await JournalProofBuilder.InclusionProofAsync(reference, 3, sample.Blocks.Count),
            await JournalProofBuilder.InclusionProofAsync(store, 3, sample.Blocks.Count));
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await store.GetNodesAsync([new NodeId(0, sample.Blocks.Count)]));
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await Ports.Journal.Nodes(NewLedgerName()).GetNodesAsync([new NodeId(0, 0)]));
    }

    [Fact]
    public async Task Views_answer_like_the_reference_at_every_snapshot_and_page_with_tokens()
    {
        var sample = await SampleJournal.CreateAsync();
        var ledger = NewLedgerName();
        var reference = new InMemoryViewStore();
        var views = Ports.Views;
        foreach (var block in sample.Blocks)
        {
            await reference.ApplyBlockAsync(ledger, block);
            await views.ApplyBlockAsync(ledger, block);
        }

        // Applying a block again changes nothing.
        await views.ApplyBlockAsync(ledger, sample.Blocks[4]);
        var documentIds = sample.Blocks.SelectMany(b => b.Revisions).Where(r => !r.IsCatalog).Select(r => r.DocumentId).Distinct().ToList();
        for (long snapshot = 0; snapshot <= sample.Blocks.Count; snapshot++)
        {
            Assert.Equal(Catalog(await reference.GetCatalogAsync(ledger, snapshot)), Catalog(await views.GetCatalogAsync(ledger, snapshot)));
            foreach (var id in documentIds)
            {
                Assert.Equal(Text(await reference.GetDocumentAsync(ledger, sample.TableId, id, snapshot)), Text(await views.GetDocumentAsync(ledger, sample.TableId, id, snapshot)));
            }

            Assert.Equal(Texts(await ScanAllAsync(reference, ledger, sample.TableId, snapshot, 100)), Texts(await ScanAllAsync(views, ledger, sample.TableId, snapshot, 2)));
            Assert.Equal(Texts(await HistoryAllAsync(reference, ledger, sample.TableId, null, snapshot, 100)), Texts(await HistoryAllAsync(views, ledger, sample.TableId, null, snapshot, 3)));
            Assert.Equal(Texts(await HistoryAllAsync(reference, ledger, sample.TableId, documentIds[0], snapshot, 100)), Texts(await HistoryAllAsync(views, ledger, sample.TableId, documentIds[0], snapshot, 1)));
            foreach (var (field, value) in new (string, IonValue)[] { ("VIN", IonString.Of("v1")), ("VIN", IonString.Of("v2")), ("n", IonInt.Of(10)), ("n", IonInt.Of(3)) })
            {
                var key = IndexKey.From(value);
                Assert.Equal(
                    (await reference.FindIndexCandidatesAsync(ledger, sample.TableId, field, key, snapshot)).Order(StringComparer.Ordinal),
                    (await views.FindIndexCandidatesAsync(ledger, sample.TableId, field, key, snapshot)).Order(StringComparer.Ordinal));
            }
        }

        // Facts that do not depend on the reference: 2 of the first 3 cars live plus 6 more; v1 is at version 1 and
        // its first revision is redacted; two tables; the index on n was built over revisions stored before it.
        var size = sample.Blocks.Count;
        Assert.Equal(8, (await ScanAllAsync(views, ledger, sample.TableId, size, 3)).Count);
        var v1 = (await views.GetDocumentAsync(ledger, sample.TableId, documentIds[0], size))!;
        Assert.Equal(1, v1.Version);
        Assert.True((await HistoryAllAsync(views, ledger, sample.TableId, documentIds[0], size, 10))[0].IsRedacted);
        Assert.Equal(["Cars", "Owners"], (await views.GetCatalogAsync(ledger, size)).Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Single(await views.FindIndexCandidatesAsync(ledger, sample.TableId, "n", IndexKey.From(IonInt.Of(10)), size));

        Assert.Equal(0, await views.GetWatermarkAsync(ledger));
        await views.SetWatermarkAsync(ledger, 5);
        await views.SetWatermarkAsync(ledger, 3);
        Assert.Equal(5, await views.GetWatermarkAsync(ledger));

        await views.ClearAsync(ledger);
        Assert.Equal(0, await views.GetWatermarkAsync(ledger));
        Assert.Empty(await views.GetCatalogAsync(ledger, size));
        Assert.Null(await views.GetDocumentAsync(ledger, sample.TableId, documentIds[0], size));
        Assert.Empty(await views.FindIndexCandidatesAsync(ledger, sample.TableId, "VIN", IndexKey.From(IonString.Of("v1")), size));
    }

    [Fact]
    public async Task Ledger_records_change_only_with_their_current_etag_and_list_in_name_order()
    {
        var ledgers = Ports.Ledgers;
        var prefix = "l" + Guid.NewGuid().ToString("N")[..6] + "-";
        var record = new LedgerRecord(prefix + "b", LedgerState.Creating, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), "ALLOW_ALL", true, "strand");
        Assert.True(await ledgers.TryCreateAsync(record));
        Assert.False(await ledgers.TryCreateAsync(record));
        var stored = (await ledgers.GetAsync(record.Name))!;
        Assert.Equal(record with { ETag = stored.ETag }, stored);
        Assert.True(await ledgers.TryUpdateAsync(stored with { State = LedgerState.Active, Tags = new Dictionary<string, string> { ["team"] = "a/b", ["env"] = "" } }));
        Assert.Equal(["env=", "team=a/b"], (await ledgers.GetAsync(record.Name))!.Tags!.Select(t => t.Key + "=" + t.Value).Order(StringComparer.Ordinal));
        Assert.False(await ledgers.TryUpdateAsync(stored with { State = LedgerState.Deleting }));
        Assert.False(await ledgers.TryDeleteAsync(stored));
        Assert.Equal(LedgerState.Active, (await ledgers.GetAsync(record.Name))!.State);

        foreach (var name in new[] { "a", "c", "d" })
        {
            Assert.True(await ledgers.TryCreateAsync(record with { Name = prefix + name }));
        }

        var listed = new List<string>();
        string? token = null;
        do
        {
            var page = await ledgers.ListAsync(1, token);
            listed.AddRange(page.Ledgers.Select(l => l.Name).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)));
            token = page.NextToken;
        }
        while (token is not null);
        Assert.Equal(["a", "b", "c", "d"], listed.Select(n => n[prefix.Length..]));

        Assert.True(await ledgers.TryDeleteAsync((await ledgers.GetAsync(record.Name))!));
        Assert.Null(await ledgers.GetAsync(record.Name));
    }

    [Fact]
    public async Task Sessions_change_only_with_their_current_etag_and_count_per_ledger()
    {
        var sessions = Ports.Sessions;
        var ledger = NewLedgerName();
        var created = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        // Real tokens are base64, with '/' and '+' that table keys must escape.
        var token = "ab/cd+ef#g?h\\" + Guid.NewGuid().ToString("N");
        await sessions.CreateAsync(new SessionRecord(token, "id", ledger, created, null, null));
        await sessions.CreateAsync(new SessionRecord(token + "2", "id2", ledger, created.AddMinutes(-20), null, null));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await sessions.CreateAsync(new SessionRecord(token, "again", ledger, created, null, null)));
        var session = (await sessions.GetAsync(token))!;
        Assert.Equal(new SessionRecord(token, "id", ledger, created, null, null, session.ETag), session);
        Assert.True(await sessions.TryUpdateAsync(session with { TransactionId = "tx", TransactionStartedAt = created.AddSeconds(1) }));
        Assert.False(await sessions.TryUpdateAsync(session with { TransactionId = "other" }));
        var updated = (await sessions.GetAsync(token))!;
        Assert.Equal(("tx", created.AddSeconds(1)), (updated.TransactionId, updated.TransactionStartedAt));
        Assert.Equal(1, await sessions.CountActiveAsync(ledger, created.AddMinutes(-15)));
        Assert.Equal(2, await sessions.CountActiveAsync(ledger, created.AddMinutes(-30)));
        Assert.Equal(0, await sessions.CountActiveAsync(NewLedgerName(), created.AddMinutes(-30)));

        await sessions.DeleteAsync(token);
        await sessions.DeleteAsync(token);
        Assert.Null(await sessions.GetAsync(token));
    }

    [Fact]
    public async Task A_transaction_state_larger_than_one_table_entity_round_trips_and_shrinks_again()
    {
        var sessions = Ports.Sessions;
        var token = "big/state+" + Guid.NewGuid().ToString("N");
        var created = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        // A transaction may write 4 MiB; a Table entity holds 1 MiB.
        var big = new byte[3 * 1024 * 1024 + 17];
        new Random(11).NextBytes(big);
        await sessions.CreateAsync(new SessionRecord(token, "id", NewLedgerName(), created, "tx", created, null, big));

        var stored = (await sessions.GetAsync(token))!;
        Assert.Equal(big, stored.TransactionState);
        var small = new byte[] { 1, 2, 3 };
        Assert.True(await sessions.TryUpdateAsync(stored with { TransactionState = small }));
        Assert.Equal(small, (await sessions.GetAsync(token))!.TransactionState);
        var bigger = new byte[2 * 1024 * 1024];
        new Random(12).NextBytes(bigger);
        Assert.True(await sessions.TryUpdateAsync((await sessions.GetAsync(token))! with { TransactionState = bigger }));
        Assert.Equal(bigger, (await sessions.GetAsync(token))!.TransactionState);

        await sessions.DeleteAsync(token);
        Assert.Null(await sessions.GetAsync(token));
    }

    [Fact]
    public async Task Sessions_created_before_a_cutoff_are_swept_with_their_state_and_newer_ones_stay()
    {
        var sessions = Ports.Sessions;
        var ledger = NewLedgerName();
        var cutoff = new DateTimeOffset(2026, 1, 2, 3, 0, 0, TimeSpan.Zero);
        var big = new byte[2 * 1024 * 1024];
        new Random(13).NextBytes(big);
        var old = new[] { "old/a+" + Guid.NewGuid().ToString("N"), "old/b+" + Guid.NewGuid().ToString("N") };
        var fresh = "fresh/" + Guid.NewGuid().ToString("N");
        await sessions.CreateAsync(new SessionRecord(old[0], "a", ledger, cutoff.AddMinutes(-30), null, null));
        await sessions.CreateAsync(new SessionRecord(old[1], "b", ledger, cutoff.AddTicks(-1), "tx", cutoff, null, big));
        await sessions.CreateAsync(new SessionRecord(fresh, "c", ledger, cutoff, "tx", cutoff, null, big));

        Assert.Equal(2, await sessions.DeleteCreatedBeforeAsync(cutoff));

        Assert.Null(await sessions.GetAsync(old[0]));
        Assert.Null(await sessions.GetAsync(old[1]));
        Assert.Equal(big, (await sessions.GetAsync(fresh))!.TransactionState);
        Assert.Equal(1, await sessions.CountActiveAsync(ledger, cutoff.AddDays(-1)));
        Assert.Equal(0, await sessions.DeleteCreatedBeforeAsync(cutoff));
    }

    [Fact]
    public async Task A_lease_excludes_other_owners_until_released()
    {
        var leases = Ports.Lease;
        var ledger = NewLedgerName();
        var held = await leases.TryAcquireAsync(ledger, TimeSpan.FromSeconds(30));
        Assert.NotNull(held);
        Assert.Null(await leases.TryAcquireAsync(ledger, TimeSpan.FromSeconds(30)));
        Assert.True(await leases.RenewAsync(held));
        Assert.NotNull(await leases.TryAcquireAsync(NewLedgerName(), TimeSpan.FromSeconds(30)));
        await leases.ReleaseAsync(held);
        Assert.False(await leases.RenewAsync(held));
        var next = await leases.TryAcquireAsync(ledger, TimeSpan.FromSeconds(30));
        Assert.NotNull(next);
        await leases.ReleaseAsync(held);
        Assert.True(await leases.RenewAsync(next));
        await leases.ReleaseAsync(next);
    }

    private static string Text(JournalBlock block) => IonText.Write(block.ToIon(includeSystemRevisionData: true));

    private static string? Text(DocumentRevision? revision) => revision is null ? null : revision.TableId + " " + IonText.Write(revision.ToSystemRecord());

    private static List<string?> Texts(IEnumerable<DocumentRevision> revisions) => revisions.Select(Text).ToList();

    private static List<string> Catalog(IEnumerable<TableDescriptor> tables) => tables.Select(t => t.Version + " " + IonText.Write(t.ToIon())).ToList();

    private static async Task<List<DocumentRevision>> ScanAllAsync(IViewStore views, string ledger, string tableId, long snapshot, int pageSize)
    {
        var all = new List<DocumentRevision>();
        string? token = null;
        do
        {
            var page = await views.ScanTableAsync(ledger, tableId, snapshot, token, pageSize);
            Assert.InRange(page.Revisions.Count, page.ContinuationToken is null ? 0 : pageSize, pageSize);
            all.AddRange(page.Revisions);
            token = page.ContinuationToken;
        }
        while (token is not null);
        return all;
    }

    private static async Task<List<DocumentRevision>> HistoryAllAsync(IViewStore views, string ledger, string tableId, string? documentId, long snapshot, int pageSize)
    {
        var all = new List<DocumentRevision>();
        string? token = null;
        do
        {
            var page = await views.ReadHistoryAsync(ledger, tableId, documentId, snapshot, token, pageSize);
            Assert.InRange(page.Revisions.Count, page.ContinuationToken is null ? 0 : pageSize, pageSize);
            all.AddRange(page.Revisions);
            token = page.ContinuationToken;
        }
        while (token is not null);
        return all;
    }
}

/// <summary>The contract on the in-memory ports (the reference the Azure ports are held to).</summary>
public sealed class InMemoryPortContractTests : PortContractTests
{
    protected override Task<EnginePorts> CreatePortsAsync() => Task.FromResult(EnginePorts.InMemory(TimeProvider.System));
}

/// <summary>The contract on the Azure ports, on Azurite, in tables and containers of their own.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzurePortContractTests(AzuriteFixture azurite) : PortContractTests
{
    private readonly AzureStorageOptions _options = new(AzuriteFixture.UniqueName("t"));

    protected override Task<EnginePorts> CreatePortsAsync() => AzureEnginePorts.CreateAsync(azurite.Connection, TimeProvider.System, _options);

    protected override Task DeletePortsAsync() => AzureEnginePorts.DeleteAllAsync(azurite.Connection, _options);
}
