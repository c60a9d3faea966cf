using Azure.Core;
using Azure.Core.Pipeline;

namespace Ledger.Azure.Tests.Infrastructure;

/// <summary>
/// Counts the Table requests a store sends (given to the ports as <c>AzureStorageOptions.RequestObserver</c>): entity
/// group transactions, single-entity PUTs into tables whose name contains <paramref name="singlePutTable"/>, and
/// single-entity writes of any method (insert, update, merge, delete) into those tables.
/// </summary>
internal sealed class TableRequestCounter(string singlePutTable = "") : HttpPipelineSynchronousPolicy
{
    private int _batches;
    private int _singlePuts;
    private int _singleWrites;

    public int Batches => Volatile.Read(ref _batches);

    public (int Batches, int Singles) Snapshot() => (Volatile.Read(ref _batches), Volatile.Read(ref _singlePuts));

    /// <summary>Writes sent: entity group transactions plus single-entity writes into the named tables.</summary>
    public int Writes => Volatile.Read(ref _batches) + Volatile.Read(ref _singleWrites);

    public override void OnSendingRequest(HttpMessage message)
    {
        if (message.Request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _batches);
        }
        else if (singlePutTable.Length > 0 && message.Request.Method != RequestMethod.Get && message.Request.Uri.Path.Contains(singlePutTable, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _singleWrites);
            if (message.Request.Method == RequestMethod.Put)
            {
                Interlocked.Increment(ref _singlePuts);
            }
        }
    }
}
