using Ledger.Engine;
using Ledger.Functions.Auth.Credentials;
using Ledger.Ion;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Functions.Tests.Api;

/// <summary>
/// One handler for a test class: in-memory storage, a small page size, the local admin key plus a reader (may
/// send commands, read, insert and query history; may not update, delete or create) and an outsider (granted nothing).
/// </summary>
public sealed class SessionHostFixture : IAsyncLifetime
{
    internal const int PageSize = 3;

    internal const string ReaderKeyId = "AKIDSESSIONREADER001";
    internal const string ReaderSecret = "session/reader/secret/for/tests";
    internal const string OutsiderKeyId = "AKIDSESSIONOUTSIDER1";
    internal const string OutsiderSecret = "session/outsider/secret/for/tests";

    private HandlerHost? _host;

    internal HandlerHost Host => _host!;

    internal SignedSessionClient Admin { get; private set; } = null!;

    internal SignedSessionClient Reader { get; private set; } = null!;

    internal SignedSessionClient Outsider { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = await HandlerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Ledger:Storage"] = "InMemory",
            ["Ledger:Limits:MaxActiveLedgers"] = "1000",
            ["Ledger:Limits:PageSize"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ledger:Auth:UseLocalDevelopmentKeys"] = "true",
            ["Ledger:Auth:AccessKeys:0:AccessKeyId"] = ReaderKeyId,
            ["Ledger:Auth:AccessKeys:0:SecretAccessKey"] = ReaderSecret,
            ["Ledger:Auth:AccessKeys:0:Principal"] = "reader",
            ["Ledger:Auth:AccessKeys:1:AccessKeyId"] = OutsiderKeyId,
            ["Ledger:Auth:AccessKeys:1:SecretAccessKey"] = OutsiderSecret,
            ["Ledger:Auth:AccessKeys:1:Principal"] = "outsider",
            ["Ledger:Auth:Principals:0:Name"] = "reader",
            ["Ledger:Auth:Principals:0:Statements:0:Actions:0"] = "qldb:SendCommand",
            ["Ledger:Auth:Principals:0:Statements:0:Actions:1"] = "qldb:PartiQLSelect",
            ["Ledger:Auth:Principals:0:Statements:0:Actions:2"] = "qldb:PartiQLInsert",
            ["Ledger:Auth:Principals:0:Statements:0:Resources:0"] = "arn:aws:qldb:*:*:ledger/*",
            ["Ledger:Auth:Principals:0:Statements:1:Actions:0"] = "qldb:PartiQLHistoryFunction",
            ["Ledger:Auth:Principals:0:Statements:1:Resources:0"] = "arn:aws:qldb:*:*:ledger/*/table/*",
        });
        Admin = new SignedSessionClient(Host, LocalDevelopmentCredentials.AccessKeyId, LocalDevelopmentCredentials.SecretAccessKey);
        Reader = new SignedSessionClient(Host, ReaderKeyId, ReaderSecret);
        Outsider = new SignedSessionClient(Host, OutsiderKeyId, OutsiderSecret);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>A fresh ledger, created through the engine (the control plane has its own tests).</summary>
    internal Task<string> CreateLedgerAsync(string permissionsMode = "ALLOW_ALL") => CreateLedgerAsync(Host, "s-", permissionsMode);

    /// <summary>A fresh ledger on <paramref name="host"/>'s engine, for tests of routes other than the control plane.</summary>
    internal static async Task<string> CreateLedgerAsync(HandlerHost host, string prefix, string permissionsMode)
    {
        var name = prefix + Guid.NewGuid().ToString("N")[..16];
        await host.Services.GetRequiredService<LedgerEngine>().CreateLedgerAsync(name, permissionsMode, deletionProtection: false);
        return name;
    }
}

/// <summary>QLDBSession.SendCommand on the real handler, signed as the AWS SDK signs, one fresh ledger per test.</summary>
public sealed class SessionApiTests(SessionHostFixture fixture) : IClassFixture<SessionHostFixture>
{
    private const int PageSize = SessionHostFixture.PageSize;

    private SignedSessionClient Admin => fixture.Admin;

    private Task<string> CreateLedgerAsync() => fixture.CreateLedgerAsync();

    internal static IonValue Ion(string text) => IonText.Parse(text);

