namespace Ledger.Ion;

/// <summary>Options for reading Ion text.</summary>
public sealed record IonTextReaderOptions
{
    /// <summary>The default options (maximum depth 100).</summary>
    public static IonTextReaderOptions Default { get; } = new();

    /// <summary>
    /// The maximum container nesting depth (a top-level container is depth 1). Deeper input fails with an
    /// <see cref="IonException"/> instead of exhausting the stack.
    /// </summary>
    public int MaxDepth { get; init; } = 100;
}
