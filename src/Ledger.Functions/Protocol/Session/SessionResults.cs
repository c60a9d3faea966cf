using System.Text.Json;

namespace Ledger.Functions.Protocol.Session;

/// <summary>Writes SendCommand answers in AWS JSON 1.0: <c>application/x-amz-json-1.0</c> and a request id.</summary>
public static class SessionResults
{
    public const string ContentType = "application/x-amz-json-1.0";
    public const string ErrorTypeHeader = "x-amzn-ErrorType";

    /// <summary>The exact error body bytes.</summary>
    public static byte[] ErrorBody(SessionError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return JsonSerializer.SerializeToUtf8Bytes(
            new SessionErrorBody(error.QualifiedType, error.Message, error.Code), SessionJsonContext.Default.SessionErrorBody);
    }

    public static IResult Error(SessionError error) => new SessionErrorResult(error);

    public static IResult Ok(SendCommandResult result) => new SessionOkResult(result);

    private sealed class SessionErrorResult(SessionError error) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            var response = httpContext.Response;
            response.StatusCode = error.StatusCode;
            response.ContentType = ContentType;
            response.Headers[ErrorTypeHeader] = error.Name;
            response.Headers[AwsRequestId.HeaderName] = AwsRequestId.For(httpContext);
            await response.Body.WriteAsync(ErrorBody(error), httpContext.RequestAborted);
        }
    }

    private sealed class SessionOkResult(SendCommandResult result) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentType;
            response.Headers[AwsRequestId.HeaderName] = AwsRequestId.For(httpContext);
            await JsonSerializer.SerializeAsync(response.Body, result, SessionJsonContext.Default.SendCommandResult, httpContext.RequestAborted);
        }
    }
}
