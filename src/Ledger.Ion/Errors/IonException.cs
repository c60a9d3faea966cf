namespace Ledger.Ion;

/// <summary>
/// Invalid Ion data. Text errors carry a 1-based <see cref="Line"/> and <see cref="Column"/> (column counted in
/// bytes of UTF-8 input, or characters of string input); binary errors carry the byte <see cref="Offset"/>.
/// </summary>
public sealed class IonException : Exception
{
    /// <summary>Creates an exception with a message only (no position).</summary>
    public IonException(string message) : base(message) { }

    /// <summary>Creates an exception with a message and inner exception (no position).</summary>
    public IonException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates an exception with a message only (no position).</summary>
    public IonException() : base("Invalid Ion data.") { }

    private IonException(string message, long? line, long? column, long? offset)
        : base(message)
    {
        Line = line;
        Column = column;
        Offset = offset;
    }

    /// <summary>The 1-based line of a text error, if known.</summary>
    public long? Line { get; }

    /// <summary>The 1-based column of a text error, if known.</summary>
    public long? Column { get; }

    /// <summary>The 0-based byte offset of a binary error (or the byte offset of a text error), if known.</summary>
    public long? Offset { get; }

    /// <summary>Creates a text error at a line and column.</summary>
    public static IonException AtText(string message, long line, long column) =>
        new($"{message} (line {line}, column {column})", line, column, null);

    /// <summary>Creates a binary error at a byte offset.</summary>
    public static IonException AtOffset(string message, long offset) =>
        new($"{message} (offset {offset})", null, null, offset);
}
