using Ledger.Ion;

namespace Ledger.Engine.Sessions;

/// <summary>
/// QLDB's IOUsage of one command: <see cref="ReadIOs"/> counts the documents (or revisions) the command read from
/// storage, not the values it returned (a full scan reads every document of the table, an indexed equality lookup
/// only the matching ones); <see cref="WriteIOs"/> counts the documents it wrote.
/// </summary>
public readonly record struct ConsumedIOs(long ReadIOs, long WriteIOs)
{
    public static ConsumedIOs operator +(ConsumedIOs left, ConsumedIOs right) =>
        new(left.ReadIOs + right.ReadIOs, left.WriteIOs + right.WriteIOs);

    public static ConsumedIOs Add(ConsumedIOs left, ConsumedIOs right) => left + right;
}

/// <summary>
/// A page of result values; <see cref="NextPageToken"/> is null on the last page. A statement's result is computed
/// whole when it runs, so the first page carries the statement's IOs and later pages (FetchPage) carry none.
/// </summary>
public sealed record ResultPage(IReadOnlyList<IonValue> Values, string? NextPageToken)
{
    public ConsumedIOs ConsumedIOs { get; init; }
}

/// <summary>
/// Where a committed transaction's block landed (null address for a read-only transaction). <see cref="ConsumedIOs"/>
/// has the commit's writes: one per document revision and catalog entry the block persists.
/// </summary>
public sealed record CommitOutcome(string TransactionId, Journal.Hash32 CommitDigest, string? StrandId, long? SequenceNo)
{
    public ConsumedIOs ConsumedIOs { get; init; }
}

/// <summary>The ledger a session's statement runs on and the ids of the active tables it names, by name.</summary>
public sealed record StatementScope(Ports.LedgerRecord Ledger, IReadOnlyDictionary<string, string> TableIds);
