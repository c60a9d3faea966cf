namespace Ledger.PartiQL.Syntax;

/// <summary>A range of characters in the statement text.</summary>
public readonly record struct TextSpan(int Start, int Length)
{
    public int End => Start + Length;

    public static TextSpan FromBounds(int start, int end) => new(start, end - start);

    /// <summary>The smallest span covering both spans.</summary>
    public TextSpan Cover(TextSpan other) => FromBounds(Math.Min(Start, other.Start), Math.Max(End, other.End));
}

/// <summary>A 1-based line and column, as QLDB reports them in error messages.</summary>
public readonly record struct LinePosition(int Line, int Column)
{
    /// <summary>Computes the line and column of <paramref name="offset"/>; CR, LF and CRLF each end a line.</summary>
    public static LinePosition FromOffset(string text, int offset)
    {
        ArgumentNullException.ThrowIfNull(text);
        offset = Math.Clamp(offset, 0, text.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            var c = text[i];
            if (c == '\n' || (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new LinePosition(line, offset - lineStart + 1);
    }
}
