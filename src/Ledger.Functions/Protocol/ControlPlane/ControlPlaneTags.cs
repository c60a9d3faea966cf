namespace Ledger.Functions.Protocol.ControlPlane;

/// <summary>The model's tag rules: at most 200 per request, keys 1-128 characters, values 0-256 (a null value is empty).</summary>
public static class ControlPlaneTags
{
    public const int MaxTagsPerRequest = 200;
    public const int MaxKeyLength = 128;
    public const int MaxValueLength = 256;

    public static IReadOnlyDictionary<string, string> Validate(IReadOnlyDictionary<string, string?>? tags, bool required = false)
    {
        if (tags is null)
        {
            return required
                ? throw Invalid("Tags is required.")
                : new Dictionary<string, string>(StringComparer.Ordinal);
        }

        if (tags.Count > MaxTagsPerRequest)
        {
            throw Invalid($"At most {MaxTagsPerRequest} tags may be given in one request.");
        }

        var validated = new Dictionary<string, string>(tags.Count, StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            validated[TagKey(key)] = value is { Length: > MaxValueLength }
                ? throw Invalid($"A tag value must be at most {MaxValueLength} characters.")
                : value ?? string.Empty;
        }

        return validated;
    }

    public static string TagKey(string? key, string parameterName = "Tags") => key is { Length: >= 1 and <= MaxKeyLength }
        ? key
        : throw Invalid($"A tag key must be 1 to {MaxKeyLength} characters.", parameterName);

    private static ControlPlaneProtocolException Invalid(string message, string parameterName = "Tags") =>
        new(ControlPlaneError.InvalidParameter(message, parameterName));
}
