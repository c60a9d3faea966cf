using System.Net.Http.Headers;
using System.Text.Json;
using Ledger.Client.SigV4;

namespace Ledger.Client;

/// <summary>Endpoint, credentials and region shared by the session and control-plane clients.</summary>
public sealed record LedgerClientOptions(Uri Endpoint, SigV4Credentials Credentials, string Region = "us-east-1");

/// <summary>Signs and sends one request, turning an error answer into a <see cref="LedgerServiceException"/>.</summary>
internal static class LedgerHttp
{
    public const string SigningName = "qldb";

    public static async Task<JsonElement> SendAsync(
        HttpClient http, LedgerClientOptions options, HttpMethod method, string path, byte[]? body, string contentType,
        string? target, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(options.Endpoint, path));
        var bytes = body ?? [];
        if (body is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }

        SigV4RequestSigner.Sign(request, bytes, options.Credentials, options.Region, SigningName, DateTimeOffset.UtcNow);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        JsonElement json = default;
        if (text.Length > 0)
        {
            try
            {
                json = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException) when (!response.IsSuccessStatusCode)
            {
                // A proxy or host error page is not JSON; the status line still says what went wrong.
            }
        }

        if (response.IsSuccessStatusCode)
        {
            return json;
        }

        throw ToException(response, json);
    }

    private static LedgerServiceException ToException(HttpResponseMessage response, JsonElement json)
    {
        string? type = null;
        string? message = null;
        if (response.Headers.TryGetValues("x-amzn-ErrorType", out var values))
        {
            type = values.FirstOrDefault();
        }

        if (json.ValueKind == JsonValueKind.Object)
        {
            if (type is null && json.TryGetProperty("__type", out var t))
            {
                type = t.GetString();
            }

            if (json.TryGetProperty("Message", out var m) || json.TryGetProperty("message", out m))
            {
                message = m.GetString();
            }
        }

        // Both "com.amazonaws.qldbsession#Name" and "Name:http://..." forms appear in AWS answers.
        type ??= $"Http{(int)response.StatusCode}";
        type = type[(type.LastIndexOf('#') + 1)..];
        var colon = type.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            type = type[..colon];
        }

        return new LedgerServiceException(type, message ?? response.ReasonPhrase ?? "no message", (int)response.StatusCode);
    }
}