    [Fact]
    public async Task Every_sub_command_runs_a_transaction_from_start_session_to_end_session()
    {
        var ledger = await CreateLedgerAsync();
        var session = await Admin.StartSessionAsync(ledger);

        var transaction = await session.BeginAsync();
        var created = await transaction.QueryAsync("CREATE TABLE Cars");
        var inserted = await transaction.QueryAsync("INSERT INTO Cars ?", Ion("{VIN: \"1N4AL11D75C109151\", Year: 2011, Price: 15000.50}"));
        var selected = await transaction.QueryAsync("SELECT c.VIN, c.Year, c.Price FROM Cars AS c");
        var commit = await transaction.CommitAsync();
        var end = await session.SendAsync("EndSession");

        Assert.Single(created);
        Assert.Matches("^[A-Za-z0-9]{22}$", ((IonString)((IonStruct)created[0])["tableId"]!).Value);
        Assert.Matches("^[A-Za-z0-9]{22}$", ((IonString)((IonStruct)Assert.Single(inserted))["documentId"]!).Value);
        Assert.Equal(Ion("{VIN: \"1N4AL11D75C109151\", Year: 2011, Price: 15000.50}"), Assert.Single(selected));
        commit.AssertOk();
        var committed = commit.Result("CommitTransaction");
        Assert.Equal(transaction.Id, committed.GetProperty("TransactionId").GetString());
        Assert.Equal(Convert.ToBase64String(transaction.Digest.ToArray()), committed.GetProperty("CommitDigest").GetString());
        Assert.True(committed.GetProperty("TimingInformation").GetProperty("ProcessingTimeMilliseconds").GetInt64() >= 0);
        Assert.True(committed.TryGetProperty("ConsumedIOs", out _));
        end.AssertOk();
        Assert.True(end.Result("EndSession").TryGetProperty("TimingInformation", out _));
    }

    [Fact]
    public async Task Execute_statement_reports_timing_and_read_ios_and_accepts_ion_text_parameters()
    {
        var ledger = await CreateLedgerAsync();
        var session = await Admin.StartSessionAsync(ledger);
        await session.RunAsync("CREATE TABLE T");
        var transaction = await session.BeginAsync();

        var statement = "INSERT INTO T ?";
        var value = Ion("{name: \"ion text\", at: 2020-01-02T}");
        // The digest covers the value however it was encoded (qldb-compat 2), so Ion text must give the same digest.
        var textInsert = await session.SendAsync("ExecuteStatement",
            $$$"""
            "TransactionId":"{{{transaction.Id}}}","Statement":"{{{statement}}}","Parameters":[{"IonText":"{name: \"ion text\", at: 2020-01-02T}"}]
            """);
        var digestBefore = new Ledger.Journal.Model.CommitDigest(transaction.Id);
        digestBefore.AddStatement(statement, [value]);
        var selected = await transaction.ExecuteAsync("SELECT * FROM T");
        digestBefore.AddStatement("SELECT * FROM T");
        var commit = await transaction.CommitAsync(digestBefore.Value);

        textInsert.AssertOk();
        selected.AssertOk();
        var result = selected.Result("ExecuteStatement");
        Assert.Equal(value, Assert.Single(SessionResponse.Values(result.GetProperty("FirstPage"))));
        Assert.False(result.GetProperty("FirstPage").TryGetProperty("NextPageToken", out _));
        Assert.True(result.GetProperty("TimingInformation").GetProperty("ProcessingTimeMilliseconds").GetInt64() >= 0);
        Assert.Equal(1, result.GetProperty("ConsumedIOs").GetProperty("ReadIOs").GetInt64());
        commit.AssertOk();
    }

    [Fact]
    public async Task Results_beyond_a_page_come_with_a_token_that_fetch_page_follows_to_the_last_page()
    {
        var ledger = await CreateLedgerAsync();
        var session = await Admin.StartSessionAsync(ledger);
        await session.RunAsync("CREATE TABLE N", "INSERT INTO N << {'n': 1}, {'n': 2}, {'n': 3}, {'n': 4}, {'n': 5}, {'n': 6}, {'n': 7} >>");
        var transaction = await session.BeginAsync();

        var first = await transaction.ExecuteAsync("SELECT VALUE n FROM N");
        var firstPage = first.Result("ExecuteStatement").GetProperty("FirstPage");
        var second = await transaction.FetchAsync(firstPage.GetProperty("NextPageToken").GetString()!);
        var secondPage = second.Result("FetchPage").GetProperty("Page");
        var third = await transaction.FetchAsync(secondPage.GetProperty("NextPageToken").GetString()!);
        var thirdPage = third.Result("FetchPage").GetProperty("Page");
        var replayed = await transaction.FetchAsync(firstPage.GetProperty("NextPageToken").GetString()!);

        Assert.Equal(PageSize, SessionResponse.Values(firstPage).Count());
        Assert.Equal(PageSize, SessionResponse.Values(secondPage).Count());
        Assert.Single(SessionResponse.Values(thirdPage));
        Assert.False(thirdPage.TryGetProperty("NextPageToken", out _));
        Assert.Equal(Enumerable.Range(1, 7).Select(n => (IonValue)IonInt.Of(n)).Order(IonValueComparer.Instance),
            SessionResponse.Values(firstPage).Concat(SessionResponse.Values(secondPage)).Concat(SessionResponse.Values(thirdPage)).Order(IonValueComparer.Instance));
        Assert.True(second.Result("FetchPage").TryGetProperty("ConsumedIOs", out _));
        replayed.AssertError(400, "BadRequestException");
        (await transaction.CommitAsync()).AssertOk();
    }

