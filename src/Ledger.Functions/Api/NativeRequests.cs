using System.Text;
using Ledger.Ion;
using Ledger.Ion.Binary;

namespace Ledger.Functions.Api;

/// <summary>One statement of a native API request, with its parameters as Ion values.</summary>
public sealed record NativeStatement(string Statement, IReadOnlyList<IonValue> Parameters);

/// <summary>A native API request the handler refuses, with the HTTP status and the reason.</summary>
public sealed class NativeRequestException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;
}

/// <summary>
/// Reads native API bodies: JSON (<c>application/json</c>; numbers keep their digits) or Ion
/// (<c>application/ion</c>, text or binary; every Ion type). Both say
/// <c>{"statement": "…", "parameters": [ … ]}</c>, or <c>{"statements": [ {…}, … ]}</c> for a transaction.
/// Refusals name the field and never quote values.
/// </summary>
public static class NativeRequests
{
    public const string IonMediaType = "application/ion";
    public const string JsonMediaType = "application/json";

    /// <summary>Statements per transaction request: QLDB writes at most 40 documents per transaction anyway.</summary>
    public const int MaxStatementsPerTransaction = 100;

    public static bool IsIon(string? mediaType) =>
        mediaType is not null && mediaType.StartsWith(IonMediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The request body as one Ion value.</summary>
    public static IonValue ReadBody(ReadOnlySpan<byte> body, string? contentType)
    {
        try
        {
            if (IsIon(contentType))
            {
                return IonBinary.IsIonBinary(body) ? IonBinary.Read(body) : IonText.Parse(Encoding.UTF8.GetString(body));
            }

            return IonJson.FromJson(body);
        }
        catch (Exception invalid) when (invalid is IonException or ArgumentException or OverflowException or FormatException)
        {
            var format = IsIon(contentType) ? "Ion" : "JSON";
            var position = invalid is IonException { Line: { } line, Column: { } column } ? $" (line {line}, column {column})" : string.Empty;
            throw BadRequest($"The request body is not a single valid {format} value{position}.");
        }
    }

    /// <summary><c>{statement, parameters}</c>.</summary>
    public static NativeStatement ReadStatement(IonValue body, string where = "the body")
    {
        if (body is not IonStruct request)
        {
            throw BadRequest($"{Capitalized(where)} must be an object with a 'statement' string.");
        }

        if (request["statement"] is not IonString { Value: var statement } || statement.Length == 0)
        {
            throw BadRequest($"'statement' of {where} must be a non-empty string.");
        }

        var parameters = request["parameters"] switch
        {
            null => [],
            IonList list => list.ToList(),
            _ => throw BadRequest($"'parameters' of {where} must be a list of values."),
        };
        return new NativeStatement(statement, parameters);
    }

    /// <summary><c>{statements: [{statement, parameters}, …]}</c>.</summary>
    public static IReadOnlyList<NativeStatement> ReadTransaction(IonValue body)
    {
        if (body is not IonStruct request || request["statements"] is not IonList list || list.Count == 0)
        {
            throw BadRequest("The body must be an object with a non-empty 'statements' list.");
        }

        if (list.Count > MaxStatementsPerTransaction)
        {
            throw BadRequest($"A transaction request may hold at most {MaxStatementsPerTransaction} statements, not {list.Count}.");
        }

        return list.Select((item, index) => ReadStatement(item, $"statements[{index}]")).ToList();
    }

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static NativeRequestException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "BadRequest", detail);
}
