using Ledger.Ion;
using Ledger.Journal;
using Ledger.Journal.Model;
using Ledger.Journal.Verification;

namespace Ledger.Cli;

/// <summary>
/// A portable proof: the digest and its tip, the revision or block exactly as the service returned it, and the
/// proof hashes. Everything <see cref="Verify"/> needs is in the file, so verification runs offline.
/// </summary>
internal static class ProofBundle
{
    public const string Revision = "revision";
    public const string Block = "block";

    public static string Write(string kind, string ledger, LedgerDigest digest, string valueIonText, string proofIonText)
    {
        var bundle = IonStruct.Of(
            new IonField("kind", IonString.Of(kind)),
            new IonField("ledger", IonString.Of(ledger)),
            new IonField("digest", IonBlob.Of(digest.Digest.ToArray())),
            new IonField("digestTipAddress", digest.Tip.ToIon()),
            new IonField(kind, IonText.Parse(valueIonText)),
            new IonField("proof", IonText.Parse(proofIonText)));
        return IonText.Write(bundle, pretty: true) + Environment.NewLine;
    }

    /// <summary>Checks the bundle; a bundle that does not parse or lacks a field is a failure with a reason, not a crash.</summary>
    public static VerificationResult Verify(string text)
    {
        IonStruct bundle;
        LedgerDigest digest;
        Hash32[] proof;
        IonValue value;
        string kind;
        try
        {
            bundle = IonText.Parse(text) as IonStruct ?? throw new FormatException("the bundle is not an Ion struct");
            kind = (bundle["kind"] as IonString)?.Value ?? throw new FormatException("the bundle has no kind");
            var digestBytes = bundle["digest"] is IonBlob { IsNull: false } blob ? blob.Bytes : throw new FormatException("the bundle has no digest blob");
            if (digestBytes.Length != Hash32.Length)
            {
                throw new FormatException($"the digest has {digestBytes.Length} bytes, not {Hash32.Length}");
            }

            var tip = BlockAddress.FromIon(bundle["digestTipAddress"] ?? throw new FormatException("the bundle has no digestTipAddress"));
            digest = new LedgerDigest(new Hash32(digestBytes.AsSpan()), tip);
            proof = JournalProof.Parse(IonText.Write(bundle["proof"] ?? throw new FormatException("the bundle has no proof")));
            value = bundle[kind] ?? throw new FormatException($"the bundle has no {kind}");
        }
        catch (Exception error) when (error is FormatException or IonException or JournalVerificationException or InvalidOperationException or ArgumentException)
        {
            return new VerificationResult(new MalformedProof($"Malformed bundle: {error.Message}"));
        }

        try
        {
            return kind switch
            {
                Revision => JournalVerifier.VerifyRevision(JournalRevision.FromIon(value), proof, digest),
                Block => JournalVerifier.VerifyBlock(JournalBlock.FromIon(value), proof, digest),
                _ => new VerificationResult(new MalformedProof($"Unknown bundle kind '{kind}'.")),
            };
        }
        catch (Exception error) when (error is FormatException or IonException or JournalVerificationException or InvalidOperationException or ArgumentException)
        {
            return new VerificationResult(new MalformedProof($"Malformed {kind}: {error.Message}"));
        }
    }
}
