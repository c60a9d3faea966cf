using Ledger.Ion;
using Ledger.PartiQL.Evaluation;
using Ledger.Tests.Shared;

namespace Ledger.Engine.Tests.Conformance;

/// <summary>
/// Matches the rows a statement returned against a case's <c>expect</c> (testdata README §4): Ion data-model
/// equivalence (or numeric equality across int/decimal/float with <c>compare: partiql</c>), rows as a multiset
/// unless ordered, and the <c>qdb_*</c> matcher annotations.
/// </summary>
internal sealed class ResultMatcher(IReadOnlyDictionary<string, IonValue> variables, bool numbersByValue)
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public bool MatchRows(IReadOnlyList<IonValue> expected, IReadOnlyList<IonValue> actual, bool ordered)
    {
        if (expected.Count != actual.Count)
        {
            return false;
        }

        return ordered ? expected.Zip(actual).All(pair => Match(pair.First, pair.Second)) : MatchMultiset(expected, actual, Match);
    }

    public bool Match(IonValue expected, IonValue actual)
    {
        var matcher = expected.Annotations.Select(a => a.Text).FirstOrDefault(t => t?.StartsWith("qdb_", StringComparison.Ordinal) == true);
        switch (matcher)
        {
            case "qdb_any":
                return expected.Type == IonType.Null || expected.Type == actual.Type;
            case "qdb_id":
                return actual is IonString { IsNull: false, Value: var id } && id.Length == 22 && id.All(c => Base62.Contains(c, StringComparison.Ordinal));
            case "qdb_var":
                var name = expected switch
                {
                    IonString text => text.Value,
                    IonSymbol symbol => symbol.Text,
                    _ => null,
                };
                return name is not null && variables.TryGetValue(name, out var captured) && Match(captured, actual);
            case "qdb_open":
                return expected is IonStruct { IsNull: false } open && actual is IonStruct { IsNull: false } have
                    && open.Fields.All(want => have.Fields.Any(field => field.Name.Text == want.Name.Text && Match(want.Value, field.Value)));
            case "qdb_unordered":
                return expected is IonSequence { IsNull: false } elements && actual is IonSequence { IsNull: false } got
                    && elements.Type == got.Type && MatchMultiset([.. elements.Elements], [.. got.Elements], Match);
            case not null:
                throw new InvalidDataException($"unknown matcher annotation '{matcher}'");
        }

        if (!expected.Annotations.Select(a => a.Text).SequenceEqual(actual.Annotations.Select(a => a.Text)))
        {
            return false;
        }

        switch (expected)
        {
            case IonStruct { IsNull: false } structure when actual is IonStruct { IsNull: false } other:
                return structure.Count == other.Count
                    && MatchMultiset([.. structure.Fields], [.. other.Fields], (e, a) => e.Name.Text == a.Name.Text && Match(e.Value, a.Value));
            case IonSequence { IsNull: false } sequence when actual is IonSequence { IsNull: false } other:
                return sequence.Type == other.Type && sequence.Count == other.Count
                    && sequence.Elements.Zip(other.Elements).All(pair => Match(pair.First, pair.Second));
            case { IsNull: false } when numbersByValue && ValueSemantics.IsNumber(expected) && actual is { IsNull: false } && ValueSemantics.IsNumber(actual):
                return ValueSemantics.CompareNumbers(expected.WithoutAnnotations(), actual.WithoutAnnotations()) == 0;
            default:
                return expected.WithoutAnnotations().Equals(actual.WithoutAnnotations());
        }
    }

    private static bool MatchMultiset<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual, Func<T, T, bool> match) =>
        MultisetMatching.Match(expected, actual, match);
}
