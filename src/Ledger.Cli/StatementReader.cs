using System.Text;

namespace Ledger.Cli;

/// <summary>
/// Cuts shell input into statements: a statement ends at a <c>;</c> or at the end of a line, except that a line
/// ending inside quotes or inside unclosed <c>( [ {</c> continues on the next line, so multi-line documents such as
/// <c>INSERT INTO T {</c> … <c>}</c> need no terminator. Quotes are PartiQL's <c>'…'</c>, <c>"…"</c> and Ion's backticks.
/// </summary>
internal sealed class StatementReader
{
    private readonly StringBuilder _current = new();
    private char? _quote;
    private int _depth;

    /// <summary>The text of an unfinished statement, or null when the input so far ended cleanly.</summary>
    public string? Pending => _current.ToString().Trim() is { Length: > 0 } text ? text : null;

    public IEnumerable<string> Feed(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var statements = new List<string>();
        if (_current.Length > 0)
        {
            _current.Append('\n');
        }

        foreach (var c in line)
        {
            if (_quote is null)
            {
                switch (c)
                {
                    case ';' when _depth <= 0:
                        Emit(statements);
                        continue;
                    case '\'' or '"' or '`':
                        _quote = c;
                        break;
                    case '(' or '[' or '{':
                        _depth++;
                        break;
                    case ')' or ']' or '}':
                        _depth--;
                        break;
                }
            }
            else if (c == _quote)
            {
                // A doubled quote ('it''s') closes and reopens, which leaves the state right.
                _quote = null;
            }

            _current.Append(c);
        }

        if (_quote is null && _depth <= 0)
        {
            Emit(statements);
        }

        return statements;
    }

    private void Emit(List<string> statements)
    {
        if (_current.ToString().Trim() is { Length: > 0 } statement)
        {
            statements.Add(statement);
        }

        _current.Clear();
        _depth = 0;
    }
}
