using Ledger.Ion;
using Ledger.Tests.Shared;

namespace Ledger.PartiQL.Tests.Support;

/// <summary>Matches result rows against a conformance case's <c>expect</c> (testdata README §4): Ion equivalence,
/// rows as a multiset unless ordered, and the <c>qdb_any</c>, <c>qdb_open</c>, <c>qdb_unordered</c> matchers.</summary>
public static class ExpectedRows
{
    public static bool Match(IReadOnlyList<IonValue> expected, IReadOnlyList<IonValue> actual, bool ordered)
    {
        if (expected.Count != actual.Count)
        {
            return false;
        }

        return ordered ? expected.Zip(actual).All(p => Match(p.First, p.Second)) : Multiset(expected, actual);
    }

    /// <summary>True when the expectation uses a matcher this helper does not resolve (QLDB-format ids).</summary>
    public static bool NeedsCaptures(IonValue expected) => expected switch
    {
        _ when expected.Annotations.Any(a => a.Text is "qdb_id") => true,
        IonStruct s => s.Fields.Any(f => NeedsCaptures(f.Value)),
        IonSequence l => l.Elements.Any(NeedsCaptures),
        _ => false,
    };

    public static bool Match(IonValue expected, IonValue actual)
    {
        var matcher = expected.Annotations.Select(a => a.Text).FirstOrDefault(t => t is not null && t.StartsWith("qdb_", StringComparison.Ordinal));
        switch (matcher)
        {
            case "qdb_any":
                return expected.Type == IonType.Null || expected.Type == actual.Type;
            case "qdb_open":
                return expected is IonStruct open && actual is IonStruct { IsNull: false } have
                    && open.Fields.All(f => have.Fields.Any(g => g.Name.Text == f.Name.Text && Match(f.Value, g.Value)));
            case "qdb_unordered":
                return expected is IonSequence list && actual is IonList { IsNull: false } got && list.Count == got.Count && Multiset([.. list.Elements], [.. got.Elements]);
        }

        switch (expected)
        {
            case IonStruct { IsNull: false } structure when actual is IonStruct { IsNull: false } other:
                return structure.Count == other.Count && structure.Annotations.SequenceEqual(other.Annotations)
                    && Multiset([.. structure.Fields], [.. other.Fields], (e, a) => e.Name.Text == a.Name.Text && Match(e.Value, a.Value));
            case IonList { IsNull: false } list when actual is IonList { IsNull: false } other:
                return list.Count == other.Count && list.Annotations.SequenceEqual(other.Annotations)
                    && list.Elements.Zip(other.Elements).All(p => Match(p.First, p.Second));
            default:
                return expected.Equals(actual);
        }
    }

    private static bool Multiset(IReadOnlyList<IonValue> expected, IReadOnlyList<IonValue> actual) => Multiset(expected, actual, Match);

    private static bool Multiset<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual, Func<T, T, bool> match) =>
        MultisetMatching.Match(expected, actual, match);
}
