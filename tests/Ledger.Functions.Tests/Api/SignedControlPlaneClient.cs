using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ledger.Functions.Tests.Auth;

namespace Ledger.Functions.Tests.Api;

/// <summary>Sends control-plane requests to a <see cref="HandlerHost"/> signed as the AWS SDK signs them (SigV4, service qldb).</summary>
internal sealed class SignedControlPlaneClient(HandlerHost host, string accessKeyId, string secret)
{
    public async Task<ControlPlaneResponse> SendAsync(HttpMethod method, string pathAndQuery, string? jsonBody = null, string? secretOverride = null)
    {
        using var request = Build(method, pathAndQuery, jsonBody, secretOverride ?? secret);
        using var response = await host.Client.SendAsync(request);
        return new ControlPlaneResponse(
            (int)response.StatusCode,
            response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.Single() : null,
            response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.Single() : null,
            await response.Content.ReadAsStringAsync());
    }

    public Task<ControlPlaneResponse> GetAsync(string pathAndQuery) => SendAsync(HttpMethod.Get, pathAndQuery);

    public Task<ControlPlaneResponse> PostAsync(string path, string jsonBody) => SendAsync(HttpMethod.Post, path, jsonBody);

    public Task<ControlPlaneResponse> PatchAsync(string path, string jsonBody) => SendAsync(HttpMethod.Patch, path, jsonBody);

    public Task<ControlPlaneResponse> DeleteAsync(string pathAndQuery) => SendAsync(HttpMethod.Delete, pathAndQuery);

    private HttpRequestMessage Build(HttpMethod method, string pathAndQuery, string? jsonBody, string signingSecret)
    {
        var amzDate = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var message = new HttpRequestMessage(method, pathAndQuery);
        var body = jsonBody ?? string.Empty;
        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", host.Client.BaseAddress!.Authority),
            new("x-amz-date", amzDate),
        };
        message.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (jsonBody is not null)
        {
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            headers.Add(new("content-type", "application/json"));
        }

        var queryStart = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var signed = TestSigner.Sign(
            method.Method,
            queryStart < 0 ? pathAndQuery : pathAndQuery[..queryStart],
            queryStart < 0 ? string.Empty : pathAndQuery[(queryStart + 1)..],
            headers, body, accessKeyId: accessKeyId, secret: signingSecret);
        message.Headers.TryAddWithoutValidation("Authorization", signed.Header("authorization"));
        return message;
    }
}

/// <summary>What came back: status, error type header, request id and body.</summary>
internal sealed record ControlPlaneResponse(int Status, string? ErrorType, string? RequestId, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string String(string member) => Json.GetProperty(member).GetString()!;
}
