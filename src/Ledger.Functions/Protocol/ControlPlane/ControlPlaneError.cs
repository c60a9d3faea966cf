using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Ledger.Functions.Protocol.ControlPlane;

/// <summary>
/// An error of the QLDB control plane (REST-JSON): the type goes in <c>x-amzn-ErrorType</c>, the body is
/// <c>{"Message":…}</c> plus the members the model declares for that exception.
/// </summary>
public sealed record ControlPlaneError(
    string Name, int StatusCode, string Message,
    string? ParameterName = null, string? ResourceType = null, string? ResourceName = null)
{
    public static ControlPlaneError InvalidParameter(string message, string parameterName) =>
        new("InvalidParameterException", 400, message, ParameterName: parameterName);

    public static ControlPlaneError LimitExceeded(string message, string resourceType) =>
        new("LimitExceededException", 400, message, ResourceType: resourceType);

    public static ControlPlaneError ResourceAlreadyExists(string message, string resourceType, string resourceName) =>
        new("ResourceAlreadyExistsException", 409, message, ResourceType: resourceType, ResourceName: resourceName);

    public static ControlPlaneError ResourceInUse(string message, string resourceType, string resourceName) =>
        new("ResourceInUseException", 409, message, ResourceType: resourceType, ResourceName: resourceName);

    public static ControlPlaneError ResourceNotFound(string message, string resourceType, string resourceName) =>
        new("ResourceNotFoundException", 404, message, ResourceType: resourceType, ResourceName: resourceName);

    public static ControlPlaneError ResourcePreconditionNotMet(string message, string resourceType, string resourceName) =>
        new("ResourcePreconditionNotMetException", 412, message, ResourceType: resourceType, ResourceName: resourceName);

    /// <summary>
    /// An operation of the QLDB model this deployment cannot carry out yet (501, which SDKs do not retry). Used
    /// instead of a success that would promise work nothing performs; docs/control-plane.md lists where.
    /// </summary>
    public static ControlPlaneError NotImplemented(string message) => new("NotImplementedException", 501, message);

    // Authentication and authorization errors come from AWS's front end, not the model; REST services answer 403.
    public static ControlPlaneError AccessDenied(string message) => new("AccessDeniedException", 403, message);

    public static ControlPlaneError MissingAuthenticationToken(string message = "Missing Authentication Token") =>
        new("MissingAuthenticationTokenException", 403, message);

    public static ControlPlaneError IncompleteSignature(string message) => new("IncompleteSignatureException", 403, message);

    public static ControlPlaneError UnrecognizedClient(string message) => new("UnrecognizedClientException", 403, message);

    public static ControlPlaneError InvalidSignature(string message) => new("InvalidSignatureException", 403, message);
}

/// <summary>The error body; absent members are omitted.</summary>
public sealed record ControlPlaneErrorBody(
    [property: JsonPropertyName("Message")] string Message,
    [property: JsonPropertyName("ParameterName")] string? ParameterName,
    [property: JsonPropertyName("ResourceType")] string? ResourceType,
    [property: JsonPropertyName("ResourceName")] string? ResourceName);

/// <summary>Writes control-plane answers: <c>application/json</c> with a request id.</summary>
public static class ControlPlaneResults
{
    public const string ContentType = "application/json";
    public const string ErrorTypeHeader = "x-amzn-ErrorType";

    public static byte[] ErrorBody(ControlPlaneError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return JsonSerializer.SerializeToUtf8Bytes(
            new ControlPlaneErrorBody(error.Message, error.ParameterName, error.ResourceType, error.ResourceName),
            ControlPlaneJsonContext.Default.ControlPlaneErrorBody);
    }

    public static IResult Error(ControlPlaneError error) => new ErrorResult(error);

    /// <summary>A 200 with the body serialized by the source-generated context.</summary>
    public static IResult Ok<T>(T body, JsonTypeInfo<T> typeInfo) => new OkResult<T>(body, typeInfo);

    private sealed class ErrorResult(ControlPlaneError error) : IResult
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

    private sealed class OkResult<T>(T body, JsonTypeInfo<T> typeInfo) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentType;
            response.Headers[AwsRequestId.HeaderName] = AwsRequestId.For(httpContext);
            await JsonSerializer.SerializeAsync(response.Body, body, typeInfo, httpContext.RequestAborted);
        }
    }
}
