using Azure.Core;
using Azure.Core.Pipeline;

namespace Ledger.Azure.Tests.Infrastructure;

/// <summary>
/// Counts the Table requests a store sends (given to the ports as <c>AzureStorageOptions.RequestObserver</c>): entity
/// group transactions, and single-entity PUTs into tables whose name contains <paramref name="singlePutTable"/>.
/// </summary>
internal sealed class TableRequestCounter(string singlePutTable = "") : HttpPipelineSynchronousPolicy
{
    private int _batches;
    private int _singlePuts;

    public int Batches => Volatile.Read(ref _batches);

    public (int Batches, int Singles) Snapshot() => (Volatile.Read(ref _batches), Volatile.Read(ref _singlePuts));

    public override void OnSendingRequest(HttpMessage message)
    {
        if (message.Request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _batches);
        }
        else if (singlePutTable.Length > 0 && message.Request.Method == RequestMethod.Put && message.Request.Uri.Path.Contains(singlePutTable, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _singlePuts);
        }
    }
}
