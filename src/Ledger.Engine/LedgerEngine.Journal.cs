using Ledger.Engine.Errors;
using Ledger.Engine.Ports;
using Ledger.Engine.Proofs;
using Ledger.Ion;
using Ledger.Journal;
using Ledger.Journal.Model;
using WireBlock = Ledger.Journal.Model.JournalBlock;

namespace Ledger.Engine;

/// <summary>A block as GetBlock returns it, with its proof when a digest tip was given.</summary>
/// <param name="Block">The block (system revisions shown as <c>{hash}</c> by its Ion form).</param>
/// <param name="Proof">The journal path from the block hash to the digest at the tip, or null without a tip.</param>
public sealed record LedgerBlockResult(WireBlock Block, IReadOnlyList<Hash32>? Proof);

/// <summary>A revision as GetRevision returns it, with its proof when a digest tip was given.</summary>
/// <param name="Revision">The user revision, with its block address.</param>
/// <param name="Proof">From the revision hash through its block to the digest at the tip, or null without a tip.</param>
public sealed record LedgerRevisionResult(JournalRevision Revision, IReadOnlyList<Hash32>? Proof);

// The verification side of the control plane: GetDigest, GetBlock and GetRevision with QLDB's refusals.
public sealed partial class LedgerEngine
{
    // Complete tree nodes never change: proofs share the upper levels, so most of a proof's nodes come from here.
    private readonly JournalNodeCache _nodeCache = new();

    /// <summary>
    /// Reads a block address given as Ion text (<c>{strandId:"…",sequenceNo:N}</c>, QLDB's ValueHolder); anything
    /// else is an InvalidParameterException naming <paramref name="parameterName"/>.
    /// </summary>
    public static BlockAddress ParseBlockAddress(string? ionText, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(ionText))
        {
            throw new InvalidParameterException(parameterName, $"{parameterName} must hold the Ion text of a block address.");
        }

