using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace Ledger.Azure.EventHubs;

/// <summary>
/// Puts a SAS token on every attempt. A per-retry policy, so a retry that happens after the cached token was renewed
/// carries the new one.
/// </summary>
internal sealed class SharedAccessSignaturePolicy(SharedAccessSignatureProvider tokens) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message) =>
        message.Request.Headers.SetValue(HttpHeader.Names.Authorization, tokens.GetToken());
}
