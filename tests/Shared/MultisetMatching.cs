namespace Ledger.Tests.Shared;

/// <summary>Multiset matching for result checks, compiled into each test project that compares unordered rows
/// (linked source: the test projects share no assembly).</summary>
internal static class MultisetMatching
{
    /// <summary>True when every expected item can be paired with a distinct actual item that it matches. Uses
    /// backtracking: the lists are small, and a greedy pairing could reject a valid match when a matcher (such as a
    /// wildcard) accepts more than one actual item.</summary>
    public static bool Match<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual, Func<T, T, bool> match)
    {
        if (expected.Count != actual.Count)
        {
            return false;
        }

        var used = new bool[actual.Count];
        return Assign(0);

        bool Assign(int index)
        {
            if (index == expected.Count)
            {
                return true;
            }

            for (var j = 0; j < actual.Count; j++)
            {
                if (!used[j] && match(expected[index], actual[j]))
                {
                    used[j] = true;
                    if (Assign(index + 1))
                    {
                        return true;
                    }

                    used[j] = false;
                }
            }

            return false;
        }
    }
}
