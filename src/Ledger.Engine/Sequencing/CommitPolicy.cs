namespace Ledger.Engine.Sequencing;

/// <summary>
/// How the sequencer groups waiting commits into one journal append. A batch never exceeds what one Azure Table
/// entity-group transaction can hold.
/// </summary>
public sealed record CommitPolicy(int MaxTransactionsPerAppend)
{
    /// <summary>Azure Table's entity-group limit: 100 entities per batch.</summary>
    public const int MaxBatchEntities = 100;

    /// <summary>Group as many waiting transactions as a Table batch holds.</summary>
    public static CommitPolicy Default { get; } = new(MaxBatchEntities);

    /// <summary>One transaction per append (no grouping): the baseline for tests and benchmarks.</summary>
    public static CommitPolicy Serial { get; } = new(1);

    /// <summary>Groups at most <paramref name="maxTransactions"/> transactions per append.</summary>
    public static CommitPolicy MaxGroup(int maxTransactions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTransactions);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxTransactions, MaxBatchEntities);
        return new CommitPolicy(maxTransactions);
    }
}
