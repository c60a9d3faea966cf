using System.Text.RegularExpressions;
using Ledger.Engine.Errors;
using Ledger.Engine.Model;
using Ledger.Ion;

namespace Ledger.Engine.Tests;

public sealed class SessionProtocolTests
{
    // The .NET driver's regex for the non-retryable expiry.
    private static readonly Regex TransactionExpired = new(@"Transaction\s.*\shas\sexpired");

    [Fact]
    public async Task A_transaction_older_than_30_seconds_has_expired_with_the_text_drivers_match()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        var transactionId = await fixture.Engine.StartTransactionAsync(session);
        fixture.Clock.Advance(TimeSpan.FromSeconds(31));

        var error = await Assert.ThrowsAsync<InvalidSessionException>(
            () => fixture.Engine.ExecuteStatementAsync(session, transactionId, "CREATE TABLE T"));
        Assert.Equal($"Transaction {transactionId} has expired", error.Message);
        Assert.Matches(TransactionExpired, error.Message);

        // QLDB discards the session with the transaction.
        var gone = await Assert.ThrowsAsync<InvalidSessionException>(() => fixture.Engine.StartTransactionAsync(session));
        Assert.Equal("No such session", gone.Message);
        Assert.Empty(await fixture.BlocksAsync());
    }

    [Fact]
    public async Task A_transaction_within_its_lifetime_commits()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        var transactionId = await fixture.Engine.StartTransactionAsync(session);
        await fixture.Engine.ExecuteStatementAsync(session, transactionId, "CREATE TABLE T");
        fixture.Clock.Advance(TimeSpan.FromSeconds(29));
        var outcome = await fixture.Engine.CommitTransactionAsync(session, transactionId, EngineFixture.DriverDigest(transactionId, ("CREATE TABLE T", [])));
        Assert.Equal(0, outcome.SequenceNo);
    }

    [Fact]
    public async Task An_old_session_has_expired_with_a_message_that_is_not_the_transaction_expiry()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        fixture.Clock.Advance(TimeSpan.FromMinutes(16));
        var error = await Assert.ThrowsAsync<InvalidSessionException>(() => fixture.Engine.StartTransactionAsync(session));
        Assert.StartsWith("Session ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(" has expired", error.Message, StringComparison.Ordinal);
        Assert.DoesNotMatch(TransactionExpired, error.Message);
    }

    [Fact]
    public async Task Session_misuse_gets_QLDBs_messages()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        var noTransaction = await Assert.ThrowsAsync<BadRequestException>(
            () => fixture.Engine.ExecuteStatementAsync(session, QldbId.New(), "CREATE TABLE T"));
        Assert.Equal("No open transaction", noTransaction.Message);

        var transactionId = await fixture.Engine.StartTransactionAsync(session);
        var alreadyOpen = await Assert.ThrowsAsync<BadRequestException>(() => fixture.Engine.StartTransactionAsync(session));
        Assert.Equal("Transaction already open", alreadyOpen.Message);

        var wrongId = await Assert.ThrowsAsync<BadRequestException>(
            () => fixture.Engine.CommitTransactionAsync(session, QldbId.New(), EngineFixture.DriverDigest(transactionId)));
        Assert.Equal("No open transaction", wrongId.Message);

        await fixture.Engine.AbortTransactionAsync(session);
        await Assert.ThrowsAsync<BadRequestException>(
            () => fixture.Engine.CommitTransactionAsync(session, transactionId, EngineFixture.DriverDigest(transactionId)));

        var badToken = await Assert.ThrowsAsync<BadRequestException>(() => fixture.Engine.StartTransactionAsync(""));
        Assert.Equal("The parameter SessionToken is not valid", badToken.Message);
        await Assert.ThrowsAsync<InvalidSessionException>(() => fixture.Engine.StartTransactionAsync("AAAAAAAA"));
    }

    [Fact]
    public async Task A_commit_digest_that_differs_is_refused_and_nothing_is_written()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        var transactionId = await fixture.Engine.StartTransactionAsync(session);
        await fixture.Engine.ExecuteStatementAsync(session, transactionId, "CREATE TABLE T");

        // A driver that skipped the statement in its running digest.
        var error = await Assert.ThrowsAsync<BadRequestException>(
            () => fixture.Engine.CommitTransactionAsync(session, transactionId, EngineFixture.DriverDigest(transactionId)));
        Assert.Equal("Digests don't match", error.Message);
        Assert.Empty(await fixture.BlocksAsync());
    }

    [Fact]
    public async Task A_failed_statement_still_counts_in_the_digest_and_does_not_abort_the_transaction()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        var transactionId = await fixture.Engine.StartTransactionAsync(session);
        var missing = await Assert.ThrowsAsync<BadRequestException>(
            () => fixture.Engine.ExecuteStatementAsync(session, transactionId, "INSERT INTO Audit VALUE {'a': 1}"));
        Assert.Contains("No such variable named 'Audit'", missing.Message, StringComparison.Ordinal);
        await fixture.Engine.ExecuteStatementAsync(session, transactionId, "CREATE TABLE Audit");
        await fixture.Engine.ExecuteStatementAsync(session, transactionId, "INSERT INTO Audit VALUE {'a': 1}");
        var digest = EngineFixture.DriverDigest(transactionId, ("INSERT INTO Audit VALUE {'a': 1}", []), ("CREATE TABLE Audit", []), ("INSERT INTO Audit VALUE {'a': 1}", []));
        var outcome = await fixture.Engine.CommitTransactionAsync(session, transactionId, digest);
        Assert.Equal(digest, outcome.CommitDigest);

        var block = Assert.Single(await fixture.BlocksAsync());
        Assert.Equal(3, block.Statements.Length);
        Assert.Equal([2], Assert.Single(block.Documents).Statements.ToArray());
    }

    [Fact]
    public async Task Results_are_paged_and_FetchPage_returns_the_rest()
    {
        await using var fixture = await EngineFixture.CreateAsync(EngineLimits.Default with { PageSize = 2 });
        await fixture.RunAsync("CREATE TABLE T");
        var session = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        var transactionId = await fixture.Engine.StartTransactionAsync(session);
        var first = await fixture.Engine.ExecuteStatementAsync(session, transactionId, "INSERT INTO T << {'n': 1}, {'n': 2}, {'n': 3}, {'n': 4}, {'n': 5} >>");
        Assert.Equal(2, first.Values.Count);
        var second = await fixture.Engine.FetchPageAsync(session, transactionId, first.NextPageToken!);
        Assert.Equal(2, second.Values.Count);
        var third = await fixture.Engine.FetchPageAsync(session, transactionId, second.NextPageToken!);
        Assert.Single(third.Values);
        Assert.Null(third.NextPageToken);
        var ids = first.Values.Concat(second.Values).Concat(third.Values).Select(v => ((IonString)((IonStruct)v)["documentId"]!).Value).ToList();
        Assert.Equal(5, ids.Distinct().Count());
        await Assert.ThrowsAsync<BadRequestException>(() => fixture.Engine.FetchPageAsync(session, transactionId, first.NextPageToken!));
    }

    [Fact]
    public async Task The_session_quota_per_ledger_is_enforced()
    {
        await using var fixture = await EngineFixture.CreateAsync(EngineLimits.Default with { MaxSessionsPerLedger = 2 });
        await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        var second = await fixture.Engine.StartSessionAsync(fixture.LedgerName);
        await Assert.ThrowsAsync<LimitExceededException>(() => fixture.Engine.StartSessionAsync(fixture.LedgerName));
        await fixture.Engine.EndSessionAsync(second);
        await fixture.Engine.StartSessionAsync(fixture.LedgerName);
    }
}
