namespace Ledger.Functions.Protocol.Session;

/// <summary>A SendCommand request read from HTTP: the validated command, or the error to answer with.</summary>
public sealed record SessionRequestResult(SessionCommand? Command, SessionError? Error);

/// <summary>Reads a SendCommand from an HTTP request: target, size limit, JSON and model constraints, in that order.</summary>
public static class SessionRequests
{
    public const string TargetHeader = "X-Amz-Target";

    public static async Task<SessionRequestResult> ReadAsync(HttpContext context, int maxBodyBytes = RequestBody.DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            SessionCommandParser.CheckTarget(context.Request.Headers[TargetHeader].ToString());
            var body = await RequestBody.ReadAsync(context, maxBodyBytes, context.RequestAborted);
            if (body.TooLarge)
            {
                return new SessionRequestResult(null,
                    SessionError.BadRequest($"The request body exceeds the limit of {maxBodyBytes} bytes."));
            }

            return new SessionRequestResult(SessionCommandParser.Parse(body.Body.Span), null);
        }
        catch (SessionProtocolException refusal)
        {
            return new SessionRequestResult(null, refusal.Error);
        }
    }
}
