namespace Ledger.Engine.Model;

/// <summary>
/// QLDB's quotas (qldb-compat 10, partiql-qldb 11.2) as configurable defaults. Each is refused with QLDB's error.
/// </summary>
public sealed record EngineLimits
{
    /// <summary>The published QLDB values.</summary>
    public static EngineLimits Default { get; } = new();

    /// <summary>Active ledgers per account (CreateLedger → LimitExceededException).</summary>
    public int MaxActiveLedgers { get; init; } = 5;

    /// <summary>Concurrent active sessions per ledger (LimitExceededException).</summary>
    public int MaxSessionsPerLedger { get; init; } = 1500;

    /// <summary>Start to commit; afterwards "Transaction &lt;id&gt; has expired".</summary>
    public TimeSpan TransactionLifetime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>QLDB discards sessions 13-17 minutes after creation; we use the middle.</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Documents written per transaction.</summary>
    public int MaxDocumentsPerTransaction { get; init; } = 40;

    /// <summary>Revisions redacted per transaction.</summary>
    public int MaxRedactionsPerTransaction { get; init; } = 1;

    /// <summary>Document size in Ion binary.</summary>
    public int MaxDocumentBytes { get; init; } = 128 * 1024;

    /// <summary>Statement text length in characters.</summary>
    public int MaxStatementLength { get; init; } = 100_000;

    /// <summary>Size of one parameter in Ion binary.</summary>
    public int MaxParameterBytes { get; init; } = 128 * 1024;

    /// <summary>Transaction size: written documents plus metadata, in Ion binary.</summary>
    public int MaxTransactionBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Active tables per ledger.</summary>
    public int MaxActiveTables { get; init; } = 20;

    /// <summary>Tables ever created (active and inactive) per ledger.</summary>
    public int MaxTotalTables { get; init; } = 40;

    /// <summary>Indexes per table.</summary>
    public int MaxIndexesPerTable { get; init; } = 5;

    /// <summary>Length of an indexed field name.</summary>
    public int MaxIndexFieldLength { get; init; } = 128;

    /// <summary>Values per ExecuteStatement/FetchPage page (observed ~200).</summary>
    public int PageSize { get; init; } = 200;
}
