using Ledger.Ion;
using Ledger.PartiQL.Planning;

namespace Ledger.PartiQL.Evaluation;

/// <summary>One row a table source yields: the value bound to the alias and, for documents, the document id a
/// BY alias binds.</summary>
public readonly record struct SourceRow(IonValue Value, string? DocumentId);

/// <summary>
/// The storage the evaluator reads through; the engine implements it over its snapshot and records each call as
/// a read for OCC (the access path says which: index keys, document ids, or the whole table).
/// </summary>
public interface IDocumentSource
{
    /// <summary>The rows of a table-backed source (user view, committed view, history, catalog) for the given
    /// access path. <paramref name="keys"/> are the evaluated lookup keys of an <see cref="IndexLookup"/> or
    /// <see cref="DocumentIdLookup"/>, empty for a <see cref="FullScan"/>. History time bounds, when present, are
    /// in <paramref name="historyBounds"/>.</summary>
    IAsyncEnumerable<SourceRow> ReadAsync(
        SourcePlan source,
        IReadOnlyList<IonValue> keys,
        (IonValue? Start, IonValue? End) historyBounds,
        CancellationToken cancellationToken);
}
