namespace Ledger.Client.SigV4;

/// <summary>
/// The parts of an HTTP request that an AWS Signature Version 4 signature covers, exactly as they arrived:
/// the raw (still percent-encoded) path and query string, every header, and the SHA-256 of the body.
/// </summary>
/// <param name="Method">The HTTP method, for example <c>POST</c>.</param>
/// <param name="RawPath">The request target's path as sent, before any percent-decoding (for example <c>/tags/arn%3Aaws</c>).</param>
/// <param name="RawQuery">The query string as sent, without the leading <c>?</c>; empty when there is none.</param>
/// <param name="Headers">Every request header; a name may repeat.</param>
/// <param name="BodySha256">The SHA-256 of the request body as it arrived.</param>
public sealed record SigV4Request(
    string Method,
    string RawPath,
    string RawQuery,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    ReadOnlyMemory<byte> BodySha256)
{
    /// <summary>All values of a header (case-insensitive name), in the order they arrived.</summary>
    public IEnumerable<string> HeaderValues(string name) =>
        Headers.Where(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            .Select(header => header.Value);

    /// <summary>The single value of a header, or null when it is absent; repeated values are comma-joined.</summary>
    public string? Header(string name)
    {
        var values = HeaderValues(name).ToList();
        return values.Count == 0 ? null : string.Join(',', values);
    }
}
