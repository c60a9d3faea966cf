using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ledger.Functions.Protocol.Session;

/// <summary>
/// Reads a SendCommand body into a <see cref="SessionCommand"/>, enforcing the qldb-session model's
/// constraints. Every refusal is a BadRequestException naming the member; values are never echoed, since
/// tokens and statements may be sensitive.
/// </summary>
public static partial class SessionCommandParser
{
    public const int MaxLedgerNameLength = 32;
    public const int MinTokenLength = 4;
    public const int MaxTokenLength = 1024;
    public const int TransactionIdLength = 22;
    public const int MaxStatementLength = 100_000;
    public const int MaxIonBinaryBytes = 131_072;
    public const int MaxIonTextLength = 1_048_576;
    public const int CommitDigestBytes = 32;

    // The model's patterns, quoted in messages. The model writes the hyphen of its character classes as
    // "A-Za-z-0-9"; the regexes below spell the same set unambiguously.
    private const string LedgerNamePattern = "(?!^.*--)(?!^[0-9]+$)(?!^-)(?!.*-$)^[A-Za-z0-9-]+$";
    private const string TokenPattern = "^[A-Za-z-0-9+/=]+$";
    private const string IdPattern = "^[A-Za-z-0-9]+$";

    /// <summary>The <c>X-Amz-Target</c> of the one operation.</summary>
    public const string SendCommandTarget = "QLDBSession.SendCommand";

    /// <summary>Refuses any <c>X-Amz-Target</c> other than <see cref="SendCommandTarget"/>, before the body is read.</summary>
    public static void CheckTarget(string? amzTarget)
    {
        if (!string.Equals(amzTarget, SendCommandTarget, StringComparison.Ordinal))
        {
            throw new SessionProtocolException(SessionError.UnknownOperation());
        }
    }

    /// <summary>Parses and validates; throws <see cref="SessionProtocolException"/> on any bad input.</summary>
    public static SessionCommand Parse(ReadOnlySpan<byte> utf8Json)
    {
        SendCommandRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(utf8Json, SessionJsonContext.Default.SendCommandRequest);
        }
        catch (JsonException)
        {
            // The parser's message may quote the body; a fixed message keeps it out of responses and logs.
            throw Fail("The request body is not a well-formed JSON object.");
        }

        if (request is null)
        {
            throw Fail("The request body is not a well-formed JSON object.");
        }

