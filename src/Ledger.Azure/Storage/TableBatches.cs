using Ledger.Azure.Tables;

namespace Ledger.Azure.Storage;

/// <summary>Writes that span many entities, cut into entity group transactions within the service's rules.</summary>
internal static class TableBatches
{
    /// <summary>Upserts (replace) every entity, one transaction per partition and per 100 entities / 4 MiB.</summary>
    public static Task UpsertAllAsync(TableClient table, IEnumerable<TableEntity> entities, CancellationToken cancellationToken) =>
        SubmitAllAsync(table, entities.Select(e => (e, false)), cancellationToken);

    /// <summary>Deletes every entity the filter selects, one transaction per partition and per 100 entities.</summary>
    public static async Task DeleteWhereAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        // Collect the keys first: deleting while paging would move the continuation under the query.
        var keys = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync(filter, 1000, ["PartitionKey"], cancellationToken))
        {
            keys.Add(new TableEntity(entity.PartitionKey, entity.RowKey));
        }

        await SubmitAllAsync(table, keys.Select(k => (k, true)), cancellationToken);
    }

    private static async Task SubmitAllAsync(TableClient table, IEnumerable<(TableEntity Entity, bool Delete)> operations, CancellationToken cancellationToken)
    {
        var batches = new List<TableTransaction>();
        foreach (var partition in operations.GroupBy(o => o.Entity.PartitionKey, StringComparer.Ordinal))
        {
            var batch = new TableTransaction();
            foreach (var (entity, delete) in partition)
            {
                var size = delete ? 0 : TableEntityJson.Serialize(entity).Length;
                if (!batch.CanAdd(entity.PartitionKey, entity.RowKey, size))
                {
                    batches.Add(batch);
                    batch = new TableTransaction();
                }

                if (delete)
                {
                    batch.DeleteEntity(entity.PartitionKey, entity.RowKey);
                }
                else
                {
                    batch.UpsertEntity(entity, TableUpdateMode.Replace);
                }
            }

            if (batch.Count > 0)
            {
                batches.Add(batch);
            }
        }

        // Partitions are independent; a few transactions at a time keeps the latency of a wide write low.
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (batch, token) => await table.SubmitTransactionAsync(batch, token));
    }
}
