using System.Text;

namespace Ledger.Azure.Core;

/// <summary>
/// Pure builders of the Shared Key strings-to-sign for the Table and Blob services (spec azure-platform 2.7, 3.4).
/// Inputs are the request as it will be sent: the encoded URI path and query, and the headers.
/// </summary>
internal static class SharedKeyStringToSign
{
    /// <summary>SharedKeyLite for Table: <c>x-ms-date \n CanonicalizedResource</c>.</summary>
    public static string ForTableSharedKeyLite(string accountName, string encodedPath, string query, string xMsDate) =>
        xMsDate + "\n" + TableCanonicalizedResource(accountName, encodedPath, query);

    /// <summary>Table's canonicalized resource: <c>/account/path</c> plus <c>?comp=</c> when present, and no other parameter.</summary>
    public static string TableCanonicalizedResource(string accountName, string encodedPath, string query)
    {
        var resource = "/" + accountName + encodedPath;
        foreach (var (name, value) in ParseQuery(query))
        {
            if (name.Equals("comp", StringComparison.OrdinalIgnoreCase))
            {
                return resource + "?comp=" + value;
            }
        }
        return resource;
    }

    /// <summary>
    /// SharedKey for Blob (x-ms-version 2015-02-21 and later). <paramref name="contentLength"/> is the body
    /// length, or null when the request has no body; a Content-Type header counts only when there is a body
    /// because the HTTP transport drops it otherwise (spec 3.4 pitfall).
    /// </summary>
    public static string ForBlobSharedKey(string accountName, string method, string encodedPath, string query,
        IEnumerable<KeyValuePair<string, string>> headers, long? contentLength)
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var msHeaders = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in headers)
        {
            byName[name] = value;
            if (name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            {
                msHeaders.Add(new(name.ToLowerInvariant(), value.Trim()));
            }
        }

        string Header(string name) => byName.TryGetValue(name, out var v) ? v : string.Empty;

        var builder = new StringBuilder();
        builder.Append(method.ToUpperInvariant()).Append('\n')
            .Append(Header("Content-Encoding")).Append('\n')
            .Append(Header("Content-Language")).Append('\n')
            .Append(contentLength is > 0 ? contentLength.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty).Append('\n')
            .Append(Header("Content-MD5")).Append('\n')
            .Append(contentLength is null ? string.Empty : Header("Content-Type")).Append('\n')
            .Append(string.Empty).Append('\n') // Date: we always send x-ms-date instead.
            .Append(Header("If-Modified-Since")).Append('\n')
            .Append(Header("If-Match")).Append('\n')
            .Append(Header("If-None-Match")).Append('\n')
            .Append(Header("If-Unmodified-Since")).Append('\n')
            .Append(Header("Range")).Append('\n');

        msHeaders.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (name, value) in msHeaders)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        builder.Append(BlobCanonicalizedResource(accountName, encodedPath, query));
        return builder.ToString();
    }

    /// <summary>Blob's canonicalized resource: <c>/account/path</c>, then every query parameter as <c>\nname:v1,v2</c> sorted by lower-cased name.</summary>
    public static string BlobCanonicalizedResource(string accountName, string encodedPath, string query)
    {
        var builder = new StringBuilder("/").Append(accountName).Append(encodedPath.Length == 0 ? "/" : encodedPath);
        var parameters = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in ParseQuery(query))
        {
            var key = name.ToLowerInvariant();
            if (!parameters.TryGetValue(key, out var values))
            {
                parameters[key] = values = [];
            }
            values.Add(value);
        }
        foreach (var (name, values) in parameters)
        {
            values.Sort(StringComparer.Ordinal);
            builder.Append('\n').Append(name).Append(':').AppendJoin(',', values);
        }
        return builder.ToString();
    }

    /// <summary>Splits an encoded query (with or without the leading '?') into URL-decoded name/value pairs.</summary>
    internal static IEnumerable<(string Name, string Value)> ParseQuery(string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? string.Empty : pair[(equals + 1)..];
            yield return (Uri.UnescapeDataString(name), Uri.UnescapeDataString(value));
        }
    }
}
