using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Ledger.Functions.Protocol.ControlPlane;

/// <summary>Thrown while reading a control-plane request that must be answered with <see cref="Error"/>.</summary>
public sealed class ControlPlaneProtocolException : Exception
{
    public ControlPlaneProtocolException(ControlPlaneError error)
        : base(error?.Message)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    public ControlPlaneProtocolException()
        : this(ControlPlaneError.InvalidParameter("Invalid request.", "Body"))
    {
    }

    public ControlPlaneProtocolException(string message)
        : this(ControlPlaneError.InvalidParameter(message, "Body"))
    {
    }

    public ControlPlaneProtocolException(string message, Exception innerException)
        : base(message, innerException) => Error = ControlPlaneError.InvalidParameter(message, "Body");

    public ControlPlaneError Error { get; }
}

/// <summary>The control plane's input rules; every refusal is an InvalidParameterException naming the parameter.</summary>
public static partial class ControlPlaneValidation
{
    public const int MinMaxResults = 1;
    public const int MaxMaxResults = 100;

    /// <summary>Deserializes a JSON body; an empty body reads as an empty request.</summary>
    public static T ParseBody<T>(ReadOnlySpan<byte> utf8Json, JsonTypeInfo<T> typeInfo)
        where T : new()
    {
        if (utf8Json.IsEmpty)
        {
            return new T();
        }

        try
        {
            return JsonSerializer.Deserialize(utf8Json, typeInfo)
                ?? throw Invalid("The request body must be a JSON object.", "Body");
        }
        catch (JsonException)
        {
            // The parser's own message can quote the body; keep it out of the answer.
            throw Invalid("The request body is not well-formed JSON or has a member of the wrong type.", "Body");
        }
    }

    /// <summary>Ledger and stream names: 1–32 characters, letters, digits and single inner hyphens, not all digits.</summary>
    public static string LedgerName(string? name, string parameterName)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 32
            || LedgerNameRegex().Match(name) is not { Success: true } match || match.Length != name.Length)
        {
            throw Invalid(
                "The name must be 1 to 32 characters of letters, digits and hyphens, not all digits, "
                + "without leading, trailing or consecutive hyphens.", parameterName);
        }

        return name;
    }

    /// <summary><c>ALLOW_ALL</c> or <c>STANDARD</c>.</summary>
    public static string PermissionsMode(string? mode) => mode is "ALLOW_ALL" or "STANDARD"
        ? mode
        : throw Invalid("PermissionsMode must be ALLOW_ALL or STANDARD.", "PermissionsMode");

    /// <summary>The <c>max_results</c> query parameter: absent, or 1–100.</summary>
    public static int? MaxResults(string? value)
    {
        if (value is null)
        {
            return null;
        }

        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
            && count is >= MinMaxResults and <= MaxMaxResults
            ? count
            : throw Invalid($"max_results must be an integer from {MinMaxResults} to {MaxMaxResults}.", "MaxResults");
    }

    /// <summary>The <c>next_token</c> query parameter: absent, or 4–1024 base64 characters.</summary>
    public static string? NextToken(string? value)
    {
        if (value is null)
        {
            return null;
        }

        return value.Length is >= 4 and <= 1024 && TokenRegex().Match(value) is { Success: true } match && match.Length == value.Length
            ? value
            : throw Invalid("next_token must be 4 to 1024 base64 characters, as returned by the previous page.", "NextToken");
    }

    /// <summary>A 22-character id (document, export, stream).</summary>
    public static string Id(string? value, string parameterName) =>
        value is { Length: 22 } && IdRegex().Match(value) is { Success: true } match && match.Length == 22
            ? value
            : throw Invalid($"{parameterName} must be a 22-character id of letters and digits.", parameterName);

    private static ControlPlaneProtocolException Invalid(string message, string parameterName) =>
        new(ControlPlaneError.InvalidParameter(message, parameterName));

    [GeneratedRegex("(?!^.*--)(?!^[0-9]+$)(?!^-)(?!.*-$)^[A-Za-z0-9-]+$")]
    private static partial Regex LedgerNameRegex();

    [GeneratedRegex("^[A-Za-z0-9+/=-]+$")]
    private static partial Regex TokenRegex();

    [GeneratedRegex("^[A-Za-z0-9-]+$")]
    private static partial Regex IdRegex();
}
