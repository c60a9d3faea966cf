using Ledger.Engine.InMemory;
using Ledger.Engine.Ports;

namespace Ledger.Engine;

/// <summary>The storage an engine reaches, all through ports.</summary>
public sealed record EnginePorts(
    IJournalStore Journal,
    IViewStore Views,
    ILedgerCatalogStore Ledgers,
    ISessionStore Sessions,
    ISequencerLease Lease,
    ICommitInbox Inbox)
{
    /// <summary>Fresh in-memory implementations of every port (tests, local shell).</summary>
    public static EnginePorts InMemory(TimeProvider clock) => new(
        new InMemoryJournalStore(), new InMemoryViewStore(), new InMemoryLedgerCatalogStore(), new InMemorySessionStore(), new InMemorySequencerLease(clock),
        new InMemoryCommitInbox(clock));
}
