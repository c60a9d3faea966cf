using Ledger.Engine.Model;
using Ledger.Engine.Sessions;
using Ledger.Ion;

namespace Ledger.Engine.Tests;

/// <summary>
/// QLDB's ConsumedIOs: ReadIOs count the documents a statement read from storage (not the values it returned),
/// WriteIOs the documents it wrote; the commit reports the entries its block persists.
/// </summary>
public sealed class ConsumedIOsTests
{
    private const int DocumentCount = 30;

    private static async Task<EngineFixture> LoadedAsync(EngineLimits? limits = null)
    {
        var fixture = await EngineFixture.CreateAsync(limits);
        await fixture.RunAsync("CREATE TABLE Cars", "CREATE INDEX ON Cars (VIN)");
        var inserts = Enumerable.Range(0, DocumentCount)
            .Select(i => $"INSERT INTO Cars VALUE {{'VIN': 'V{i}', 'Color': '{(i % 3 == 0 ? "red" : "blue")}'}}").ToArray();
        await fixture.RunAsync(inserts);
        return fixture;
    }

    /// <summary>Runs one statement in its own transaction; the first page and the commit outcome.</summary>
    private static async Task<(ResultPage Page, CommitOutcome Commit)> RunOneAsync(EngineFixture fixture, string statement)
    {
        var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        var transactionId = await fixture.Engine.StartTransactionAsync(session);
        var page = await fixture.Engine.ExecuteStatementAsync(session, transactionId, statement);
        var commit = await fixture.Engine.CommitTransactionAsync(
            session, transactionId, EngineFixture.DriverDigest(transactionId, (statement, Array.Empty<IonValue>())));
        await fixture.Engine.EndSessionAsync(session);
        return (page, commit);
    }

    [Fact]
    public async Task A_full_scan_reads_every_document_even_when_the_filter_returns_few()
    {
        await using var fixture = await LoadedAsync();
        var (page, _) = await RunOneAsync(fixture, "SELECT * FROM Cars AS c WHERE c.Color = 'red'");

        Assert.Equal(DocumentCount / 3, page.Values.Count);
        Assert.True(page.ConsumedIOs.ReadIOs >= DocumentCount, $"ReadIOs {page.ConsumedIOs.ReadIOs}");
        Assert.Equal(0, page.ConsumedIOs.WriteIOs);
    }

    [Fact]
    public async Task An_indexed_equality_lookup_reads_only_the_match()
    {
        await using var fixture = await LoadedAsync();
        var (page, _) = await RunOneAsync(fixture, "SELECT * FROM Cars WHERE VIN = 'V7'");

        Assert.Single(page.Values);
        Assert.Equal(new ConsumedIOs(1, 0), page.ConsumedIOs);
    }

    [Fact]
    public async Task An_insert_reports_its_documents_as_write_IOs_on_the_statement_and_the_commit()
    {
        await using var fixture = await LoadedAsync();
        var (page, commit) = await RunOneAsync(fixture, "INSERT INTO Cars << {'VIN': 'N1'}, {'VIN': 'N2'} >>");

        Assert.Equal(new ConsumedIOs(0, 2), page.ConsumedIOs);
        Assert.Equal(new ConsumedIOs(0, 2), commit.ConsumedIOs);
    }

    [Fact]
    public async Task An_update_by_index_reads_and_writes_the_one_document()
    {
        await using var fixture = await LoadedAsync();
        var (page, commit) = await RunOneAsync(fixture, "UPDATE Cars SET Color = 'green' WHERE VIN = 'V3'");

        Assert.Equal(new ConsumedIOs(1, 1), page.ConsumedIOs);
        Assert.Equal(1, commit.ConsumedIOs.WriteIOs);
    }

    [Fact]
    public async Task History_counts_every_revision_it_read()
    {
        await using var fixture = await LoadedAsync();
        await fixture.RunAsync("UPDATE Cars SET Color = 'green' WHERE VIN = 'V1'");
        var (page, _) = await RunOneAsync(fixture, "SELECT * FROM history(Cars)");

        Assert.Equal(DocumentCount + 1, page.Values.Count);
        Assert.Equal(DocumentCount + 1, page.ConsumedIOs.ReadIOs);
    }

    [Fact]
    public async Task A_read_only_commit_writes_nothing_and_fetched_pages_consume_nothing()
    {
        await using var fixture = await LoadedAsync(new EngineLimits { PageSize = 7 });
        var pages = 1;
        var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        var transactionId = await fixture.Engine.StartTransactionAsync(session);
        const string statement = "SELECT * FROM Cars";
        var first = await fixture.Engine.ExecuteStatementAsync(session, transactionId, statement);
        var reads = first.ConsumedIOs.ReadIOs;
        var token = first.NextPageToken;
        while (token is not null)
        {
            var next = await fixture.Engine.FetchPageAsync(session, transactionId, token);
            Assert.Equal(default, next.ConsumedIOs);
            token = next.NextPageToken;
            pages++;
        }

        var commit = await fixture.Engine.CommitTransactionAsync(
            session, transactionId, EngineFixture.DriverDigest(transactionId, (statement, Array.Empty<IonValue>())));
        Assert.Equal(DocumentCount, reads);
        Assert.Equal(default, commit.ConsumedIOs);
        Assert.Equal(5, pages);
    }
}
