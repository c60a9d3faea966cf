using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Ledger.Client;
using Ledger.Client.Session;
using Ledger.Client.SigV4;
using Ledger.Functions.Auth.Credentials;

namespace Ledger.Functions.Tests.MultiProcess;

/// <summary>
/// Clients of the session protocol spread over several handler processes: each transaction either increments one of
/// a few hot counters (read-modify-write, so concurrent ones conflict) or inserts a document with a unique client id.
/// Records what was acknowledged, what failed cleanly with an OCC conflict and anything else (which is a bug).
/// </summary>
internal sealed class ContendedWorkload
{
    public const string CountersTable = "Counters";
    public const string ItemsTable = "Items";

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    private readonly string _ledgerName;
    private readonly int _hotCounters;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    private int _issued;

    public ContendedWorkload(string ledgerName, int hotCounters)
    {
        _ledgerName = ledgerName;
        _hotCounters = hotCounters;
    }

    public static SigV4Credentials Credentials { get; } =
        new(LocalDevelopmentCredentials.AccessKeyId, LocalDevelopmentCredentials.SecretAccessKey);

    /// <summary>Client ids of acknowledged inserts, with the handler that acknowledged them.</summary>
    public ConcurrentDictionary<string, Uri> AcknowledgedInserts { get; } = new(StringComparer.Ordinal);

    /// <summary>Acknowledged increments per counter name.</summary>
    public ConcurrentDictionary<string, int> AcknowledgedIncrements { get; } = new(StringComparer.Ordinal);

    /// <summary>Acknowledgement times (since the workload's clock started) per handler.</summary>
    public ConcurrentDictionary<Uri, ConcurrentBag<(TimeSpan Started, TimeSpan Acknowledged)>> Acknowledgements { get; } = new();

    public int CleanConflicts => Volatile.Read(ref _cleanConflicts);

    /// <summary>Failures that are neither an acknowledgement nor an OCC conflict: 500s, hangs, other errors.</summary>
    public ConcurrentQueue<string> UnexpectedFailures { get; } = new();

    /// <summary>Failures of clients whose handler was killed (connection refused or reset): expected, unacknowledged.</summary>
    public ConcurrentQueue<string> LostHandlerFailures { get; } = new();

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    private int _cleanConflicts;

    public static string CounterName(int index) => "h" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Creates the tables and the hot counters, all at zero.</summary>
    public async Task SetUpAsync(HttpClient http, Uri handler, CancellationToken cancellationToken)
    {
        await using var session = new QldbSessionClient(http, new LedgerClientOptions(handler, Credentials), _ledgerName);
        await session.ExecuteAsync([$"CREATE TABLE {CountersTable}"], cancellationToken);
        await session.ExecuteAsync([$"CREATE TABLE {ItemsTable}"], cancellationToken);
        var inserts = Enumerable.Range(0, _hotCounters).Select(i => $"INSERT INTO {CountersTable} {{'name': '{CounterName(i)}', 'n': 0}}").ToList();
        await session.ExecuteAsync(inserts, cancellationToken);
    }

    /// <summary>
    /// Runs one client loop on <paramref name="handler"/> until <paramref name="totalTransactions"/> have been issued
    /// over all clients, or <paramref name="stop"/> is cancelled. Every other transaction is a hot-counter increment
    /// when <paramref name="withConflicts"/>; the rest insert a document with a unique client id.
    /// </summary>
    public async Task RunClientAsync(HttpClient http, Uri handler, int totalTransactions, bool withConflicts, CancellationToken stop)
    {
        var acknowledgements = Acknowledgements.GetOrAdd(handler, _ => []);
        await using var session = new QldbSessionClient(http, new LedgerClientOptions(handler, Credentials), _ledgerName);
        while (!stop.IsCancellationRequested)
        {
            var number = Interlocked.Increment(ref _issued);
            if (number > totalTransactions)
            {
                return;
            }

            var counter = withConflicts && number % 2 == 0 ? CounterName(number / 2 % _hotCounters) : null;
            var clientId = $"{_runId}-{number.ToString(CultureInfo.InvariantCulture)}";
            var statement = counter is not null
                ? $"UPDATE {CountersTable} AS c SET c.n = c.n + 1 WHERE c.name = '{counter}'"
                : $"INSERT INTO {ItemsTable} {{'cid': '{clientId}'}}";
            var started = Clock.Elapsed;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(CallTimeout);
            try
            {
                await session.ExecuteAsync([statement], timeout.Token);
                acknowledgements.Add((started, Clock.Elapsed));
                if (counter is not null)
                {
                    AcknowledgedIncrements.AddOrUpdate(counter, 1, (_, n) => n + 1);
                }
                else
                {
                    AcknowledgedInserts[clientId] = handler;
                }
            }
            catch (LedgerServiceException error) when (error.ErrorType == "OccConflictException" && error.StatusCode == 400)
            {
                Interlocked.Increment(ref _cleanConflicts);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException error)
            {
                // Only a killed handler may refuse or drop a connection; the caller decides whether that was expected.
                LostHandlerFailures.Enqueue($"{handler} #{number}: {error.Message}");
                return;
            }
            catch (Exception error) when (error is LedgerServiceException or OperationCanceledException or IOException)
            {
                UnexpectedFailures.Enqueue($"{handler} #{number} ({statement}): {error.GetType().Name} {error}");
            }
        }
    }
}
