using Ledger.Engine.Errors;

namespace Ledger.Functions.Protocol.Session;

/// <summary>
/// An error of the QLDB session protocol: the short type name (header <c>x-amzn-ErrorType</c>), the
/// namespace-qualified <c>__type</c>, the HTTP status and the message. Client faults are 400; only
/// CapacityExceededException, the model's one server fault, is 503 so drivers retry it.
/// </summary>
public sealed record SessionError(string Namespace, string Name, int StatusCode, string Message, string? Code = null)
{
    /// <summary>The namespace of the exceptions declared in the qldb-session model.</summary>
    public const string ModelNamespace = "com.amazonaws.qldbsession";

    /// <summary>The namespace AWS's front end uses for authentication and authorization errors.</summary>
    public const string ServiceNamespace = "com.amazon.coral.service";

    public string QualifiedType => $"{Namespace}#{Name}";

    public static SessionError BadRequest(string message, string? code = null) =>
        new(ModelNamespace, "BadRequestException", 400, message, code);

    public static SessionError InvalidSession(string message, string? code = null) =>
        new(ModelNamespace, "InvalidSessionException", 400, message, code);

    /// <summary>Drivers recognise this wording (<c>Transaction .* has expired</c>) as not retryable.</summary>
    public static SessionError TransactionExpired(string transactionId) =>
        InvalidSession($"Transaction {transactionId} has expired");

    /// <summary>Worded so it never matches the transaction-expired pattern: drivers retry with a new session.</summary>
    public static SessionError SessionExpired(string sessionId) => InvalidSession($"Session {sessionId} has expired");

    public static SessionError NoSuchSession() => InvalidSession("No such session");

    public static SessionError InvalidSessionToken() => BadRequest("The parameter SessionToken is not valid");

    public static SessionError OccConflict(string message) => new(ModelNamespace, "OccConflictException", 400, message);

    public static SessionError RateExceeded(string message = "Rate exceeded") => new(ModelNamespace, "RateExceededException", 400, message);

    public static SessionError LimitExceeded(string message) => new(ModelNamespace, "LimitExceededException", 400, message);

    public static SessionError CapacityExceeded(string message = "Capacity exceeded") =>
        new(ModelNamespace, "CapacityExceededException", 503, message);

    public static SessionError AccessDenied(string message) => new(ServiceNamespace, "AccessDeniedException", 400, message);

    public static SessionError MissingAuthenticationToken(string message = "Missing Authentication Token") =>
        new(ServiceNamespace, "MissingAuthenticationTokenException", 400, message);

    public static SessionError IncompleteSignature(string message) => new(ServiceNamespace, "IncompleteSignatureException", 400, message);

    public static SessionError UnrecognizedClient(string message) => new(ServiceNamespace, "UnrecognizedClientException", 400, message);

    /// <summary>A missing or unknown <c>X-Amz-Target</c>; the only operation is QLDBSession.SendCommand.</summary>
    public static SessionError UnknownOperation() => new(ServiceNamespace, "UnknownOperationException", 400, "Unknown operation.");

    /// <summary>
    /// The protocol error for an engine refusal. The engine's messages are the ones drivers see (and match, for
    /// transaction expiry); control-plane refusals cannot occur on the data plane and read as bad requests.
    /// </summary>
    public static SessionError FromEngine(LedgerException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            InvalidSessionException => InvalidSession(exception.Message),
            OccConflictException => OccConflict(exception.Message),
            LimitExceededException => LimitExceeded(exception.Message),
            CapacityExceededException => CapacityExceeded(exception.Message),
            _ => BadRequest(exception.Message),
        };
    }

    /// <summary>An unexpected server failure: HTTP 500, which drivers retry with a new session.</summary>
    public static SessionError InternalFailure() =>
        new(ServiceNamespace, "InternalFailure", 500, "The request processing has failed because of an unknown error.");

    /// <summary>Also used for a skewed clock: the SDKs then correct their offset from our Date header and retry.</summary>
    public static SessionError InvalidSignature(string message) => new(ServiceNamespace, "InvalidSignatureException", 400, message);
}

/// <summary>Thrown while reading a request that must be answered with <see cref="Error"/>.</summary>
public sealed class SessionProtocolException : Exception
{
    public SessionProtocolException(SessionError error)
        : base(error?.Message)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    public SessionProtocolException()
        : this(SessionError.BadRequest("Bad request"))
    {
    }

    public SessionProtocolException(string message)
        : this(SessionError.BadRequest(message))
    {
    }

    public SessionProtocolException(string message, Exception innerException)
        : base(message, innerException) => Error = SessionError.BadRequest(message);

    public SessionError Error { get; }
}
