using Ledger.Functions.Auth.Permissions;

namespace Ledger.Functions.Tests.Api;

/// <summary>
/// A session belongs to the principal that started it: every sub-command is checked against the caller, and a token
/// used by another principal is refused as an unknown session (InvalidSessionException), leaving the owner's
/// session and open transaction untouched. Also the ConsumedIOs the protocol reports.
/// </summary>
public sealed class SessionBindingTests(SessionHostFixture fixture) : IClassFixture<SessionHostFixture>
{
    [Fact]
    public async Task Every_sub_command_with_another_principals_session_token_is_refused_and_the_owner_carries_on()
    {
        var ledger = await fixture.CreateLedgerAsync("ALLOW_ALL");
        var owner = await fixture.Admin.StartSessionAsync(ledger);
        await owner.RunAsync("CREATE TABLE Cars", "INSERT INTO Cars << {'n': 1}, {'n': 2}, {'n': 3}, {'n': 4} >>");
        var transaction = await owner.BeginAsync();
        var first = await transaction.ExecuteAsync("SELECT * FROM Cars");
        var pageToken = first.Result("ExecuteStatement").GetProperty("FirstPage").GetProperty("NextPageToken").GetString()!;
        var stolen = new TestSession(fixture.Reader, owner.Token);
        var stolenTransaction = new TestTransaction(stolen, transaction.Id);

        var refusals = new[]
        {
            await stolen.SendAsync("StartTransaction"),
            await stolenTransaction.ExecuteAsync("SELECT * FROM Cars"),
            await stolenTransaction.FetchAsync(pageToken),
            await stolenTransaction.CommitAsync(transaction.Digest),
            await stolen.SendAsync("AbortTransaction"),
            await stolen.SendAsync("EndSession"),
            await new TestSession(fixture.Outsider, owner.Token).SendAsync("EndSession"),
        };

        foreach (var refusal in refusals)
        {
            refusal.AssertError(400, "InvalidSessionException");
            Assert.Equal("No such session", refusal.Message);
        }

        var fetched = await transaction.FetchAsync(pageToken);
        fetched.AssertOk();
        Assert.NotEmpty(SessionResponse.Values(fetched.Result("FetchPage").GetProperty("Page")));
        (await transaction.CommitAsync()).AssertOk();
        (await owner.SendAsync("EndSession")).AssertOk();
    }

    [Fact]
    public async Task An_altered_session_token_opens_no_session()
    {
        var ledger = await fixture.CreateLedgerAsync("ALLOW_ALL");
        var owner = await fixture.Admin.StartSessionAsync(ledger);
        var flipped = (owner.Token[0] == 'A' ? "B" : "A") + owner.Token[1..];

        var refused = await new TestSession(fixture.Admin, flipped).SendAsync("StartTransaction");
        var garbage = await new TestSession(fixture.Admin, "AAAA").SendAsync("StartTransaction");

        refused.AssertError(400, "InvalidSessionException");
        garbage.AssertError(400, "InvalidSessionException");
        (await owner.SendAsync("StartTransaction")).AssertOk();
    }

