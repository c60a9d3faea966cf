using Ledger.Ion;

namespace Ledger.PartiQL.Evaluation;

/// <summary>What the engine supplies per statement for UTCNOW and TXID (spec §9): the transaction's current UTC
/// time (the same value for the whole statement) and its transaction id.</summary>
public sealed record EvaluationContext(IonTimestamp UtcNow, string? TransactionId)
{
    /// <summary>The wall clock at millisecond precision and no transaction (tests, tools).</summary>
    public static EvaluationContext Now() => new(IonTimestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), null);
}
