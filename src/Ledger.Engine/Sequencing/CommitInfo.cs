namespace Ledger.Engine.Sequencing;

/// <summary>The journal range one append made durable and visible: blocks <c>[FromSize, UntilSize)</c>.</summary>
public readonly record struct CommitInfo(long FromSize, long UntilSize);

/// <summary>
/// A link in the chain of commits: the range just committed and the task of the next commit. A waiter follows the
/// chain until its position is covered, so it never misses a commit that happens while it is looking.
/// </summary>
public sealed record LinkedCommitInfo(CommitInfo Info, Task<LinkedCommitInfo> NextTask);

/// <summary>
/// The journal append failed for blocks <c>[FromSize, UntilSize)</c>; each waiter can tell whether its own block
/// was in the range. <see cref="IsFatal"/> failures (the sequencer was fenced by a newer one) are kept and rethrown
/// to every later caller.
/// </summary>
public sealed class CommitFailureException : Exception
{
    /// <summary>Creates the failure for a range.</summary>
    public CommitFailureException(CommitInfo range, string message, bool isFatal, Exception? innerException = null)
        : base(message, innerException)
    {
        Range = range;
        IsFatal = isFatal;
    }

    /// <summary>The range that was not committed.</summary>
    public CommitInfo Range { get; }

    /// <summary>True when this sequencer can no longer append (its slot was taken by another).</summary>
    public bool IsFatal { get; }
}
