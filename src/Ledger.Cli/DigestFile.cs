using Ledger.Ion;
using Ledger.Journal;
using Ledger.Journal.Model;

namespace Ledger.Cli;

/// <summary>
/// A saved digest: what <c>ledger digest</c> prints, <c>{digest: {{…}}, digestTipAddress: {strandId, sequenceNo}}</c>,
/// so <c>ledger digest --ledger L &gt; digest.ion</c> can later be given to <c>verify</c> or <c>verify-export</c>.
/// </summary>
internal static class DigestFile
{
    public static string Write(LedgerDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var ion = IonStruct.Of(new IonField("digest", IonBlob.Of(digest.Digest.ToArray())), new IonField("digestTipAddress", digest.Tip.ToIon()));
        return IonText.Write(ion, pretty: true);
    }

    /// <summary>Reads the file; an unreadable or malformed one is a usage error (exit 2) naming the file.</summary>
    public static async Task<LedgerDigest> ReadAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read {path}: {error.Message}");
        }

        try
        {
            var ion = IonText.Parse(text) as IonStruct ?? throw new FormatException("not an Ion struct");
            var bytes = ion["digest"] is IonBlob { IsNull: false } blob ? blob.Bytes : throw new FormatException("no digest blob");
            if (bytes.Length != Hash32.Length)
            {
                throw new FormatException($"the digest has {bytes.Length} bytes, not {Hash32.Length}");
            }

            var tip = BlockAddress.FromIon(ion["digestTipAddress"] ?? throw new FormatException("no digestTipAddress"));
            return new LedgerDigest(new Hash32(bytes.AsSpan()), tip);
        }
        catch (Exception error) when (error is FormatException or IonException or InvalidOperationException or ArgumentException)
        {
            throw new UsageException($"{path} is not a digest file ({error.Message}).");
        }
    }
}
