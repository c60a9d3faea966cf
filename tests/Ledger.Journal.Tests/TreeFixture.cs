using Ledger.Journal.Tree;

namespace Ledger.Journal.Tests;

/// <summary>An appender plus the in-memory store it feeds: the journal tree as the engine will run it.</summary>
internal sealed class TreeFixture
{
    public JournalTreeAppender Appender { get; } = new();

    public InMemoryJournalNodeStore Store { get; } = new();

    public List<Hash32> Leaves { get; } = [];

    public void Append(Hash32 leaf)
    {
        Span<JournalNode> created = stackalloc JournalNode[JournalTreeAppender.MaxNodesPerAppend];
        var count = Appender.Append(leaf, created);
        Store.AddRange(created[..count]);
        Leaves.Add(leaf);
    }

    public static TreeFixture Random(int size, int seed)
    {
        var random = new Random(seed);
        var fixture = new TreeFixture();
        Span<byte> bytes = stackalloc byte[Hash32.Length];
        for (var i = 0; i < size; i++)
        {
            random.NextBytes(bytes);
            fixture.Append(new Hash32(bytes));
        }

        return fixture;
    }

    public static TreeFixture Synthetic(int size)
    {
        var fixture = new TreeFixture();
        for (var i = 0; i < size; i++)
        {
            fixture.Append(NaiveJournalTree.SyntheticLeaf(i));
        }

        return fixture;
    }

    public ValueTask<Hash32> DigestAsync(long size) => JournalProofBuilder.DigestAsync(Store, size);

    public ValueTask<Hash32[]> InclusionProofAsync(long leaf, long size) => JournalProofBuilder.InclusionProofAsync(Store, leaf, size);

    public ValueTask<Hash32[]> ConsistencyProofAsync(long size1, long size2) => JournalProofBuilder.ConsistencyProofAsync(Store, size1, size2);
}
