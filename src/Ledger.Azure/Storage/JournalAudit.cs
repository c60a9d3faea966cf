using Ledger.Engine.Model;
using Ledger.Engine.Ports;
using Ledger.Ion;
using Ledger.Journal;
using Ledger.Journal.Tree;

namespace Ledger.Azure.Storage;

/// <summary>The outcome of <see cref="JournalAudit.VerifyAsync"/>.</summary>
/// <param name="BlocksChecked">How many blocks were read and found sound before the first problem (or in all).</param>
/// <param name="BrokenSequenceNo">The first block that fails, or null when the journal is intact.</param>
/// <param name="Problem">What is wrong with it.</param>
public sealed record JournalAuditResult(long BlocksChecked, long? BrokenSequenceNo, string? Problem)
{
    /// <summary>True when every block verified.</summary>
    public bool IsIntact => BrokenSequenceNo is null;

    /// <inheritdoc/>
    public override string ToString() => IsIntact ? $"{BlocksChecked} blocks intact" : $"block {BrokenSequenceNo}: {Problem}";
}

/// <summary>
/// Re-verifies a stored journal from its first block to its tip, through any <see cref="IJournalStore"/>: every block
/// must read back, be sound on its own (revision hashes, entries, block hash), link to its predecessor and equal its
/// leaf in the stored journal tree. A change to stored bytes (tampering or corruption) names the first broken block.
/// </summary>
public static class JournalAudit
{
    private const int PageSize = 100;

    public static async Task<JournalAuditResult> VerifyAsync(IJournalStore journal, string ledgerName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journal);
        var tip = await journal.GetTipAsync(ledgerName, cancellationToken);
        var nodes = journal.Nodes(ledgerName);
        Hash32? previous = null;
        for (long from = 0; from < tip.Size;)
        {
            var page = await ReadPageAsync(journal, ledgerName, from, tip.Size, cancellationToken);
            if (page.Unreadable is { } unreadable)
            {
                return new JournalAuditResult(unreadable.SequenceNo, unreadable.SequenceNo, "does not read back: " + unreadable.Error.Message);
            }

            var blocks = page.Blocks!;
            var leaves = await LeavesAsync(nodes, from, blocks.Count, cancellationToken);
            for (var i = 0; i < blocks.Count; i++)
            {
                var block = blocks[i];
                var expected = from + i;
                var problem = block.SequenceNo != expected
                    ? $"is stored in slot {expected} but says it is block {block.SequenceNo}"
                    : block.Journal.Verify() is { IsValid: false } own
                        ? own.ToString()
                        : block.Hashes.PreviousBlockHash != previous
                            ? $"previousBlockHash {Show(block.Hashes.PreviousBlockHash)} does not match block {expected - 1}'s hash {Show(previous)}"
                            : leaves is not null && leaves[i] != block.Hashes.BlockHash
                                ? $"block hash {block.Hashes.BlockHash} differs from the journal tree's leaf {leaves[i]}"
                                : null;
                if (problem is not null)
                {
                    return new JournalAuditResult(expected, expected, problem);
                }

                previous = block.Hashes.BlockHash;
            }

            from += blocks.Count;
        }

        return tip.LastBlockHash == previous
            ? new JournalAuditResult(tip.Size, null, null)
            : new JournalAuditResult(tip.Size, tip.Size - 1, $"the tip's hash {Show(tip.LastBlockHash)} is not the last block's {Show(previous)}");
    }

    private static string Show(Hash32? hash) => hash?.ToString() ?? "(none)";

    private static async Task<(IReadOnlyList<JournalBlock>? Blocks, (long SequenceNo, Exception Error)? Unreadable)> ReadPageAsync(
        IJournalStore journal, string ledgerName, long from, long until, CancellationToken cancellationToken)
    {
        try
        {
            var page = await journal.ReadBlocksAsync(ledgerName, from, until, PageSize, cancellationToken);
            return (page.Blocks, null);
        }
        catch (Exception e) when (IsCorruption(e))
        {
            // Some block of the page does not parse: read them one at a time to name it.
            for (var sequenceNo = from; sequenceNo < Math.Min(until, from + PageSize); sequenceNo++)
            {
                try
                {
                    await journal.ReadBlocksAsync(ledgerName, sequenceNo, sequenceNo + 1, 1, cancellationToken);
                }
                catch (Exception single) when (IsCorruption(single))
                {
                    return (null, (sequenceNo, single));
                }
            }

            throw;
        }
    }

    private static bool IsCorruption(Exception e) => e is IonException or FormatException or InvalidDataException or ArgumentException or InvalidCastException;

    private static async Task<Hash32[]?> LeavesAsync(IJournalNodeStore nodes, long from, int count, CancellationToken cancellationToken)
    {
        try
        {
            return await nodes.GetNodesAsync(Enumerable.Range(0, count).Select(i => new NodeId(0, from + i)).ToList(), cancellationToken);
        }
        catch (KeyNotFoundException)
        {
            // The sequencer stores nodes after the blocks; a journal whose newest nodes are missing is not broken.
            return null;
        }
    }
}
