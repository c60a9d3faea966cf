using System.Collections.Concurrent;
using Ledger.Engine.Errors;
using Ledger.Engine.Ports;

namespace Ledger.Engine.Ledgers;

/// <summary>
/// Admits a new per-ledger job (a journal export, a journal stream) under QLDB's rules: the ledger must exist and be
/// ACTIVE, and fewer than <c>limit</c> of its jobs may be live. Counting and creating happen under one per-ledger
/// gate, so simultaneous requests to this instance cannot both pass the limit. Across instances the store ports
/// offer no conditional write that spans the count and the insert, so two instances creating at the same moment
/// can still exceed the limit by one each (documented in docs/control-plane.md).
/// </summary>
internal sealed class JobAdmission<TJob>(
    EnginePorts ports,
    int limit,
    Func<string, CancellationToken, ValueTask<IReadOnlyList<TJob>>> listJobs,
    Func<TJob, bool> isLive,
    Func<string, string> limitMessage)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>
    /// Checks the ledger, runs <paramref name="validate"/> on it (request checks come after the ledger's, as QLDB
    /// answers), then creates the job with <paramref name="create"/> if the ledger is under its limit.
    /// </summary>
    public async Task<TJob> AdmitAsync(
        string ledgerName, Action<LedgerRecord> validate, Func<LedgerRecord, CancellationToken, Task<TJob>> create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(validate);
        ArgumentNullException.ThrowIfNull(create);
        var ledger = await ports.Ledgers.GetAsync(ledgerName, cancellationToken)
            ?? throw new ResourceNotFoundException("LEDGER", ledgerName);
        if (ledger.State is not LedgerState.Active)
        {
            throw new ResourcePreconditionNotMetException("LEDGER", ledger.Name, $"Ledger {ledger.Name} is not active");
        }

        validate(ledger);
        var gate = _gates.GetOrAdd(ledger.Name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var live = (await listJobs(ledger.Name, cancellationToken)).Count(isLive);
            if (live >= limit)
            {
                throw new LimitExceededException(limitMessage(ledger.Name));
            }

            return await create(ledger, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }
}
