using Ledger.Client;
using Ledger.Journal.Model;

namespace Ledger.Cli;

/// <summary>
/// <c>ledger verify revision|block</c>: fetches the revision or block with its proof against a digest (the current
/// one, or a saved digest file's tip) and verifies it in one step, without writing a bundle.
/// </summary>
internal static class VerifyCommand
{
    public static async Task<int> RunAsync(
        string kind, CliOptions options, QldbControlPlaneClient control, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var ledger = options.Require("ledger");
        var address = options.Require("block-address");
        var documentId = kind == ProofBundle.Revision ? options.Require("document-id") : null;
        LedgerDigest digest = options.Get("digest-file") is { } file
            ? await DigestFile.ReadAsync(file, cancellationToken)
            : await control.GetDigestAsync(ledger, cancellationToken);
        var tip = digest.Tip.ToIonText();
        var fetched = documentId is null
            ? await control.GetBlockAsync(ledger, address, tip, cancellationToken)
            : await control.GetRevisionAsync(ledger, address, documentId, tip, cancellationToken);
        if (fetched.ProofIonText is null)
        {
            throw new LedgerServiceException("MissingProof", "The service returned no proof for the digest tip.", 0);
        }

        // The same checks as `proof verify`, on the bundle it would have saved.
        var result = ProofBundle.Verify(ProofBundle.Write(kind, ledger, digest, fetched.IonText, fetched.ProofIonText));
        if (result.IsValid)
        {
            await stdout.WriteLineAsync($"Verified: the {kind} at {address} is covered by the digest at tip {tip}.");
            return ExitCodes.Ok;
        }

        await stderr.WriteLineAsync($"Verification failed: {Shell.OneLine(result.ToString())}");
        return ExitCodes.Failure;
    }
}
