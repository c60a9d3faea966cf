using Ledger.Engine.Ports;
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

    /// <summary>
    /// The shared record as this instance last read or wrote it, with its ETag: a command that writes the record
    /// starts from it and writes with If-Match instead of reading first (a mismatch means another instance moved the
    /// session: the command is redone from a fresh read). Null until this instance has read it.
    /// </summary>
    public SessionRecord? Record { get; set; }

    /// <summary>
    /// Whether <see cref="Record"/> is known to be current in the command under way: it read the record, or one of
    /// its conditional writes succeeded. A command's failure that depends on session state is only reported once
    /// this holds.
    /// </summary>
    public bool RecordVerified { get; set; }

    /// <summary>Pending result pages of the open transaction, by page token.</summary>
    public Dictionary<string, PendingPage> Pages { get; } = new(StringComparer.Ordinal);

    /// <summary>The open transaction's statements as sent (persisted so that another instance can rebuild it).</summary>
    public List<StatementInput> Statements { get; } = [];

    /// <summary>
    /// Results of statements this instance re-executed to rebuild the transaction, by statement index: a page token
    /// another instance handed out is served from them.
    /// </summary>
    public Dictionary<int, IReadOnlyList<Ledger.Ion.IonValue>> RebuiltResults { get; } = [];

    /// <summary>Forgets the open transaction and everything derived from it.</summary>
    public void ClearTransaction()
    {
        Transaction = null;
        Pages.Clear();
        Statements.Clear();
        RebuiltResults.Clear();
    }

    /// <summary>Serializes the session's commands: a session is used by one client at a time.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);
}

/// <summary>The rest of a statement's result after a page: <paramref name="Consumed"/> values were already returned.</summary>
internal sealed record PendingPage(Queue<Ledger.Ion.IonValue> Remaining, int StatementIndex, int Consumed);