    [Fact]
    public async Task Consumed_ios_count_documents_read_and_written_not_values_returned()
    {
        var ledger = await fixture.CreateLedgerAsync("ALLOW_ALL");
        var session = await fixture.Admin.StartSessionAsync(ledger);
        await session.RunAsync("CREATE TABLE N", "CREATE INDEX ON N (k)");
        var insertTransaction = await session.BeginAsync();
        var insert = await insertTransaction.ExecuteAsync("INSERT INTO N << {'k': 1}, {'k': 2}, {'k': 3}, {'k': 4}, {'k': 5} >>");
        var insertCommit = await insertTransaction.CommitAsync();
        var readTransaction = await session.BeginAsync();
        var scan = await readTransaction.ExecuteAsync("SELECT * FROM N AS n WHERE n.k > 4");
        var lookup = await readTransaction.ExecuteAsync("SELECT * FROM N WHERE k = 2");
        var paged = await readTransaction.ExecuteAsync("SELECT * FROM N");
        var fetched = await readTransaction.FetchAsync(paged.Result("ExecuteStatement").GetProperty("FirstPage").GetProperty("NextPageToken").GetString()!);
        var readCommit = await readTransaction.CommitAsync();

        Assert.Equal((0, 5), IOs(insert.Result("ExecuteStatement")));
        Assert.Equal((0, 5), IOs(insertCommit.Result("CommitTransaction")));
        Assert.Equal((5, 0), IOs(scan.Result("ExecuteStatement")));
        Assert.Equal((1, 0), IOs(lookup.Result("ExecuteStatement")));
        Assert.Equal((5, 0), IOs(paged.Result("ExecuteStatement")));
        Assert.Equal((0, 0), IOs(fetched.Result("FetchPage")));
        Assert.Equal((0, 0), IOs(readCommit.Result("CommitTransaction")));
    }

    [Fact]
    public async Task Selecting_from_an_unknown_table_is_a_bad_request_naming_it()
    {
        var ledger = await fixture.CreateLedgerAsync("ALLOW_ALL");
        var session = await fixture.Admin.StartSessionAsync(ledger);
        var transaction = await session.BeginAsync();

        var refused = await transaction.ExecuteAsync("SELECT * FROM NoSuchTable");

        refused.AssertError(400, "BadRequestException");
        Assert.Contains("No such variable named 'NoSuchTable'", refused.Message, StringComparison.Ordinal);
    }

    private static (long Read, long Write) IOs(System.Text.Json.JsonElement result)
    {
        var usage = result.GetProperty("ConsumedIOs");
        return (usage.GetProperty("ReadIOs").GetInt64(), usage.GetProperty("WriteIOs").GetInt64());
    }
}

/// <summary>The token format on its own: round trip, and nothing opens for another principal or an altered part.</summary>
public sealed class SessionTokenBindingTests
{
    private static readonly SessionTokenBinding Binding = new(new byte[32]);
    private const string EngineToken = "c2Vzc2lvbi10b2tlbi1mb3ItdGVzdHMtb25seS0wMTIzNDU2Nzg5YWJjZGVmZ2hp";

    [Fact]
    public void A_bound_token_opens_for_its_principal_with_the_engine_token_and_ledger()
    {
        var token = Binding.Bind(EngineToken, "my-ledger", "alice");

        Assert.Matches("^[A-Za-z0-9+/=-]+$", token);
        Assert.Equal(new BoundSession(EngineToken, "my-ledger"), Binding.Open(token, "alice"));
    }

    [Theory]
    [InlineData("bob", null)]
    [InlineData("alice", "other-ledger")]
    [InlineData("alice", "my-ledgeR")]
    public void Another_principal_or_an_altered_ledger_opens_nothing(string caller, string? ledgerInToken)
    {
        var token = Binding.Bind(EngineToken, "my-ledger", "alice");
        if (ledgerInToken is not null)
        {
            token = token[..16] + ledgerInToken.Length.ToString("D2", System.Globalization.CultureInfo.InvariantCulture) + ledgerInToken + EngineToken;
        }

        Assert.Null(Binding.Open(token, caller));
    }

    [Theory]
    [InlineData("")]
    [InlineData("AAAA")]
    [InlineData("AAAAAAAAAAAAAAAAxx")]
    [InlineData("AAAAAAAAAAAAAAAA99short")]
    [InlineData("AAAAAAAAAAAAAAAA00abc")]
    public void Malformed_tokens_open_nothing(string token) => Assert.Null(Binding.Open(token, "alice"));

    [Fact]
    public void A_different_key_opens_nothing_so_every_instance_needs_the_same_key()
    {
        var token = Binding.Bind(EngineToken, "my-ledger", "alice");
        var other = new SessionTokenBinding(Enumerable.Repeat((byte)7, 32).ToArray());

        Assert.Null(other.Open(token, "alice"));
    }
}
