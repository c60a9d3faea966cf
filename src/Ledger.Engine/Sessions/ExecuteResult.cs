using Ledger.Ion;

namespace Ledger.Engine.Sessions;

/// <summary>A page of result values; <see cref="NextPageToken"/> is null on the last page.</summary>
public sealed record ResultPage(IReadOnlyList<IonValue> Values, string? NextPageToken);

/// <summary>Where a committed transaction's block landed (null address for a read-only transaction).</summary>
public sealed record CommitOutcome(string TransactionId, Journal.Hash32 CommitDigest, string? StrandId, long? SequenceNo);

/// <summary>The ledger a session's statement runs on and the ids of the active tables it names, by name.</summary>
public sealed record StatementScope(Ports.LedgerRecord Ledger, IReadOnlyDictionary<string, string> TableIds);
