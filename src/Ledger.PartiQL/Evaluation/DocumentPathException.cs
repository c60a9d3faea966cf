namespace Ledger.PartiQL.Evaluation;

/// <summary>A DML target path that cannot be resolved in a document (a missing parent, a step through a scalar, a
/// list index out of range, a field to remove that is not there); the conformance category <c>path</c>. The message
/// starts with QLDB's observed text.</summary>
public sealed class DocumentPathException : Exception
{
    public DocumentPathException()
    {
    }

    public DocumentPathException(string message)
        : base(message)
    {
    }

    public DocumentPathException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>QLDB's text for an unresolvable path, naming the remaining steps.</summary>
    public static DocumentPathException RemainingPath(IEnumerable<string> remaining) =>
        new($"Document path cannot be resolved: the remaining path was not found: DocumentPath(path=[{string.Join(", ", remaining)}])");
}
