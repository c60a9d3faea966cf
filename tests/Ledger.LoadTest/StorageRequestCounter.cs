using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

/// <summary>
/// Counts the storage requests the ports send, by kind: table (or blob), method and shape (point, query, $batch),
/// and for entity group transactions the operations inside. The table of a $batch is read from its body.
/// </summary>
internal sealed class StorageRequestCounter(string tablePrefix) : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentDictionary<string, Counts> _counts = new(StringComparer.Ordinal);

    public override void OnSendingRequest(HttpMessage message)
    {
        var kind = Classify(message.Request, out var operations);
        var counts = _counts.GetOrAdd(kind, _ => new Counts());
        Interlocked.Increment(ref counts.Requests);
        Interlocked.Add(ref counts.Operations, operations);
    }

    /// <summary>Entity operations counted (a $batch counts its operations, any other request one).</summary>
    public long Operations => _counts.Values.Sum(c => Interlocked.Read(ref c.Operations));

    /// <summary>Forgets everything counted so far (the measured run starts).</summary>
    public void Reset() => _counts.Clear();

    /// <summary>Prints every kind with its count per committed transaction.</summary>
    public void Report(long committed)
    {
        var total = _counts.Values.Sum(c => c.Requests);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  storage requests: {total} = {(double)total / Math.Max(1, committed):F2} per committed transaction"));
        foreach (var (kind, counts) in _counts.OrderByDescending(c => c.Value.Requests))
        {
            var operations = counts.Operations > counts.Requests
                ? string.Create(CultureInfo.InvariantCulture, $", {counts.Operations} operations ({(double)counts.Operations / counts.Requests:F1} per request)")
                : string.Empty;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {kind,-28} {counts.Requests,8} = {(double)counts.Requests / Math.Max(1, committed),6:F2}/tx{operations}"));
        }
    }

    private string Classify(Request request, out long operations)
    {
        operations = 1;
        var path = request.Uri.Path;
        var method = request.Method.Method;
        if (path.EndsWith("/$batch", StringComparison.Ordinal))
        {
            var body = BodyText(request);
            operations = Math.Max(1, CountOf(body, " HTTP/1.1") - 1);
            return $"{TableIn(body)} $batch";
        }

        var query = request.Uri.Query;
        var table = TableIn(path);
        if (table.Length == 0)
        {
            var comp = query.Contains("comp=lease", StringComparison.Ordinal) ? " lease" : string.Empty;
            return $"blob {method}{comp}";
        }

        var shape = path.Contains("(PartitionKey=", StringComparison.Ordinal) ? "point" : "query";
        return $"{table} {method} {shape}";
    }

    // The deployment's table whose name follows the prefix (Journal, Nodes, Views, Sessions, Ledgers, ...).
    private string TableIn(string text)
    {
        var at = text.IndexOf("/" + tablePrefix, StringComparison.Ordinal);
        if (at < 0)
        {
            return string.Empty;
        }

        var start = at + 1 + tablePrefix.Length;
        var end = start;
        while (end < text.Length && char.IsAsciiLetterOrDigit(text[end]))
        {
            end++;
        }

        return text[start..end];
    }

    private static string BodyText(Request request)
    {
        if (request.Content is null)
        {
            return string.Empty;
        }

        using var buffer = new MemoryStream();
        request.Content.WriteTo(buffer, CancellationToken.None);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private sealed class Counts
    {
        public long Requests;
        public long Operations;
    }
}