        try
        {
            return BlockAddress.FromIon(IonText.Parse(ionText));
        }
        catch (Exception e) when (e is IonException or JournalFormatException)
        {
            throw new InvalidParameterException(parameterName,
                $"{parameterName} must be an Ion struct {{strandId:\"<22 characters>\",sequenceNo:<non-negative int>}}.");
        }
    }

    /// <summary>
    /// GetDigest for the control plane: the digest at the latest committed block. A missing or deleting ledger is not
    /// found, a creating one or one without blocks is not ready (ResourcePreconditionNotMet).
    /// </summary>
    public async Task<LedgerDigest> GetLedgerDigestAsync(string ledgerName, CancellationToken cancellationToken = default)
    {
        var (ledger, size) = await RequireJournalAsync(ledgerName, NewestSize, cancellationToken);
        var tip = new BlockAddress(ledger.StrandId, size - 1);
        return await LedgerProofs.DigestAsync(ProofNodes(ledger, size), tip, cancellationToken);
    }

    /// <summary>
    /// GetBlock: the block at <paramref name="blockAddress"/> and, when <paramref name="digestTip"/> is given, its
    /// proof to the digest at that tip. Refuses (InvalidParameter) an address on another strand or past the journal,
    /// and a tip on another strand, past the latest digest or before the block.
    /// </summary>
    public async Task<LedgerBlockResult> GetBlockAsync(string ledgerName, BlockAddress blockAddress, BlockAddress? digestTip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blockAddress);
        var (ledger, size, block) = await CheckedBlockAsync(ledgerName, blockAddress, digestTip, cancellationToken);
        var proof = digestTip is null
            ? null
            : await LedgerProofs.BlockProofAsync(ProofNodes(ledger, size), blockAddress, digestTip, cancellationToken);
        return new LedgerBlockResult(block, proof);
    }

    /// <summary>
    /// GetRevision: the revision of <paramref name="documentId"/> committed in the block at
    /// <paramref name="blockAddress"/> and, when <paramref name="digestTip"/> is given, its proof to the digest at that
    /// tip. Address rules as <see cref="GetBlockAsync"/>; a document with no revision in that block is refused.
    /// </summary>
    public async Task<LedgerRevisionResult> GetRevisionAsync(string ledgerName, BlockAddress blockAddress, string documentId, BlockAddress? digestTip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blockAddress);
        ArgumentNullException.ThrowIfNull(documentId);
        var (ledger, size, block) = await CheckedBlockAsync(ledgerName, blockAddress, digestTip, cancellationToken);
        var index = block.IndexOfDocument(documentId);
        if (index < 0)
        {
            throw new InvalidParameterException("DocumentId",
                $"Document {documentId} has no revision in the block at {blockAddress.ToIonText()}.");
        }

        var revision = block.Revisions[index];
        var proof = digestTip is null
            ? null
            : await LedgerProofs.RevisionProofAsync(ProofNodes(ledger, size), block, index, digestTip, cancellationToken);
        return new LedgerRevisionResult(revision.BlockAddress is null ? revision.WithBlockAddress(blockAddress) : revision, proof);
    }

    // Asks RequireJournalAsync for the newest committed size, whatever the local sequencer knows.
    private const long NewestSize = long.MaxValue;

    // The checked ledger, its committed size and the block at the address. The block read does not depend on the
    // checks, so it runs beside them (one round trip instead of two); when the checks refuse, their refusal is what
    // the caller gets and the block read's outcome is dropped.
    private async Task<(LedgerRecord Ledger, long Size, WireBlock Block)> CheckedBlockAsync(
        string ledgerName, BlockAddress blockAddress, BlockAddress? digestTip, CancellationToken cancellationToken)
    {
        var needed = Math.Max(blockAddress.SequenceNo, digestTip?.SequenceNo ?? 0) + 1;
        var checks = RequireJournalAsync(ledgerName, needed, cancellationToken);
        var read = _ports.Journal.ReadBlocksAsync(ledgerName, blockAddress.SequenceNo, blockAddress.SequenceNo + 1, 1, cancellationToken).AsTask();
        try
        {
            await Task.WhenAll(checks, read);
        }
        catch (Exception) when (!checks.IsCompletedSuccessfully)
        {
            // Rethrown just below by awaiting the checks themselves.
        }

        var (ledger, size) = await checks;
        CheckAddresses(ledger, size, blockAddress, digestTip);
        var page = await read;
        return page.Blocks.Count == 1
            ? (ledger, size, page.Blocks[0].Journal)
            : throw new InvalidParameterException("BlockAddress", $"There is no block at sequenceNo {blockAddress.SequenceNo}.");
    }

    // The ledger (active, with at least one block) and its committed journal size: only blocks whose tree nodes
    // are stored count, so every address accepted here can be proven. The ledger record is a fresh read (shared
    // with concurrent callers); the shared watermark is read only when this instance's sequencer has committed
    // fewer than the <paramref name="needed"/> blocks, since the committed size only grows.
    private async Task<(LedgerRecord Ledger, long Size)> RequireJournalAsync(string ledgerName, long needed, CancellationToken cancellationToken)
    {
        var ledger = await _ledgerReads.ReadAsync(ledgerName, cancellationToken);
        switch (ledger?.State)
        {
            case null or LedgerState.Deleting or LedgerState.Deleted:
                throw new ResourceNotFoundException("LEDGER", ledgerName);
            case LedgerState.Creating:
                throw new ResourcePreconditionNotMetException("LEDGER", ledgerName, $"Ledger {ledgerName} is still being created");
        }

        var size = await CommittedSizeAsync(ledger, needed, cancellationToken);
        if (size == 0)
        {
            throw new ResourcePreconditionNotMetException("LEDGER", ledgerName, $"Ledger {ledgerName} has no journal blocks yet");
        }

        return (ledger, size);
    }

    // The shared views' watermark: whichever instance sequenced last advanced it only after the blocks and their
    // tree nodes were stored, so every block below it can be proven; this instance's sequencer may be behind it
    // (docs/engine.md, "Several instances"). Reads never need the lease.
    private async Task<long> CommittedSizeAsync(LedgerRecord ledger, long needed, CancellationToken cancellationToken)
    {
        var local = (await SequencerAsync(ledger)).CommittedSize;
        return local >= needed ? local : Math.Max(local, await _watermarkReads.ReadAsync(ledger.Name, cancellationToken));
    }

    // The ledger's tree nodes for a proof within its first size blocks, through the engine's node cache.
    private CachedJournalNodeStore ProofNodes(LedgerRecord ledger, long size) =>
        new(_ports.Journal.Nodes(ledger.Name), _nodeCache, ledger.Name + "/" + ledger.StrandId, size);

    private static void CheckAddresses(LedgerRecord ledger, long size, BlockAddress blockAddress, BlockAddress? digestTip)
    {
        if (blockAddress.StrandId != ledger.StrandId)
        {
            throw new InvalidParameterException("BlockAddress", $"Ledger {ledger.Name} has no strand {blockAddress.StrandId}; its strand is {ledger.StrandId}.");
        }

        if (blockAddress.SequenceNo >= size)
        {
            throw new InvalidParameterException("BlockAddress", $"There is no block at sequenceNo {blockAddress.SequenceNo}; the journal ends at {size - 1}.");
        }

        if (digestTip is null)
        {
            return;
        }

        if (digestTip.StrandId != ledger.StrandId)
        {
            throw new InvalidParameterException("DigestTipAddress", $"The digest tip's strand {digestTip.StrandId} is not the ledger's strand {ledger.StrandId}.");
        }

        if (digestTip.SequenceNo >= size)
        {
            throw new InvalidParameterException("DigestTipAddress", $"The digest tip {digestTip.SequenceNo} is beyond the latest digest's tip {size - 1}.");
        }

        if (digestTip.SequenceNo < blockAddress.SequenceNo)
        {
            throw new InvalidParameterException("DigestTipAddress", $"The digest tip {digestTip.SequenceNo} is earlier than the block {blockAddress.SequenceNo}.");
        }
    }
}
