using System.Buffers;
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

        // Written straight into one buffer sized for the whole body (a part's framing is ~250 bytes of headers plus
        // its URL, keys percent-encoded at most 3 bytes a character), so a group commit's batch is not assembled
        // from per-part strings and a growing stream.
        var capacity = 256 + (2 * (batchBoundary.Length + changesetBoundary.Length));
        foreach (var action in actions)
        {
            capacity += 384 + changesetBoundary.Length + baseUrl.Length + table.Length
                + (3 * (action.PartitionKey.Length + action.RowKey.Length)) + (action.Body?.Length ?? 0);
        }

        var buffer = new ArrayBufferWriter<byte>(capacity);
        void Write(ReadOnlySpan<char> text) => Encoding.UTF8.GetBytes(text, buffer);

        Write("--");
        Write(batchBoundary);
        Write("\r\nContent-Type: multipart/mixed; boundary=");
        Write(changesetBoundary);
        Write("\r\n\r\n");
        foreach (var action in actions)
        {
            Write("--");
            Write(changesetBoundary);
            Write("\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n");
            Write(action.ActionType switch
            {
                TableTransactionActionType.Add => "POST ",
                TableTransactionActionType.UpsertReplace or TableTransactionActionType.UpdateReplace => "PUT ",
                TableTransactionActionType.UpsertMerge or TableTransactionActionType.UpdateMerge => "MERGE ",
                TableTransactionActionType.Delete => "DELETE ",
                _ => throw new InvalidOperationException($"Unknown action {action.ActionType}."),
            });
            Write(baseUrl);
            Write(action.ActionType == TableTransactionActionType.Add
                ? "/" + table
                : TableRestClient.EntityPath(table, action.PartitionKey, action.RowKey));
            Write(" HTTP/1.1\r\nAccept: application/json;odata=minimalmetadata\r\n");
            if (action.Body is not null)
            {
                Write("Content-Type: application/json\r\n");
            }
            if (action.ActionType == TableTransactionActionType.Add)
            {
                Write("Prefer: return-no-content\r\n");
            }
            if (action.IfMatch is { } etag)
            {
                Write("If-Match: ");
                Write(etag.ToString());
                Write(Crlf);
            }
            Write("DataServiceVersion: 3.0\r\n\r\n");
            if (action.Body is { } body)
            {
                buffer.Write(body.Span);
            }
            Write(Crlf);
        }
        Write("--");
        Write(changesetBoundary);
        Write("--\r\n--");
        Write(batchBoundary);
        Write("--\r\n");
        return buffer.WrittenSpan.ToArray();
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
