namespace Ledger.Cli.Tests;

public class ProgramTests
{
    [Fact]
    public void Help_exits_zero_and_names_the_tool()
    {
        using var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.Equal(0, Program.Main(["--help"]));
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.Contains("ledger", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_command_exits_two_with_a_one_line_error()
    {
        using var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(2, Program.Main(["frobnicate"]));
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Equal("ledger: unknown command 'frobnicate'. Run 'ledger --help'.", error.ToString().TrimEnd());
    }
}
