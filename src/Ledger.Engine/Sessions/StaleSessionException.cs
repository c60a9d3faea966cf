namespace Ledger.Engine.Sessions;

/// <summary>
/// The session record changed on another instance since this one last saw it (a conditional write failed): the
/// engine re-reads the record, rebuilds the session's transaction from it and redoes the command. Never leaves the
/// engine.
/// </summary>
internal sealed class StaleSessionException : Exception
{
    public StaleSessionException()
        : base("The session record changed on another instance.")
    {
    }

    public StaleSessionException(string message)
        : base(message)
    {
    }

    public StaleSessionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
