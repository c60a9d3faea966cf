using System.Collections.Immutable;
using Ledger.Ion;

namespace Ledger.PartiQL.Evaluation.Query;

/// <summary>One step of a DML target path: a struct field or a list position.</summary>
public readonly record struct DocumentPathStep(string? FieldName, int Position)
{
    public static DocumentPathStep Field(string name) => new(name, -1);

    public static DocumentPathStep At(int position) => new(null, position);

    public override string ToString() => FieldName ?? $"[{Position}]";
}

/// <summary>
/// A place in a stored document that a DML statement changes (spec §5): the last step may be created by SET (a new
/// field), every earlier step must exist; SET of a position, REMOVE and INSERT INTO need what they name to exist.
/// Otherwise a <see cref="DocumentPathException"/> with QLDB's text names the steps from the first unresolved one.
/// </summary>
public sealed class DocumentPath
{
    private DocumentPath(ImmutableArray<DocumentPathStep> steps)
    {
        Steps = steps;
    }

    public static DocumentPath Root { get; } = new([]);

    public ImmutableArray<DocumentPathStep> Steps { get; }

    /// <summary>True for the whole document.</summary>
    public bool IsRoot => Steps.IsEmpty;

    public DocumentPath Append(DocumentPathStep step) => new(Steps.Add(step));

    /// <summary>The value at the path, or null when some step does not resolve.</summary>
    public IonValue? Get(IonValue document)
    {
        IonValue? current = document;
        foreach (var step in Steps)
        {
            current = current is null ? null : Child(current, step);
        }

        return current;
    }

    /// <summary>Sets the value at the path: the last field is added when absent; a position must exist.</summary>
    public IonValue Set(IonValue document, IonValue value) => Rebuild(document, 0, (container, step) => step.FieldName is { } name
        ? container is IonStruct { IsNull: false } structure ? structure.With(name, value) : null
        : container is IonList { IsNull: false } list && step.Position < list.Count ? list.SetItem(step.Position, value) : null);

    /// <summary>Removes the field or list element the path names; it must exist.</summary>
    public IonValue? Remove(IonValue document) => IsRoot ? null : Rebuild(document, 0, (container, step) => step.FieldName is { } name
        ? container is IonStruct { IsNull: false } structure && structure.ContainsField(name) ? structure.Without(name) : null
        : container is IonList { IsNull: false } list && step.Position < list.Count ? list.RemoveAt(step.Position) : null);

    /// <summary>INSERT INTO the container at the path: a list gets the value appended or inserted before
    /// <paramref name="position"/> (0 ≤ n ≤ length); a struct gets it as the new field <paramref name="position"/>
    /// names (required, and not already present).</summary>
    public IonValue Insert(IonValue document, IonValue value, IonValue? position)
    {
        var container = Get(document) ?? throw Unresolved(0);
        IonValue changed = container switch
        {
            IonList { IsNull: false } list when position is null => list.Add(value),
            IonList { IsNull: false } list when position is IonInt { IsNull: false } at && at.TryGetInt64(out var index) && index >= 0 && index <= list.Count =>
                IonList.Of(list.Elements.Insert((int)index, value)).WithAnnotations(list.Annotations),
            IonStruct { IsNull: false } structure when position is IonString { IsNull: false } key && !structure.ContainsField(key.Value) =>
                structure.Add(key.Value, value),
            IonStruct { IsNull: false } structure when position is IonSymbol { IsNull: false, Text: { } key } && !structure.ContainsField(key) =>
                structure.Add(key, value),
            _ => throw DocumentPathException.RemainingPath([.. Steps.Select(s => s.ToString()), position is null ? "<end>" : position.ToString()]),
        };
        return IsRoot ? changed : Set(document, changed);
    }

    private static IonValue? Child(IonValue container, DocumentPathStep step) => step.FieldName is { } name
        ? container is IonStruct { IsNull: false } structure && structure.TryGetField(name, out var field) ? field : null
        : container is IonList { IsNull: false } list && step.Position < list.Count ? list[step.Position] : null;

    // Walks to the last step's container (every step before it must resolve), lets `change` produce the container's
    // new value (null when the last step does not fit it), and rebuilds the parents on the way back.
    private IonValue Rebuild(IonValue container, int at, Func<IonValue, DocumentPathStep, IonValue?> change)
    {
        var step = Steps[at];
        if (at == Steps.Length - 1)
        {
            return change(container, step) ?? throw Unresolved(at);
        }

        var child = Child(container, step) ?? throw Unresolved(at);
        var rebuilt = Rebuild(child, at + 1, change);
        return step.FieldName is { } name
            ? ((IonStruct)container).With(name, rebuilt)
            : ((IonList)container).SetItem(step.Position, rebuilt);
    }

    private DocumentPathException Unresolved(int from) =>
        DocumentPathException.RemainingPath(Steps.Skip(from).Select(s => s.ToString()));
}
