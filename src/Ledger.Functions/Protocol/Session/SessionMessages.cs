using System.Text.Json.Serialization;

namespace Ledger.Functions.Protocol.Session;

// The AWS JSON 1.0 shapes of QLDBSession.SendCommand (model qldb-session 2019-07-11). Property names are
// explicit so a rename in C# can never change the wire format.

/// <summary>The SendCommand request: a session token (except for StartSession) and exactly one sub-command.</summary>
public sealed class SendCommandRequest
{
    [JsonPropertyName("SessionToken")] public string? SessionToken { get; init; }

    [JsonPropertyName("StartSession")] public StartSessionRequest? StartSession { get; init; }

    [JsonPropertyName("StartTransaction")] public EmptyRequest? StartTransaction { get; init; }

    [JsonPropertyName("EndSession")] public EmptyRequest? EndSession { get; init; }

    [JsonPropertyName("CommitTransaction")] public CommitTransactionRequest? CommitTransaction { get; init; }

    [JsonPropertyName("AbortTransaction")] public EmptyRequest? AbortTransaction { get; init; }

    [JsonPropertyName("ExecuteStatement")] public ExecuteStatementRequest? ExecuteStatement { get; init; }

    [JsonPropertyName("FetchPage")] public FetchPageRequest? FetchPage { get; init; }

    public override string ToString() => nameof(SendCommandRequest);
}

public sealed class StartSessionRequest
{
    [JsonPropertyName("LedgerName")] public string? LedgerName { get; init; }
}

/// <summary>StartTransaction, AbortTransaction and EndSession carry no members.</summary>
public sealed class EmptyRequest;

public sealed class CommitTransactionRequest
{
    [JsonPropertyName("TransactionId")] public string? TransactionId { get; init; }

    /// <summary>Base64 of the client's 32-byte commit digest.</summary>
    [JsonPropertyName("CommitDigest")] public string? CommitDigest { get; init; }
}

public sealed class ExecuteStatementRequest
{
    [JsonPropertyName("TransactionId")] public string? TransactionId { get; init; }

    [JsonPropertyName("Statement")] public string? Statement { get; init; }

    [JsonPropertyName("Parameters")] public IReadOnlyList<ValueHolder?>? Parameters { get; init; }
}

public sealed class FetchPageRequest
{
    [JsonPropertyName("TransactionId")] public string? TransactionId { get; init; }

    [JsonPropertyName("NextPageToken")] public string? NextPageToken { get; init; }
}

/// <summary>An Ion value as exactly one of base64 Ion binary or Ion text.</summary>
public sealed class ValueHolder
{
    [JsonPropertyName("IonBinary")] public string? IonBinary { get; init; }

    [JsonPropertyName("IonText")] public string? IonText { get; init; }

    /// <summary>A result value: drivers read only <c>IonBinary</c>, a complete Ion binary stream.</summary>
    public static ValueHolder FromIonBinary(ReadOnlySpan<byte> ionBinary) => new() { IonBinary = Convert.ToBase64String(ionBinary) };
}

/// <summary>The SendCommand response: the member named like the request's sub-command.</summary>
public sealed class SendCommandResult
{
    [JsonPropertyName("StartSession")] public StartSessionResult? StartSession { get; init; }

    [JsonPropertyName("StartTransaction")] public StartTransactionResult? StartTransaction { get; init; }

    [JsonPropertyName("EndSession")] public TimedResult? EndSession { get; init; }

    [JsonPropertyName("CommitTransaction")] public CommitTransactionResult? CommitTransaction { get; init; }

    [JsonPropertyName("AbortTransaction")] public TimedResult? AbortTransaction { get; init; }

    [JsonPropertyName("ExecuteStatement")] public ExecuteStatementResult? ExecuteStatement { get; init; }

    [JsonPropertyName("FetchPage")] public FetchPageResult? FetchPage { get; init; }
}

public sealed record TimingInformation([property: JsonPropertyName("ProcessingTimeMilliseconds")] long ProcessingTimeMilliseconds);

/// <summary>The model's <c>IOUsage</c>; drivers sum ReadIOs over ExecuteStatement and FetchPage.</summary>
public sealed record IOUsage(
    [property: JsonPropertyName("ReadIOs")] long ReadIOs,
    [property: JsonPropertyName("WriteIOs")] long WriteIOs);

public sealed class StartSessionResult
{
    [JsonPropertyName("SessionToken")] public required string SessionToken { get; init; }

    [JsonPropertyName("TimingInformation")] public required TimingInformation TimingInformation { get; init; }

    public override string ToString() => nameof(StartSessionResult);
}

public sealed class StartTransactionResult
{
    [JsonPropertyName("TransactionId")] public required string TransactionId { get; init; }

    [JsonPropertyName("TimingInformation")] public required TimingInformation TimingInformation { get; init; }
}

/// <summary>The result of AbortTransaction and EndSession.</summary>
public sealed class TimedResult
{
    [JsonPropertyName("TimingInformation")] public required TimingInformation TimingInformation { get; init; }
}

public sealed class CommitTransactionResult
{
    [JsonPropertyName("TransactionId")] public required string TransactionId { get; init; }

    /// <summary>The server's commit digest; serialized as base64.</summary>
    [JsonPropertyName("CommitDigest")] public required byte[] CommitDigest { get; init; }

    [JsonPropertyName("TimingInformation")] public required TimingInformation TimingInformation { get; init; }

    [JsonPropertyName("ConsumedIOs")] public required IOUsage ConsumedIOs { get; init; }
}

/// <summary>One page of results; <see cref="NextPageToken"/> is absent on the last page.</summary>
public sealed class Page
{
    [JsonPropertyName("Values")] public required IReadOnlyList<ValueHolder> Values { get; init; }

    [JsonPropertyName("NextPageToken")] public string? NextPageToken { get; init; }
}

public sealed class ExecuteStatementResult
{
    [JsonPropertyName("FirstPage")] public required Page FirstPage { get; init; }

    [JsonPropertyName("TimingInformation")] public required TimingInformation TimingInformation { get; init; }

    [JsonPropertyName("ConsumedIOs")] public required IOUsage ConsumedIOs { get; init; }
}

public sealed class FetchPageResult
{
    [JsonPropertyName("Page")] public required Page Page { get; init; }

    [JsonPropertyName("TimingInformation")] public required TimingInformation TimingInformation { get; init; }

    [JsonPropertyName("ConsumedIOs")] public required IOUsage ConsumedIOs { get; init; }
}

/// <summary>The error body of AWS JSON 1.0: <c>{"__type":"ns#Name","Message":"…"}</c>, plus Code when set.</summary>
public sealed record SessionErrorBody(
    [property: JsonPropertyName("__type")] string Type,
    [property: JsonPropertyName("Message")] string Message,
    [property: JsonPropertyName("Code")] string? Code);

/// <summary>Source-generated serialization: no runtime reflection, nulls omitted as AWS does.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SendCommandRequest))]
[JsonSerializable(typeof(SendCommandResult))]
[JsonSerializable(typeof(SessionErrorBody))]
public sealed partial class SessionJsonContext : JsonSerializerContext;
