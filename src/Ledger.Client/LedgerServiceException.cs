namespace Ledger.Client;

/// <summary>A refusal from the ledger service: QLDB's short error type (e.g. <c>OccConflictException</c>) and its message.</summary>
public sealed class LedgerServiceException : Exception
{
    public LedgerServiceException()
    {
        ErrorType = "UnknownError";
    }

    public LedgerServiceException(string message)
        : base(message)
    {
        ErrorType = "UnknownError";
    }

    public LedgerServiceException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorType = "UnknownError";
    }

    public LedgerServiceException(string errorType, string message, int statusCode)
        : base(message)
    {
        ErrorType = errorType;
        StatusCode = statusCode;
    }

    /// <summary>The short name, without the <c>namespace#</c> prefix AWS JSON 1.0 may add.</summary>
    public string ErrorType { get; }

    public int StatusCode { get; }

    /// <summary>Authentication and authorization refusals; the CLI maps them to its connection/auth exit code.</summary>
    public bool IsAuthFailure => StatusCode is 401 or 403;

    public override string ToString() => $"{ErrorType}: {Message}";
}
