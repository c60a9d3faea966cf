using System.Collections.Concurrent;
using Ledger.Engine.Errors;
using Ledger.Engine.Ports;

namespace Ledger.Engine.Ledgers;

/// <summary>
/// Admits a new per-ledger job (a journal export, a journal stream) under QLDB's rules: the ledger must exist and be
/// ACTIVE, and fewer than <c>limit</c> of its jobs may be live. Counting and creating happen under one per-ledger
/// gate, so simultaneous requests to this instance cannot both pass the limit. Across instances the store offers no
/// conditional write that spans the count and the insert, so each creation counts again after its insert and
/// withdraws its job (<c>withdraw</c>: it ends as cancelled) when more than the limit are live. That can never leave
/// more than the limit: of the jobs that stay, the last one inserted counted after every other one's insert, so it
/// saw them all and would have withdrawn. Two instances creating at the same moment may both withdraw (a refusal
/// the client can retry), never both stay over the limit.
/// </summary>
internal sealed class JobAdmission<TJob>(
    EnginePorts ports,
    int limit,
    Func<string, CancellationToken, ValueTask<IReadOnlyList<TJob>>> listJobs,
    Func<TJob, bool> isLive,
    Func<TJob, CancellationToken, Task> withdraw,
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

            var job = await create(ledger, cancellationToken);
            if ((await listJobs(ledger.Name, cancellationToken)).Count(isLive) > limit)
            {
                // Another instance admitted a job at the same moment.
                await withdraw(job, CancellationToken.None);
                throw new LimitExceededException(limitMessage(ledger.Name));
            }

            return job;
        }
        finally
        {
            gate.Release();
        }
    }
}