    [Fact]
    public async Task A_wrong_commit_digest_is_refused_and_nothing_is_committed()
    {
        var ledger = await CreateLedgerAsync();
        var session = await Admin.StartSessionAsync(ledger);
        await session.RunAsync("CREATE TABLE T");
        var transaction = await session.BeginAsync();
        (await transaction.ExecuteAsync("INSERT INTO T {'a': 1}")).AssertOk();

        var refused = await transaction.CommitAsync(new Ledger.Journal.Model.CommitDigest(transaction.Id).Value);
        // The transaction stays open after the refusal; drivers abort it, as they do after any non-OCC failure.
        var aborted = await session.SendAsync("AbortTransaction");
        var rows = (await session.RunAsync("SELECT * FROM T"))[0];

        refused.AssertError(400, "BadRequestException");
        Assert.Equal("Digests don't match", refused.Message);
        aborted.AssertOk();
        Assert.Empty(rows);
    }

    [Fact]
    public async Task Session_state_errors_use_the_messages_drivers_know()
    {
        var ledger = await CreateLedgerAsync();
        var session = await Admin.StartSessionAsync(ledger);
        var transaction = await session.BeginAsync();

        var twice = await session.SendAsync("StartTransaction");
        var aborted = await session.SendAsync("AbortTransaction");
        var afterAbort = await transaction.ExecuteAsync("SELECT * FROM information_schema.user_tables");
        var ended = await session.SendAsync("EndSession");
        var afterEnd = await session.SendAsync("StartTransaction");
        var unknown = await Admin.SendAsync("""{"SessionToken":"bm90LWEtc2Vzc2lvbg==","StartTransaction":{}}""");
        var noLedger = await Admin.SendAsync("""{"StartSession":{"LedgerName":"no-such-ledger"}}""");

        twice.AssertError(400, "BadRequestException");
        Assert.Equal("Transaction already open", twice.Message);
        aborted.AssertOk();
        Assert.True(aborted.Result("AbortTransaction").TryGetProperty("TimingInformation", out _));
        afterAbort.AssertError(400, "BadRequestException");
        Assert.Equal("No open transaction", afterAbort.Message);
        ended.AssertOk();
        afterEnd.AssertError(400, "InvalidSessionException");
        unknown.AssertError(400, "InvalidSessionException");
        Assert.Equal("No such session", unknown.Message);
        Assert.DoesNotMatch("Transaction .* has expired", unknown.Message);
        noLedger.AssertError(400, "BadRequestException");
    }

    [Fact]
    public async Task A_conflicting_commit_is_an_occ_conflict_and_the_later_writer_changes_nothing()
    {
        var ledger = await CreateLedgerAsync();
        var setup = await Admin.StartSessionAsync(ledger);
        await setup.RunAsync("CREATE TABLE Counter", "INSERT INTO Counter {'name': 'c', 'n': 0}");
        var first = await (await Admin.StartSessionAsync(ledger)).BeginAsync();
        var second = await (await Admin.StartSessionAsync(ledger)).BeginAsync();

        await first.QueryAsync("SELECT n FROM Counter WHERE name = 'c'");
        await second.QueryAsync("SELECT n FROM Counter WHERE name = 'c'");
        await first.QueryAsync("UPDATE Counter SET n = 1 WHERE name = 'c'");
        await second.QueryAsync("UPDATE Counter SET n = 2 WHERE name = 'c'");
        var firstCommit = await first.CommitAsync();
        var secondCommit = await second.CommitAsync();
        var final = (await setup.RunAsync("SELECT VALUE n FROM Counter"))[0];

        firstCommit.AssertOk();
        secondCommit.AssertError(400, "OccConflictException");
        Assert.Equal(IonInt.Of(1), Assert.Single(final));
    }

    [Fact]
    public async Task A_statement_error_is_a_bad_request_and_the_transaction_stays_usable()
    {
        var ledger = await CreateLedgerAsync();
        var session = await Admin.StartSessionAsync(ledger);
        var transaction = await session.BeginAsync();

        var syntax = await transaction.ExecuteAsync("SELEKT * FROM nowhere");
        var unknownTable = await transaction.ExecuteAsync("SELECT * FROM Nowhere");
        var created = await transaction.ExecuteAsync("CREATE TABLE Later");
        var commit = await transaction.CommitAsync();

        syntax.AssertError(400, "BadRequestException");
        unknownTable.AssertError(400, "BadRequestException");
        created.AssertOk();
        commit.AssertOk();
    }
}

/// <summary>Orders Ion values by their text, so result multisets compare as sorted lists.</summary>
internal sealed class IonValueComparer : IComparer<IonValue>
{
    public static readonly IonValueComparer Instance = new();

    public int Compare(IonValue? x, IonValue? y) => string.CompareOrdinal(x?.ToString(), y?.ToString());
}
