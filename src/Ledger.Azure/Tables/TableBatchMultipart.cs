using System.Globalization;
using System.Text;

namespace Ledger.Azure.Tables;

/// <summary>One inner response of a <c>$batch</c>.</summary>
internal sealed record TableBatchPartResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// The multipart/mixed wire format of entity group transactions (spec azure-platform 2.5): builds the request body
/// and parses the response into one part per operation (success) or the single failed part.
/// </summary>
internal static class TableBatchMultipart
{
    private const string Crlf = "\r\n";

    /// <summary>Builds the body of a change set on <paramref name="table"/> at <paramref name="endpoint"/>.</summary>
    public static byte[] BuildBody(Uri endpoint, string table, IReadOnlyList<TableTransactionAction> actions, string batchBoundary, string changesetBoundary)
    {
        var baseUrl = endpoint.AbsoluteUri.TrimEnd('/');
        using var stream = new MemoryStream();
        void Write(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            stream.Write(bytes, 0, bytes.Length);
        }

        Write($"--{batchBoundary}{Crlf}Content-Type: multipart/mixed; boundary={changesetBoundary}{Crlf}{Crlf}");
        foreach (var action in actions)
        {
            Write($"--{changesetBoundary}{Crlf}Content-Type: application/http{Crlf}Content-Transfer-Encoding: binary{Crlf}{Crlf}");
            var entityUrl = baseUrl + TableRestClient.EntityPath(table, action.PartitionKey, action.RowKey);
            var (method, url) = action.ActionType switch
            {
                TableTransactionActionType.Add => ("POST", baseUrl + "/" + table),
                TableTransactionActionType.UpsertReplace or TableTransactionActionType.UpdateReplace => ("PUT", entityUrl),
                TableTransactionActionType.UpsertMerge or TableTransactionActionType.UpdateMerge => ("MERGE", entityUrl),
                TableTransactionActionType.Delete => ("DELETE", entityUrl),
                _ => throw new InvalidOperationException($"Unknown action {action.ActionType}."),
            };
            var headers = new StringBuilder();
            headers.Append($"{method} {url} HTTP/1.1{Crlf}");
            headers.Append($"Accept: application/json;odata=minimalmetadata{Crlf}");
            if (action.Body is not null)
            {
                headers.Append($"Content-Type: application/json{Crlf}");
            }
            if (action.ActionType == TableTransactionActionType.Add)
            {
                headers.Append($"Prefer: return-no-content{Crlf}");
            }
            if (action.IfMatch is { } etag)
            {
                headers.Append($"If-Match: {etag}{Crlf}");
            }
            headers.Append($"DataServiceVersion: 3.0{Crlf}{Crlf}");
            Write(headers.ToString());
            if (action.Body is { } body)
            {
                stream.Write(body.Span);
            }
            Write(Crlf);
        }
        Write($"--{changesetBoundary}--{Crlf}--{batchBoundary}--{Crlf}");
        return stream.ToArray();
    }

    /// <summary>
    /// Parses a <c>$batch</c> response. Throws <see cref="FormatException"/> on anything malformed (Azurite's
    /// response to more than 100 operations is malformed, for one).
    /// </summary>
    public static IReadOnlyList<TableBatchPartResponse> ParseResponse(string contentType, ReadOnlySpan<byte> body)
    {
        var outerBoundary = BoundaryOf(contentType) ?? throw new FormatException($"The batch response Content-Type '{contentType}' has no boundary.");
        var text = Encoding.UTF8.GetString(body);
        var outerParts = SplitParts(text, outerBoundary);
        if (outerParts.Count != 1)
        {
            throw new FormatException($"Expected one change set response, found {outerParts.Count} parts.");
        }
        var (changesetHeaders, changesetBody) = SplitHeaders(outerParts[0]);
        var changesetBoundary = changesetHeaders.TryGetValue("Content-Type", out var changesetType) ? BoundaryOf(changesetType) : null;
        if (changesetBoundary is null)
        {
            throw new FormatException("The change set response has no multipart boundary.");
        }

        var results = new List<TableBatchPartResponse>();
        foreach (var part in SplitParts(changesetBody, changesetBoundary))
        {
            var (partHeaders, http) = SplitHeaders(part);
            if (!partHeaders.TryGetValue("Content-Type", out var partType) || !partType.StartsWith("application/http", StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException("A change set response part is not application/http.");
            }
            var statusLineEnd = http.IndexOf(Crlf, StringComparison.Ordinal);
            var statusLine = statusLineEnd < 0 ? http : http[..statusLineEnd];
            var statusFields = statusLine.Split(' ', 3);
            if (statusFields.Length < 2 || !statusFields[0].StartsWith("HTTP/", StringComparison.Ordinal)
                || !int.TryParse(statusFields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
            {
                throw new FormatException($"A change set response part has a malformed status line '{statusLine}'.");
            }
            var (headers, responseBody) = SplitHeaders(statusLineEnd < 0 ? string.Empty : http[(statusLineEnd + 2)..]);
            results.Add(new TableBatchPartResponse(status, headers, responseBody.TrimEnd('\r', '\n')));
        }
        if (results.Count == 0)
        {
            throw new FormatException("The change set response has no parts.");
        }
        return results;
    }

    /// <summary>
    /// The zero-based index of the failed operation: from the message prefix "N:" (Azure and Azurite), else Content-ID − 1.
    /// </summary>
    public static int? FailedIndexOf(TableBatchPartResponse part, string? message)
    {
        if (message is not null)
        {
            var colon = message.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && int.TryParse(message.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                return index;
            }
        }
        return part.Headers.TryGetValue("Content-ID", out var contentId)
            && int.TryParse(contentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id - 1
            : null;
    }

    internal static string? BoundaryOf(string contentType)
    {
        foreach (var parameter in contentType.Split(';', StringSplitOptions.TrimEntries))
        {
            if (parameter.StartsWith("boundary=", StringComparison.OrdinalIgnoreCase))
            {
                var value = parameter["boundary=".Length..].Trim('"');
                return value.Length == 0 ? null : value;
            }
        }
        return null;
    }

    /// <summary>The parts between <c>--boundary</c> delimiters; requires the closing <c>--boundary--</c>.</summary>
    private static List<string> SplitParts(string text, string boundary)
    {
        var delimiter = "--" + boundary;
        var parts = new List<string>();
        var position = text.IndexOf(delimiter, StringComparison.Ordinal);
        if (position < 0)
        {
            throw new FormatException($"The multipart body lacks the boundary '{boundary}'.");
        }
        while (true)
        {
            position += delimiter.Length;
            if (string.CompareOrdinal(text, position, "--", 0, 2) == 0)
            {
                return parts;
            }
            var next = text.IndexOf(Crlf + delimiter, position, StringComparison.Ordinal);
            if (next < 0)
            {
                throw new FormatException($"The multipart body is not closed by '{delimiter}--'.");
            }
            var start = text.IndexOf(Crlf, position, StringComparison.Ordinal);
            parts.Add(start < 0 || start >= next ? string.Empty : text[(start + 2)..next]);
            position = next + 2;
        }
    }

    private static (Dictionary<string, string> Headers, string Body) SplitHeaders(string part)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var position = 0;
        while (true)
        {
            var end = part.IndexOf(Crlf, position, StringComparison.Ordinal);
            var line = end < 0 ? part[position..] : part[position..end];
            if (line.Length == 0)
            {
                return (headers, end < 0 ? string.Empty : part[(end + 2)..]);
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"Malformed multipart header line '{line}'.");
            }
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            if (end < 0)
            {
                return (headers, string.Empty);
            }
            position = end + 2;
        }
    }
}
