namespace Ledger.Functions.Protocol.Session;

/// <summary>
/// A validated SendCommand: one sub-command with its constraints checked and its blobs decoded. ToString
/// never shows the session token, statement or parameters, so a command can be logged.
/// </summary>
public abstract record SessionCommand
{
    public sealed override string ToString() => GetType().Name;
}

public sealed record StartSessionCommand(string LedgerName) : SessionCommand;

public sealed record StartTransactionCommand(string SessionToken) : SessionCommand;

public sealed record ExecuteStatementCommand(
    string SessionToken, string TransactionId, string Statement, IReadOnlyList<StatementParameter> Parameters) : SessionCommand;

public sealed record FetchPageCommand(string SessionToken, string TransactionId, string NextPageToken) : SessionCommand;

public sealed record CommitTransactionCommand(string SessionToken, string TransactionId, ReadOnlyMemory<byte> CommitDigest) : SessionCommand;

public sealed record AbortTransactionCommand(string SessionToken) : SessionCommand;

public sealed record EndSessionCommand(string SessionToken) : SessionCommand;

/// <summary>A statement parameter, exactly one of decoded Ion binary or Ion text.</summary>
public sealed record StatementParameter(ReadOnlyMemory<byte>? IonBinary, string? IonText)
{
    public override string ToString() => IonBinary is not null ? "IonBinary parameter" : "IonText parameter";
}
