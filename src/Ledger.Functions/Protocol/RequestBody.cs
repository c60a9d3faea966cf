using System.Buffers;

namespace Ledger.Functions.Protocol;

/// <summary>A request body read whole, or the fact that it was over the limit.</summary>
public sealed record RequestBodyResult(ReadOnlyMemory<byte> Body, bool TooLarge);

/// <summary>
/// Reads request bodies with a hard size limit, so an oversize request is refused before any of it is parsed
/// or buffered beyond the limit. The bytes read are kept on the context so signature checks and handlers
/// share one copy.
/// </summary>
public static class RequestBody
{
    /// <summary>
    /// The default limit: room for a 100,000-character statement with several parameters, each up to 128 KiB of
    /// Ion binary (as base64) or 1 MiB of Ion text, while staying near QLDB's 4 MB transaction size.
    /// </summary>
    public const int DefaultMaxBytes = 6 * 1024 * 1024;

    private static readonly object ItemKey = new();

    public static async Task<RequestBodyResult> ReadAsync(HttpContext context, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(ItemKey, out var cached) && cached is RequestBodyResult result)
        {
            return result;
        }

        result = await ReadAsync(context.Request.Body, context.Request.ContentLength, maxBytes, cancellationToken);
        context.Items[ItemKey] = result;
        if (!result.TooLarge)
        {
            // Later readers (model binding, handlers) see the same bytes from the start.
            context.Request.Body = new MemoryStream(result.Body.ToArray(), writable: false);
        }

        return result;
    }

    /// <summary>Reads at most <paramref name="maxBytes"/>; a declared or actual longer body is TooLarge.</summary>
    public static async Task<RequestBodyResult> ReadAsync(Stream body, long? declaredLength, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        if (declaredLength > maxBytes)
        {
            return new RequestBodyResult(ReadOnlyMemory<byte>.Empty, TooLarge: true);
        }

        var buffer = new ArrayBufferWriter<byte>(declaredLength is > 0 and var length ? (int)length : 4096);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return new RequestBodyResult(buffer.WrittenMemory, TooLarge: false);
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                return new RequestBodyResult(ReadOnlyMemory<byte>.Empty, TooLarge: true);
            }
        }
    }
}
