using Ledger.Engine.Transactions;

namespace Ledger.Engine.Sessions;

/// <summary>A session as this instance serves it: the stored record plus the live transaction and its result pages.</summary>
internal sealed class Session(string token, string id, string ledgerName, DateTimeOffset createdAt)
{
    public string Token { get; } = token;

    public string Id { get; } = id;

    public string LedgerName { get; } = ledgerName;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public LedgerTransaction? Transaction { get; set; }

    /// <summary>Pending result pages of the open transaction, by page token.</summary>
    public Dictionary<string, Queue<Ledger.Ion.IonValue>> Pages { get; } = new(StringComparer.Ordinal);

    /// <summary>Serializes the session's commands: a session is used by one client at a time.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);
}
