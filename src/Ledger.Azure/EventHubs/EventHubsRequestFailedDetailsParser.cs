using System.Xml;
using global::Azure;
using global::Azure.Core;

namespace Ledger.Azure.EventHubs;

/// <summary>
/// Reads Event Hubs REST error bodies, <c>&lt;Error&gt;&lt;Code&gt;503&lt;/Code&gt;&lt;Detail&gt;…&lt;/Detail&gt;&lt;/Error&gt;</c>,
/// so <see cref="RequestFailedException.ErrorCode"/> and the message carry the service's words.
/// </summary>
internal sealed class EventHubsRequestFailedDetailsParser : RequestFailedDetailsParser
{
    public static EventHubsRequestFailedDetailsParser Instance { get; } = new();

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        data = null;
        var (code, detail) = ParseBody(TryGetBody(response));
        if (code is null && detail is null)
        {
            error = null;
            return false;
        }
        error = new ResponseError(code, detail ?? code);
        return true;
    }

    internal static (string? Code, string? Detail) ParseBody(string? body)
    {
        var trimmed = body?.TrimStart();
        if (string.IsNullOrEmpty(trimmed) || trimmed[0] != '<')
        {
            return (null, null);
        }
        try
        {
            var xml = new XmlDocument { XmlResolver = null };
            using var reader = XmlReader.Create(new StringReader(trimmed), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            xml.Load(reader);
            var root = xml.DocumentElement;
            return (root?["Code"]?.InnerText, root?["Detail"]?.InnerText ?? root?["Message"]?.InnerText);
        }
        catch (XmlException)
        {
            // A malformed error body still yields the status.
            return (null, null);
        }
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
