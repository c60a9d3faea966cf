using Ledger.Ion;

namespace Ledger.Functions.Tests.Api;

/// <summary>
/// qldb:SendCommand for every ledger, and in STANDARD ledgers each statement's PartiQL action on its tables.
/// The reader of <see cref="SessionHostFixture"/> may select, insert and query history, but not update or create.
/// </summary>
public sealed class SessionPermissionTests(SessionHostFixture fixture) : IClassFixture<SessionHostFixture>
{
    private async Task<string> StandardLedgerWithCarsAsync()
    {
        var ledger = await fixture.CreateLedgerAsync("STANDARD");
        var admin = await fixture.Admin.StartSessionAsync(ledger);
        await admin.RunAsync("CREATE TABLE Cars", "INSERT INTO Cars {'VIN': 'v1', 'Color': 'Red'}");
        return ledger;
    }

    private static async Task<SessionResponse> RunOneAsync(TestSession session, string statement)
    {
        var transaction = await session.BeginAsync();
        var response = await transaction.ExecuteAsync(statement);
        if (response.Status == 200)
        {
            (await transaction.CommitAsync()).AssertOk();
        }
        else
        {
            (await session.SendAsync("AbortTransaction")).AssertOk();
        }

        return response;
    }

    [Fact]
    public async Task In_a_standard_ledger_a_reader_can_read_and_insert_but_not_update_delete_or_create()
    {
        var ledger = await StandardLedgerWithCarsAsync();
        var reader = await fixture.Reader.StartSessionAsync(ledger);

        var select = await RunOneAsync(reader, "SELECT * FROM Cars");
        var history = await RunOneAsync(reader, "SELECT * FROM history(Cars)");
        var userTables = await RunOneAsync(reader, "SELECT VALUE name FROM information_schema.user_tables");
        var insert = await RunOneAsync(reader, "INSERT INTO Cars {'VIN': 'v2'}");
        var update = await RunOneAsync(reader, "UPDATE Cars SET Color = 'Blue' WHERE VIN = 'v1'");
        var delete = await RunOneAsync(reader, "DELETE FROM Cars WHERE VIN = 'v1'");
        var create = await RunOneAsync(reader, "CREATE TABLE Mine");
        var colors = (await (await fixture.Admin.StartSessionAsync(ledger)).RunAsync("SELECT VALUE Color FROM Cars WHERE VIN = 'v1'"))[0];

        select.AssertOk();
        history.AssertOk();
        userTables.AssertOk();
        insert.AssertOk();
        update.AssertError(400, "AccessDeniedException");
        Assert.Matches(@"^User: reader is not authorized to perform: qldb:PartiQLUpdate on resource: arn:aws:qldb:[^:]+:\d{12}:ledger/" + ledger + "/table/[A-Za-z0-9]{22}$", update.Message);
        Assert.EndsWith("#AccessDeniedException", update.Type);
        delete.AssertError(400, "AccessDeniedException");
        Assert.Contains("qldb:PartiQLDelete", delete.Message, StringComparison.Ordinal);
        create.AssertError(400, "AccessDeniedException");
        Assert.Contains("qldb:PartiQLCreateTable", create.Message, StringComparison.Ordinal);
        Assert.EndsWith("/table/*", create.Message, StringComparison.Ordinal);
        Assert.Equal(IonString.Of("Red"), Assert.Single(colors));
    }

    [Fact]
    public async Task In_an_allow_all_ledger_send_command_is_enough_for_every_statement()
    {
        var ledger = await fixture.CreateLedgerAsync("ALLOW_ALL");
        var admin = await fixture.Admin.StartSessionAsync(ledger);
        await admin.RunAsync("CREATE TABLE Cars", "INSERT INTO Cars {'VIN': 'v1', 'Color': 'Red'}");
        var reader = await fixture.Reader.StartSessionAsync(ledger);

        var update = await RunOneAsync(reader, "UPDATE Cars SET Color = 'Blue' WHERE VIN = 'v1'");
        var create = await RunOneAsync(reader, "CREATE TABLE Mine");

        update.AssertOk();
        create.AssertOk();
    }

    [Fact]
    public async Task Without_send_command_no_session_starts()
    {
        var ledger = await fixture.CreateLedgerAsync("ALLOW_ALL");

        var refused = await fixture.Outsider.SendAsync($$$"""{"StartSession":{"LedgerName":"{{{ledger}}}"}}""");

        refused.AssertError(400, "AccessDeniedException");
        Assert.Contains("qldb:SendCommand", refused.Message, StringComparison.Ordinal);
        Assert.EndsWith(":ledger/" + ledger, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_statement_leaves_the_transaction_open_and_its_digest_unchanged()
    {
        var ledger = await StandardLedgerWithCarsAsync();
        var reader = await fixture.Reader.StartSessionAsync(ledger);
        var transaction = await reader.BeginAsync();

        var refused = await fixture.Reader.SendAsync(
            $$$"""{"SessionToken":"{{{reader.Token}}}","ExecuteStatement":{"TransactionId":"{{{transaction.Id}}}","Statement":"UPDATE Cars SET Color = 'Blue'"}}""");
        var inserted = await transaction.ExecuteAsync("INSERT INTO Cars {'VIN': 'v3'}");
        var commit = await transaction.CommitAsync();

        refused.AssertError(400, "AccessDeniedException");
        inserted.AssertOk();
        commit.AssertOk();
    }
}