        return Validate(request);
    }

    /// <summary>Validates a deserialized request.</summary>
    public static SessionCommand Validate(SendCommandRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var present = new List<string>();
        if (request.StartSession is not null) present.Add("StartSession");
        if (request.StartTransaction is not null) present.Add("StartTransaction");
        if (request.EndSession is not null) present.Add("EndSession");
        if (request.CommitTransaction is not null) present.Add("CommitTransaction");
        if (request.AbortTransaction is not null) present.Add("AbortTransaction");
        if (request.ExecuteStatement is not null) present.Add("ExecuteStatement");
        if (request.FetchPage is not null) present.Add("FetchPage");
        if (present.Count != 1)
        {
            throw Fail(present.Count == 0
                ? "The request must contain exactly one command; it contains none."
                : $"The request must contain exactly one command; it contains {string.Join(", ", present)}.");
        }

        if (request.StartSession is { } startSession)
        {
            if (request.SessionToken is not null)
            {
                throw Fail("StartSession must not carry a SessionToken.");
            }

            return new StartSessionCommand(LedgerName(startSession.LedgerName, "startSession.ledgerName"));
        }

        var sessionToken = Token(request.SessionToken, "sessionToken");
        if (request.StartTransaction is not null)
        {
            return new StartTransactionCommand(sessionToken);
        }

        if (request.AbortTransaction is not null)
        {
            return new AbortTransactionCommand(sessionToken);
        }

        if (request.EndSession is not null)
        {
            return new EndSessionCommand(sessionToken);
        }

        if (request.FetchPage is { } fetchPage)
        {
            return new FetchPageCommand(sessionToken,
                TransactionId(fetchPage.TransactionId, "fetchPage.transactionId"),
                Token(fetchPage.NextPageToken, "fetchPage.nextPageToken"));
        }

        if (request.CommitTransaction is { } commit)
        {
            var transactionId = TransactionId(commit.TransactionId, "commitTransaction.transactionId");
            var digest = Base64(commit.CommitDigest, "commitTransaction.commitDigest");
            if (digest.Length != CommitDigestBytes)
            {
                throw Fail($"Value at 'commitTransaction.commitDigest' failed to satisfy constraint: Member must be a {CommitDigestBytes}-byte SHA-256 digest.");
            }

            return new CommitTransactionCommand(sessionToken, transactionId, digest);
        }

        var execute = request.ExecuteStatement!;
        var executeTransactionId = TransactionId(execute.TransactionId, "executeStatement.transactionId");
        var statement = Required(execute.Statement, "executeStatement.statement");
        Length(statement.Length, 1, MaxStatementLength, "executeStatement.statement");
        var parameters = new List<StatementParameter>();
        for (var index = 0; index < (execute.Parameters?.Count ?? 0); index++)
        {
            parameters.Add(Parameter(execute.Parameters![index], $"executeStatement.parameters.{index + 1}.member"));
        }

        return new ExecuteStatementCommand(sessionToken, executeTransactionId, statement, parameters);
    }

    private static StatementParameter Parameter(ValueHolder? holder, string member)
    {
        if (holder is null || (holder.IonBinary is null) == (holder.IonText is null))
        {
            throw Fail($"Value at '{member}' failed to satisfy constraint: Member must contain exactly one of IonBinary or IonText.");
        }

        if (holder.IonText is { } text)
        {
            Length(text.Length, 1, MaxIonTextLength, member + ".ionText");
            return new StatementParameter(null, text);
        }

        var binary = Base64(holder.IonBinary, member + ".ionBinary");
        Length(binary.Length, 1, MaxIonBinaryBytes, member + ".ionBinary");
        return new StatementParameter(binary, null);
    }

    private static string LedgerName(string? value, string member)
    {
        var name = Required(value, member);
        Length(name.Length, 1, MaxLedgerNameLength, member);
        return FullMatch(LedgerNameRegex(), name) ? name : throw PatternFail(member, LedgerNamePattern);
    }

    private static string Token(string? value, string member)
    {
        var token = Required(value, member);
        Length(token.Length, MinTokenLength, MaxTokenLength, member);
        return FullMatch(TokenRegex(), token) ? token : throw PatternFail(member, TokenPattern);
    }

    private static string TransactionId(string? value, string member)
    {
        var id = Required(value, member);
        Length(id.Length, TransactionIdLength, TransactionIdLength, member);
        return FullMatch(IdRegex(), id) ? id : throw PatternFail(member, IdPattern);
    }

    private static byte[] Base64(string? value, string member)
    {
        var text = Required(value, member);
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) && !text.Any(char.IsWhiteSpace)
            ? buffer[..written]
            : throw Fail($"Value at '{member}' failed to satisfy constraint: Member must be valid base64.");
    }

    /// <summary>A match of the whole value: <c>$</c> alone would also accept a trailing newline.</summary>
    private static bool FullMatch(Regex regex, string value) => regex.Match(value) is { Success: true } match && match.Length == value.Length;

    private static string Required(string? value, string member) =>
        value ?? throw Fail($"Value null at '{member}' failed to satisfy constraint: Member must not be null.");

    private static void Length(int length, int min, int max, string member)
    {
        if (length < min)
        {
            throw Fail($"Value at '{member}' failed to satisfy constraint: Member must have length greater than or equal to {min}.");
        }

        if (length > max)
        {
            throw Fail($"Value at '{member}' failed to satisfy constraint: Member must have length less than or equal to {max}.");
        }
    }

    private static SessionProtocolException PatternFail(string member, string pattern) =>
        Fail($"Value at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}.");

    private static SessionProtocolException Fail(string message) => new(SessionError.BadRequest(message));

    [GeneratedRegex(LedgerNamePattern)]
    private static partial Regex LedgerNameRegex();

    [GeneratedRegex("^[A-Za-z0-9+/=-]+$")]
    private static partial Regex TokenRegex();

    [GeneratedRegex("^[A-Za-z0-9-]+$")]
    private static partial Regex IdRegex();
}
