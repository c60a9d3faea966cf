using Ledger.Engine;
using Ledger.Functions.Auth.Permissions;
using Ledger.Functions.Protocol.ControlPlane;
using Ledger.Journal.Model;

namespace Ledger.Functions.Api;

// GetDigest, GetBlock and GetRevision: the verification API (qldb-compat 5, 7).
public static partial class ControlPlaneApi
{
    private static void MapJournalRoutes(RouteGroupBuilder api, ControlPlaneHandlers handlers)
    {
        api.MapPost("/ledgers/{name}/digest", handlers.GetDigestAsync);
        api.MapPost("/ledgers/{name}/block", handlers.GetBlockAsync);
        api.MapPost("/ledgers/{name}/revision", handlers.GetRevisionAsync);
    }
}

internal sealed partial class ControlPlaneHandlers
{
    public async Task<IResult> GetDigestAsync(string name, HttpContext context, LedgerEngine engine)
    {
        name = ControlPlaneValidation.LedgerName(name, "Name");
        ControlPlaneApi.Authorize(context, QldbActions.GetDigest, LedgerArn(name));
        var digest = await engine.GetLedgerDigestAsync(name, context.RequestAborted);
        return ControlPlaneResults.Ok(
            new GetDigestResponse { Digest = digest.Digest.ToArray(), DigestTipAddress = IonTextHolder.Of(digest.Tip.ToIonText()) },
            ControlPlaneJsonContext.Default.GetDigestResponse);
    }

    public async Task<IResult> GetBlockAsync(string name, HttpContext context, LedgerEngine engine)
    {
        name = ControlPlaneValidation.LedgerName(name, "Name");
        var request = await ControlPlaneApi.ReadBodyAsync(context, ControlPlaneJsonContext.Default.GetBlockRequest);
        ControlPlaneApi.Authorize(context, QldbActions.GetBlock, LedgerArn(name));
        var blockAddress = LedgerEngine.ParseBlockAddress(request.BlockAddress?.IonText, "BlockAddress");
        var tip = OptionalTip(request.DigestTipAddress);
        var result = await engine.GetBlockAsync(name, blockAddress, tip, context.RequestAborted);
        return ControlPlaneResults.Ok(
            new GetBlockResponse
            {
                Block = IonTextHolder.Of(result.Block.ToIonText()),
                Proof = result.Proof is null ? null : IonTextHolder.Of(JournalProof.ToIonText(result.Proof)),
            },
            ControlPlaneJsonContext.Default.GetBlockResponse);
    }

    public async Task<IResult> GetRevisionAsync(string name, HttpContext context, LedgerEngine engine)
    {
        name = ControlPlaneValidation.LedgerName(name, "Name");
        var request = await ControlPlaneApi.ReadBodyAsync(context, ControlPlaneJsonContext.Default.GetRevisionRequest);
        ControlPlaneApi.Authorize(context, QldbActions.GetRevision, LedgerArn(name));
        var blockAddress = LedgerEngine.ParseBlockAddress(request.BlockAddress?.IonText, "BlockAddress");
        var documentId = ControlPlaneValidation.Id(request.DocumentId, "DocumentId");
        var tip = OptionalTip(request.DigestTipAddress);
        var result = await engine.GetRevisionAsync(name, blockAddress, documentId, tip, context.RequestAborted);
        return ControlPlaneResults.Ok(
            new GetRevisionResponse
            {
                Revision = IonTextHolder.Of(result.Revision.ToIonText()),
                Proof = result.Proof is null ? null : IonTextHolder.Of(JournalProof.ToIonText(result.Proof)),
            },
            ControlPlaneJsonContext.Default.GetRevisionResponse);
    }

    // An absent holder means "no proof"; a holder that is present must hold a valid address.
    private static BlockAddress? OptionalTip(IonTextHolder? holder) =>
        holder is null ? null : LedgerEngine.ParseBlockAddress(holder.IonText, "DigestTipAddress");
}
