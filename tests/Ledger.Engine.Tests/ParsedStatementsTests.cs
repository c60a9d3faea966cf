using Ledger.Engine.Statements;
using Ledger.PartiQL.Syntax;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.Engine.Tests;

/// <summary>One parse per statement text: the permission check and the execution share it; long texts are not kept.</summary>
public sealed class ParsedStatementsTests
{
    [Fact]
    public void The_same_text_yields_the_same_parse_and_equals_a_fresh_parse()
    {
        var text = $"SELECT * FROM T{Guid.NewGuid():N} AS t WHERE t.n = ?";

        var first = ParsedStatements.Parse(text);
        var second = ParsedStatements.Parse(text);

        Assert.Same(first, second);
        Assert.False(first.HasErrors);
        Assert.IsType<SelectStatement>(first.Statement);
        Assert.Equal(PartiQLParser.Parse(text).ParameterCount, first.ParameterCount);
        Assert.Equal(1, first.ParameterCount);
    }

    [Fact]
    public void A_text_longer_than_the_cached_length_is_parsed_each_time()
    {
        var text = "SELECT * FROM T AS t WHERE t.s = '" + new string('x', ParsedStatements.MaxCachedLength) + "'";

        Assert.NotSame(ParsedStatements.Parse(text), ParsedStatements.Parse(text));
    }

    [Fact]
    public void A_statement_with_errors_keeps_its_diagnostics()
    {
        var parsed = ParsedStatements.Parse($"SELEC * FROM T{Guid.NewGuid():N}");

        Assert.True(parsed.HasErrors);
        Assert.Same(parsed, ParsedStatements.Parse(parsed.Text));
    }
}
