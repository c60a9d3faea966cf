namespace Ledger.Engine.Errors;

/// <summary>
/// A failure the protocol layers report to clients. <see cref="ErrorType"/> is the QLDB short exception name
/// (the <c>x-amzn-ErrorType</c> header); the message is the client-visible text, which drivers sometimes match.
/// </summary>
public abstract class LedgerException : Exception
{
    /// <summary>Creates the exception with its client-visible message.</summary>
    protected LedgerException(string message)
        : base(message)
    {
    }

    /// <summary>The QLDB exception short name, e.g. <c>BadRequestException</c>.</summary>
    public abstract string ErrorType { get; }
}

/// <summary>
/// Why a statement or request was refused. QLDB reports every kind as the same <c>BadRequestException</c>; the kind
/// is ours, for logs and for the conformance suite's error categories (testdata/partiql README §5).
/// </summary>
public enum StatementErrorKind
{
    /// <summary>A protocol-level refusal (session, transaction, digest, page token), not about a statement.</summary>
    Request,
    /// <summary>The statement cannot be parsed.</summary>
    Syntax,
    /// <summary>Valid PartiQL that QLDB rejects.</summary>
    Unsupported,
    /// <summary>Unknown table, function or procedure, wrong arity, parameter count, read-only view.</summary>
    Semantic,
    /// <summary>A run-time error: type error, failed CAST, division by zero, invalid history range.</summary>
    Evaluation,
    /// <summary>A DML target path cannot be resolved.</summary>
    Path,
    /// <summary>A catalog rule: table names, table ids, index rules and quotas, redaction eligibility.</summary>
    Constraint,
    /// <summary>A transaction or statement quota: documents, sizes, statement length.</summary>
    Limit,
}

/// <summary>QLDB Session <c>BadRequestException</c>: a statement or request the ledger refuses (HTTP 400).</summary>
public sealed class BadRequestException(string message, StatementErrorKind kind = StatementErrorKind.Request) : LedgerException(message)
{
    /// <inheritdoc/>
    public override string ErrorType => "BadRequestException";

    /// <summary>Why the statement or request was refused (not sent to clients: QLDB has one exception type).</summary>
    public StatementErrorKind Kind { get; } = kind;
}

/// <summary>
/// QLDB Session <c>InvalidSessionException</c>. Drivers decide retryability from the text: only
/// <c>Transaction &lt;id&gt; has expired</c> is final, so the other messages must never contain "has expired" after
/// the word "Transaction".
/// </summary>
public sealed class InvalidSessionException(string message) : LedgerException(message)
{
    /// <inheritdoc/>
    public override string ErrorType => "InvalidSessionException";

    /// <summary>The transaction lifetime was exceeded (drivers match <c>Transaction .* has expired</c>).</summary>
    public static InvalidSessionException TransactionExpired(string transactionId) => new($"Transaction {transactionId} has expired");

    /// <summary>The session lifetime was exceeded.</summary>
    public static InvalidSessionException SessionExpired(string sessionId) => new($"Session {sessionId} has expired");

    /// <summary>The session is unknown or was discarded.</summary>
    public static InvalidSessionException NoSuchSession() => new("No such session");
}

/// <summary>
/// QLDB <c>OccConflictException</c>: something the transaction read was changed by a transaction sequenced after
/// its snapshot. The transaction is closed and nothing it wrote was stored.
/// </summary>
public sealed class OccConflictException : LedgerException
{
    /// <summary>QLDB's documented message.</summary>
    public const string DefaultMessage = "Optimistic concurrency control (OCC) failure encountered while committing the transaction";

    /// <summary>Creates the exception for a transaction.</summary>
    public OccConflictException(string transactionId)
        : base(DefaultMessage)
    {
        TransactionId = transactionId;
    }

    /// <summary>The transaction that failed validation.</summary>
    public string TransactionId { get; }

    /// <inheritdoc/>
    public override string ErrorType => "OccConflictException";
}

/// <summary>QLDB <c>LimitExceededException</c> (sessions per ledger, ledgers per account, exports).</summary>
public sealed class LimitExceededException(string message) : LedgerException(message)
{
    /// <inheritdoc/>
    public override string ErrorType => "LimitExceededException";
}

/// <summary>QLDB Session <c>CapacityExceededException</c>, the only server fault (HTTP 503, retried by drivers).</summary>
public sealed class CapacityExceededException(string message) : LedgerException(message)
{
    /// <inheritdoc/>
    public override string ErrorType => "CapacityExceededException";
}

/// <summary>Control plane <c>ResourceNotFoundException</c> (HTTP 404).</summary>
public sealed class ResourceNotFoundException(string resourceType, string resourceName)
    : LedgerException($"{resourceType} {resourceName} does not exist")
{
    /// <summary>The kind of resource, e.g. <c>LEDGER</c>.</summary>
    public string ResourceType { get; } = resourceType;

    /// <summary>The name that was looked up.</summary>
    public string ResourceName { get; } = resourceName;

    /// <inheritdoc/>
    public override string ErrorType => "ResourceNotFoundException";
}

/// <summary>Control plane <c>ResourceAlreadyExistsException</c> (HTTP 409).</summary>
public sealed class ResourceAlreadyExistsException(string resourceType, string resourceName)
    : LedgerException($"{resourceType} {resourceName} already exists")
{
    /// <summary>The kind of resource, e.g. <c>LEDGER</c>.</summary>
    public string ResourceType { get; } = resourceType;

    /// <summary>The name that is taken.</summary>
    public string ResourceName { get; } = resourceName;

    /// <inheritdoc/>
    public override string ErrorType => "ResourceAlreadyExistsException";
}

/// <summary>Control plane <c>ResourcePreconditionNotMetException</c> (HTTP 412), e.g. deleting a protected ledger.</summary>
public sealed class ResourcePreconditionNotMetException(string resourceType, string resourceName, string message)
    : LedgerException(message)
{
    /// <summary>The kind of resource, e.g. <c>LEDGER</c>.</summary>
    public string ResourceType { get; } = resourceType;

    /// <summary>The resource whose state refused the request.</summary>
    public string ResourceName { get; } = resourceName;

    /// <inheritdoc/>
    public override string ErrorType => "ResourcePreconditionNotMetException";
}

/// <summary>Control plane <c>InvalidParameterException</c> (HTTP 400).</summary>
public sealed class InvalidParameterException(string parameterName, string message) : LedgerException(message)
{
    /// <summary>The offending request parameter.</summary>
    public string ParameterName { get; } = parameterName;

    /// <inheritdoc/>
    public override string ErrorType => "InvalidParameterException";
}

/// <summary>Control plane <c>ResourceInUseException</c> (HTTP 409): a concurrent change holds the resource.</summary>
public sealed class ResourceInUseException(string resourceType, string resourceName)
    : LedgerException($"{resourceType} {resourceName} is in use by another request")
{
    /// <summary>The kind of resource, e.g. <c>LEDGER</c>.</summary>
    public string ResourceType { get; } = resourceType;

    /// <summary>The busy resource.</summary>
    public string ResourceName { get; } = resourceName;

    /// <inheritdoc/>
    public override string ErrorType => "ResourceInUseException";
}
