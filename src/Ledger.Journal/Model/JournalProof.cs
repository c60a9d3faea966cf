using Ledger.Ion;

namespace Ledger.Journal.Model;

/// <summary>QLDB's proof wire form: the Ion text of a list of blobs, no spaces, e.g. <c>[{{…}},{{…}}]</c> (spec 5.2).</summary>
public static class JournalProof
{
    /// <summary>The Ion text of a proof.</summary>
    public static string ToIonText(IEnumerable<Hash32> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        return IonText.Write(IonRead.BlobList(proof));
    }

    /// <summary>Parses a proof's Ion text.</summary>
    public static Hash32[] Parse(string ionText) => [.. IonRead.HashList(IonText.Parse(ionText), "proof")];
}

/// <summary>A digest and the tip it covers, as QLDB's GetDigest returns them.</summary>
/// <param name="Digest">The root of the journal tree over blocks 0..tip.</param>
/// <param name="Tip">The address of the last block covered.</param>
public sealed record LedgerDigest(Hash32 Digest, BlockAddress Tip)
{
    /// <summary>The number of leaves in the tree this digest is the root of.</summary>
    public long TreeSize => Tip.SequenceNo + 1;
}
