using Ledger.Engine.Errors;
using Ledger.Engine.Model;
using Ledger.Engine.Ports;

namespace Ledger.Engine.Tests;

public sealed class LedgerManagementTests
{
    private static LedgerEngine NewEngine(EngineLimits? limits = null)
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        return new LedgerEngine(EnginePorts.InMemory(clock), clock, limits);
    }

    [Fact]
    public async Task Create_then_describe_and_list_show_an_active_ledger()
    {
        await using var engine = NewEngine();
        var created = await engine.CreateLedgerAsync("vehicle-registration");
        Assert.Equal(LedgerState.Creating, created.State);
        Assert.True(created.DeletionProtection);
        Assert.True(QldbId.IsValid(created.StrandId));

        var described = await engine.DescribeLedgerAsync("vehicle-registration");
        Assert.Equal(LedgerState.Active, described.State);
        var page = await engine.ListLedgersAsync();
        Assert.Equal(["vehicle-registration"], page.Ledgers.Select(l => l.Name));
        Assert.Null(page.NextToken);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("-abc")]
    [InlineData("abc-")]
    [InlineData("a--b")]
    [InlineData("has space")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    public async Task Invalid_names_are_refused(string name)
    {
        await using var engine = NewEngine();
        var error = await Assert.ThrowsAsync<InvalidParameterException>(() => engine.CreateLedgerAsync(name));
        Assert.Equal("Name", error.ParameterName);
    }

    [Fact]
    public async Task A_taken_name_and_the_active_ledger_quota_are_refused()
    {
        await using var engine = NewEngine(EngineLimits.Default with { MaxActiveLedgers = 2 });
        await engine.CreateLedgerAsync("one");
        await Assert.ThrowsAsync<ResourceAlreadyExistsException>(() => engine.CreateLedgerAsync("one"));
        await engine.CreateLedgerAsync("two");
        var error = await Assert.ThrowsAsync<LimitExceededException>(() => engine.CreateLedgerAsync("three"));
        Assert.Equal("LimitExceededException", error.ErrorType);
    }

    [Fact]
    public async Task Delete_is_refused_while_deletion_protection_is_on()
    {
        await using var engine = NewEngine();
        await engine.CreateLedgerAsync("protected");
        var error = await Assert.ThrowsAsync<ResourcePreconditionNotMetException>(() => engine.DeleteLedgerAsync("protected"));
        Assert.Equal("ResourcePreconditionNotMetException", error.ErrorType);
        Assert.Equal(LedgerState.Active, (await engine.DescribeLedgerAsync("protected")).State);

        await engine.UpdateLedgerAsync("protected", deletionProtection: false);
        await engine.DeleteLedgerAsync("protected");
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => engine.DescribeLedgerAsync("protected"));
    }

    [Fact]
    public async Task A_deleted_ledger_name_can_be_reused_and_starts_with_an_empty_journal()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        await fixture.RunAsync("CREATE TABLE T");
        await fixture.Engine.DeleteLedgerAsync(fixture.LedgerName);
        await fixture.Engine.CreateLedgerAsync(fixture.LedgerName);
        Assert.Empty(await fixture.BlocksAsync());
        var (_, results) = await fixture.RunAsync("CREATE TABLE T");
        Assert.Single(results[0]);
    }

    [Fact]
    public async Task List_pages_through_ledgers_in_name_order()
    {
        await using var engine = NewEngine();
        foreach (var name in new[] { "c", "a", "b" })
        {
            await engine.CreateLedgerAsync(name);
        }

        var first = await engine.ListLedgersAsync(2);
        Assert.Equal(["a", "b"], first.Ledgers.Select(l => l.Name));
        var second = await engine.ListLedgersAsync(2, first.NextToken);
        Assert.Equal(["c"], second.Ledgers.Select(l => l.Name));
        Assert.Null(second.NextToken);
    }
}
