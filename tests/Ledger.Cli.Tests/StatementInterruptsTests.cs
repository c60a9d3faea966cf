namespace Ledger.Cli.Tests;

/// <summary>What Ctrl-C does in the shell, without a terminal: the handler's decisions on the interrupt object.</summary>
public sealed class StatementInterruptsTests
{
    [Fact]
    public void Ctrl_c_during_a_statement_cancels_only_that_statement_and_keeps_the_process()
    {
        using var stderr = new StringWriter();
        using var interrupts = new StatementInterrupts(stderr, listen: false);
        using var outer = new CancellationTokenSource();

        var first = interrupts.Begin(outer.Token);
        Assert.True(interrupts.Interrupt());
        Assert.True(first.IsCancellationRequested);
        interrupts.End();

        var second = interrupts.Begin(outer.Token);
        Assert.False(second.IsCancellationRequested);
        Assert.False(outer.IsCancellationRequested);
        Assert.Empty(stderr.ToString());
    }

    [Fact]
    public void At_an_idle_prompt_the_first_ctrl_c_warns_and_the_second_exits_unless_a_statement_ran_between()
    {
        using var stderr = new StringWriter();
        using var interrupts = new StatementInterrupts(stderr, listen: false);

        Assert.True(interrupts.Interrupt());
        Assert.Contains("Ctrl-C again", stderr.ToString(), StringComparison.Ordinal);
        interrupts.Begin(CancellationToken.None);
        interrupts.End();
        // A statement in between re-arms the warning.
        Assert.True(interrupts.Interrupt());
        Assert.False(interrupts.Interrupt());
    }
}
