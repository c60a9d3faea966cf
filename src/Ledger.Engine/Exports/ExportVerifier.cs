using Ledger.Engine.Ports;
using Ledger.Journal.Model;
using Ledger.Journal.Verification;
using WireBlock = Ledger.Journal.Model.JournalBlock;

namespace Ledger.Engine.Exports;

/// <summary>The outcome of verifying an export offline.</summary>
/// <param name="Failure">The first failure, null when the export verified.</param>
/// <param name="FailedBlock">The block the failure names (null for a failure of the whole export, e.g. its digest).</param>
/// <param name="FailedKey">The object the failure was found in, when it is about one object.</param>
/// <param name="ExportId">The verified export.</param>
/// <param name="Format">The data objects' format (JSON exports are checked on their hashes only).</param>
/// <param name="BlocksVerified">Blocks that passed.</param>
/// <param name="FirstBlock">The first block of the export.</param>
/// <param name="LastBlock">The last block that passed.</param>
/// <param name="RevisionHashesChecked">False for JSON exports: their values lost the Ion types the hashes were taken over.</param>
/// <param name="DigestChecked">Whether a digest was given and the blocks fold to it.</param>
public sealed record ExportVerificationResult(
    VerificationFailure? Failure,
    BlockAddress? FailedBlock,
    string? FailedKey,
    string? ExportId,
    JournalExportFormat? Format,
    long BlocksVerified,
    BlockAddress? FirstBlock,
    BlockAddress? LastBlock,
    bool RevisionHashesChecked,
    bool DigestChecked)
{
    /// <summary>True when every check passed.</summary>
    public bool IsValid => Failure is null;

    /// <summary>One line for a CLI: "valid: …" or the failure naming the block and object.</summary>
    public override string ToString() => IsValid
        ? $"valid: export {ExportId}, {BlocksVerified} blocks ({FirstBlock?.SequenceNo}..{LastBlock?.SequenceNo}){(DigestChecked ? ", digest matches" : string.Empty)}{(RevisionHashesChecked ? string.Empty : ", revision hashes not recomputable (JSON)")}"
        : $"invalid: {Failure!.Message}{(FailedBlock is null ? string.Empty : $" [block {FailedBlock.StrandId}/{FailedBlock.SequenceNo}]")}{(FailedKey is null ? string.Empty : $" in {FailedKey}")}";
}

/// <summary>
/// Verifies an export offline, from its objects alone: the completed manifest, every data object it lists in order,
/// each block's hashes (entriesHash, blockHash), each user revision's hash and the in-block entries (Ion formats),
/// the hash chain with no block missing or repeated, each object's key range against its blocks and, when a digest
/// is given, that the blocks fold to it. Blocks are checked as they are read, one object in memory at a time.
/// </summary>
public static class ExportVerifier
{
    /// <summary>Verifies the export <paramref name="exportId"/> (or the only one) under <paramref name="prefix"/>.</summary>
    public static async Task<ExportVerificationResult> VerifyAsync(
        IExportSource source, string bucket, string prefix, string? exportId = null, LedgerDigest? digest = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var run = new JournalRunVerifier(digest);
        string? failedKey = null;
        ExportManifests? manifests = null;
        JournalExportFormat? format = null;
        try
        {
            manifests = await ReadManifestsAsync(source, bucket, prefix, exportId, cancellationToken);
            foreach (var key in manifests.Keys)
            {
                failedKey = key;
                var data = await ExportReader.ReadObjectAsync(source, bucket, key, cancellationToken);
                format ??= data.Format;
                if (!VerifyObject(run, manifests.StrandId, data).IsValid)
                {
                    break;
                }
            }

            if (run.Failure is null)
            {
                failedKey = null;
                run.Complete();
            }
        }
        catch (ExportFormatException unreadable)
        {
            run.Fail(run.LastBlock is { } last ? last with { SequenceNo = last.SequenceNo + 1 } : null, new MalformedProof(unreadable.Message));
        }

        return new ExportVerificationResult(
            run.Failure, run.FailedBlock, run.Failure is null ? null : failedKey, manifests?.ExportId, format, run.BlocksVerified, run.FirstBlock, run.LastBlock,
            RevisionHashesChecked: format is not JournalExportFormat.Json, DigestChecked: digest is not null && run.Failure is null);
    }

    private static async Task<ExportManifests> ReadManifestsAsync(IExportSource source, string bucket, string prefix, string? exportId, CancellationToken cancellationToken)
    {
        var manifests = await ExportReader.ReadManifestsAsync(source, bucket, prefix, exportId, cancellationToken);
        if (manifests.Keys.Count == 0)
        {
            throw new ExportFormatException($"{manifests.CompletedManifestKey} lists no data object.");
        }

        return manifests;
    }

    private static VerificationResult VerifyObject(JournalRunVerifier run, string strandId, ExportObject data)
    {
        BlockAddress? first = null;
        BlockAddress? last = null;
        foreach (var value in data.Values)
        {
            BlockAddress address;
            VerificationResult result;
            try
            {
                if (data.Format is JournalExportFormat.Json)
                {
                    var (jsonAddress, hashes, revisionHashes) = ExportReader.JsonBlockHashes(value);
                    address = jsonAddress;
                    result = run.AddHashes(address, hashes, revisionHashes);
                }
                else
                {
                    var block = WireBlock.FromIon(value);
                    address = block.BlockAddress;
                    result = run.Add(block);
                }
            }
            catch (JournalFormatException malformed)
            {
                var next = run.LastBlock is { } previous ? previous with { SequenceNo = previous.SequenceNo + 1 } : null;
                return run.Fail(next, new MalformedProof($"A block after {run.LastBlock?.SequenceNo.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "the start"} is malformed: {malformed.Message}"));
            }

            if (!result.IsValid)
            {
                return result;
            }

            if (address.StrandId != strandId)
            {
                return run.Fail(address, new MalformedProof($"block {address.SequenceNo} is on strand {address.StrandId} but the manifest names strand {strandId}."));
            }

            first ??= address;
            last = address;
        }

        if (first is null || last is null)
        {
            return run.Fail(null, new MalformedProof($"{data.Key} holds no block."));
        }

        // The key names its blocks (<strand>.<first>-<last>.<ext>): a renamed or truncated object is caught here.
        var expected = $"{strandId}.{first.SequenceNo}-{last.SequenceNo}.";
        var name = data.Key[(data.Key.LastIndexOf('/') + 1)..];
        return name.StartsWith(expected, StringComparison.Ordinal)
            ? VerificationResult.Valid
            : run.Fail(first, new MalformedProof($"{data.Key} holds blocks {first.SequenceNo}-{last.SequenceNo}, which its name does not say."));
    }
}
