namespace Ledger.Functions.Protocol;

/// <summary>The <c>x-amzn-RequestId</c> of the current request: one id per request, on success and error alike.</summary>
public static class AwsRequestId
{
    public const string HeaderName = "x-amzn-RequestId";

    private static readonly object ItemKey = new();

    /// <summary>The request's id, created on first use and kept for the rest of the request.</summary>
    public static string For(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(ItemKey, out var existing) && existing is string id)
        {
            return id;
        }

        id = Guid.NewGuid().ToString("D");
        context.Items[ItemKey] = id;
        return id;
    }
}
