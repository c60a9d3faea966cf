using System.Text.Json;
using System.Xml;
using global::Azure;
using global::Azure.Core;

namespace Ledger.Azure.Core;

/// <summary>
/// Extracts storage error codes so that <see cref="RequestFailedException.ErrorCode"/> is filled: the
/// <c>x-ms-error-code</c> header first, then the Table JSON body (<c>odata.error</c>), then the XML body
/// (<c>&lt;Error&gt;&lt;Code&gt;</c>, Blob and authentication failures).
/// </summary>
internal sealed class StorageRequestFailedDetailsParser : RequestFailedDetailsParser
{
    public static StorageRequestFailedDetailsParser Instance { get; } = new();

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        data = null;
        response.Headers.TryGetValue("x-ms-error-code", out var headerCode);
        var (bodyCode, message) = ParseBody(TryGetBody(response));
        var code = !string.IsNullOrEmpty(headerCode) ? headerCode : bodyCode;
        if (code is null && message is null)
        {
            error = null;
            return false;
        }
        error = new ResponseError(code, message ?? code);
        return true;
    }

    internal static (string? Code, string? Message) ParseBody(string? body)
    {
        var trimmed = body?.TrimStart();
        if (string.IsNullOrEmpty(trimmed))
        {
            return (null, null);
        }
        try
        {
            if (trimmed[0] == '{')
            {
                using var document = JsonDocument.Parse(trimmed);
                if (document.RootElement.TryGetProperty("odata.error", out var odataError))
                {
                    var code = odataError.TryGetProperty("code", out var c) ? c.GetString() : null;
                    string? message = null;
                    if (odataError.TryGetProperty("message", out var m))
                    {
                        message = m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out var v) ? v.GetString()
                            : m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    }
                    return (code, message);
                }
            }
            else if (trimmed[0] == '<')
            {
                var xml = new XmlDocument { XmlResolver = null };
                using var reader = XmlReader.Create(new StringReader(trimmed), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
                xml.Load(reader);
                var root = xml.DocumentElement;
                return (root?["Code"]?.InnerText, root?["Message"]?.InnerText);
            }
        }
        catch (Exception e) when (e is JsonException or XmlException)
        {
            // A malformed error body still yields the status and the header code.
        }
        return (null, null);
    }

    private static string? TryGetBody(Response response)
    {
        try
        {
            return response.ContentStream is MemoryStream or null ? response.Content.ToString() : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
