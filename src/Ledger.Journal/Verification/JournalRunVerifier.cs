using Ledger.Journal.Model;
using Ledger.Journal.Tree;

namespace Ledger.Journal.Verification;

/// <summary>
/// Verifies a run of consecutive blocks as they are read, one at a time, without holding them (an export of any size):
/// each block's own hashes, its link to the block before, dense sequence numbers on one strand and, when a digest is
/// given, that the blocks rebuild the digest (which needs the run to start at block 0 and reach the digest's tip).
/// The first failure is kept together with the address of the block it names.
/// </summary>
public sealed class JournalRunVerifier
{
    private readonly LedgerDigest? _digest;
    private readonly JournalTreeAppender _tree = new();
    private BlockHashes? _previous;
    private string? _strandId;
    private bool _digestMatched;

    /// <summary>Creates a verifier; with <paramref name="digest"/> the run must also fold to it.</summary>
    public JournalRunVerifier(LedgerDigest? digest = null)
    {
        _digest = digest;
    }

    /// <summary>How many blocks passed.</summary>
    public long BlocksVerified { get; private set; }

    /// <summary>The first block of the run, once one was added.</summary>
    public BlockAddress? FirstBlock { get; private set; }

    /// <summary>The last block that passed.</summary>
    public BlockAddress? LastBlock { get; private set; }

    /// <summary>The first failure, or null.</summary>
    public VerificationFailure? Failure { get; private set; }

    /// <summary>The block the failure names (null for a failure of the whole run, such as a digest that does not match).</summary>
    public BlockAddress? FailedBlock { get; private set; }

    /// <summary>Verifies a complete block: everything it commits to (<see cref="JournalBlock.Verify"/>), then the chain.</summary>
    public VerificationResult Add(JournalBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (Failure is not null)
        {
            return Failure;
        }

        var own = block.Verify();
        return own.IsValid ? Link(block.BlockAddress, block.Hashes) : Fail(block.BlockAddress, own.Failure!);
    }

    /// <summary>
    /// Verifies a block of which only the hashes are known (a JSON export, whose values cannot be re-hashed): its
    /// entriesHash and blockHash, that the root of <paramref name="revisionHashes"/> is listed in entriesHashList, then the chain.
    /// </summary>
    public VerificationResult AddHashes(BlockAddress address, BlockHashes hashes, IReadOnlyList<Hash32> revisionHashes)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(hashes);
        ArgumentNullException.ThrowIfNull(revisionHashes);
        if (Failure is not null)
        {
            return Failure;
        }

        var own = BlockVerifier.VerifyHashes(hashes, $"block {address.SequenceNo}");
        if (!own.IsValid)
        {
            return Fail(address, own.Failure!);
        }

        if (revisionHashes.Count > 0)
        {
            var root = QldbHash.MerkleRoot([.. revisionHashes]);
            if (!hashes.EntriesHashList.Contains(root))
            {
                return Fail(address, new EntryMissing($"block {address.SequenceNo}", "MerkleRoot(revision hashes)", root, "entriesHashList"));
            }
        }

        return Link(address, hashes);
    }

    /// <summary>Ends the run: with a digest, checks that the run reached the digest's tip and folded to it.</summary>
    public VerificationResult Complete()
    {
        if (Failure is not null)
        {
            return Failure;
        }

        if (_digest is { } digest && !_digestMatched)
        {
            var reached = LastBlock is null ? "holds no block" : $"ends at block {LastBlock.SequenceNo}";
            return Fail(null, new MalformedProof($"The run {reached}, before the digest's tip {digest.Tip.SequenceNo}."));
        }

        return VerificationResult.Valid;
    }

    /// <summary>Records a failure found outside the hashes (an unreadable object, a key naming other blocks).</summary>
    public VerificationResult Fail(BlockAddress? block, VerificationFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Failure ??= failure;
        FailedBlock ??= block;
        return Failure;
    }

    private VerificationResult Link(BlockAddress address, BlockHashes hashes)
    {
        var location = $"block {address.SequenceNo}";
        if (_previous is null)
        {
            _strandId = address.StrandId;
            FirstBlock = address;
            if (_digest is { } digest)
            {
                if (digest.Tip.StrandId != address.StrandId)
                {
                    return Fail(address, new MalformedProof($"{location} is on strand {address.StrandId} but the digest covers strand {digest.Tip.StrandId}."));
                }

                if (address.SequenceNo != 0)
                {
                    return Fail(address, new MalformedProof($"Checking a digest needs the run to start at block 0; it starts at block {address.SequenceNo}."));
                }
            }
        }
        else
        {
            if (address.StrandId != _strandId)
            {
                return Fail(address, new MalformedProof($"{location} is on strand {address.StrandId}, not {_strandId}."));
            }

            if (address.SequenceNo != _previous.SequenceNo + 1)
            {
                return Fail(address, new MalformedProof($"{location} follows block {_previous.SequenceNo}: a block is missing, repeated or out of order."));
            }

            if (hashes.PreviousBlockHash is not { } linked || linked != _previous.BlockHash)
            {
                return Fail(address, new HashMismatch(location, $"previousBlockHash (block {_previous.SequenceNo}'s blockHash)", _previous.BlockHash, hashes.PreviousBlockHash ?? default));
            }
        }

        _previous = hashes;
        LastBlock = address;
        BlocksVerified++;
        if (_digest is { } expected && !_digestMatched)
        {
            _tree.Append(hashes.BlockHash);
            if (_tree.Size == expected.TreeSize)
            {
                var calculated = _tree.Digest();
                if (calculated != expected.Digest)
                {
                    return Fail(null, new RootMismatch($"digest at tip {expected.Tip.SequenceNo}", expected.Digest, calculated));
                }

                _digestMatched = true;
            }
        }

        return VerificationResult.Valid;
    }
}
