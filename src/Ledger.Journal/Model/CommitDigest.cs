using Ledger.Ion;

namespace Ledger.Journal.Model;

/// <summary>
/// QLDB's CommitDigest (spec 2): seeded with IonHash(transaction id) and folded with every statement hash in
/// arrival order. The per-statement hash is also the journal's <c>statementDigest</c>.
/// </summary>
public sealed class CommitDigest
{
    /// <summary>Starts the digest of a transaction.</summary>
    public CommitDigest(string transactionId)
    {
        ArgumentNullException.ThrowIfNull(transactionId);
        Value = JournalIonHash.Of(IonString.Of(transactionId));
    }

    /// <summary>The running digest (the seed while no statement has been added).</summary>
    public Hash32 Value { get; private set; }

    /// <summary>
    /// The statement hash: IonHash of the statement as an Ion string, folded with IonHash of each parameter in order.
    /// </summary>
    public static Hash32 StatementDigest(string statement, IEnumerable<IonValue>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var digest = JournalIonHash.Of(IonString.Of(statement));
        foreach (var parameter in parameters ?? [])
        {
            digest = QldbHash.Dot(digest, JournalIonHash.Of(parameter));
        }

        return digest;
    }

    /// <summary>Folds one ExecuteStatement into the digest and returns its statement hash.</summary>
    public Hash32 AddStatement(string statement, IEnumerable<IonValue>? parameters = null)
    {
        var statementDigest = StatementDigest(statement, parameters);
        Value = QldbHash.Dot(Value, statementDigest);
        return statementDigest;
    }
}
