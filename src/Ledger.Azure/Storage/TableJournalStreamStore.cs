using global::Azure;
using Ledger.Azure.Core;
using Ledger.Azure.Tables;
using Ledger.Engine.Ports;

namespace Ledger.Azure.Storage;

/// <summary>
/// Journal streams on Azure Table: one table (<c>{prefix}Streams</c>), partition = escaped ledger name, row key =
/// stream id, so a ledger's streams are one partition query and a pump's checkpoint write is a point update
/// conditional on the ETag (two pump instances can never both move it).
/// </summary>
public sealed class TableJournalStreamStore : IJournalStreamStore
{
    private readonly TableClient _table;
    private readonly Lazy<Task> _created;

    /// <summary>Creates the store; the table is created on first use.</summary>
    public TableJournalStreamStore(StorageConnection connection, AzureStorageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new AzureStorageOptions();
        options.Validate();
        _table = new TableClient(connection, options.Prefix + "Streams");
        _created = new Lazy<Task>(() => _table.CreateIfNotExistsAsync());
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryCreateAsync(JournalStreamRecord stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await EnsureCreatedAsync();
        try
        {
            await _table.AddEntityAsync(ToEntity(stream), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<JournalStreamRecord?> GetAsync(string ledgerName, string streamId, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync();
        var entity = (await _table.GetEntityIfExistsAsync(StorageKeys.Escape(ledgerName), StorageKeys.Escape(streamId), cancellationToken: cancellationToken)).Value;
        return entity is null ? null : FromEntity(ledgerName, streamId, entity);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<JournalStreamRecord>> ListAsync(string ledgerName, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync();
        var streams = new List<JournalStreamRecord>();
        var filter = TableFilter.Create($"PartitionKey eq {StorageKeys.Escape(ledgerName)}");
        await foreach (var entity in _table.QueryAsync(filter, 1000, cancellationToken: cancellationToken))
        {
            streams.Add(FromEntity(ledgerName, StorageKeys.Unescape(entity.RowKey), entity));
        }

        // Row keys are random ids; the API lists in creation order.
        return [.. streams.OrderBy(s => s.CreationTime).ThenBy(s => s.StreamId, StringComparer.Ordinal)];
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryUpdateAsync(JournalStreamRecord stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.ETag is null)
        {
            return false;
        }

        await EnsureCreatedAsync();
        try
        {
            await _table.UpdateEntityAsync(ToEntity(stream), new ETag(stream.ETag), TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>Drops the table (tests, teardown).</summary>
    public async Task DeleteTableAsync(CancellationToken cancellationToken = default) => await _table.DeleteAsync(cancellationToken);

    private async Task EnsureCreatedAsync() => await _created.Value;

    private static TableEntity ToEntity(JournalStreamRecord stream)
    {
        var entity = new TableEntity(StorageKeys.Escape(stream.LedgerName), StorageKeys.Escape(stream.StreamId))
        {
            ["StreamName"] = stream.StreamName,
            ["Arn"] = stream.Arn,
            ["CreationTime"] = stream.CreationTime,
            ["InclusiveStartTime"] = stream.InclusiveStartTime,
            ["DestinationArn"] = stream.DestinationArn,
            ["AggregationEnabled"] = stream.AggregationEnabled,
            ["Format"] = stream.Format.ToString(),
            ["Status"] = stream.Status.ToString(),
            ["NextSequenceNo"] = stream.NextSequenceNo,
            ["CreatedRecordSent"] = stream.CreatedRecordSent,
            ["ConsecutiveFailures"] = stream.ConsecutiveFailures,
        };
        entity["RoleArn"] = stream.RoleArn;
        entity["ErrorCause"] = stream.ErrorCause;
        if (stream.ExclusiveEndTime is { } end)
        {
            entity["ExclusiveEndTime"] = end;
        }

        return entity;
    }

    private static JournalStreamRecord FromEntity(string ledgerName, string streamId, TableEntity entity) => new(
        ledgerName,
        streamId,
        entity.GetString("StreamName")!,
        entity.GetString("Arn")!,
        entity.GetString("RoleArn"),
        entity.GetDateTimeOffset("CreationTime")!.Value,
        entity.GetDateTimeOffset("InclusiveStartTime")!.Value,
        entity.GetDateTimeOffset("ExclusiveEndTime"),
        entity.GetString("DestinationArn")!,
        entity.GetBoolean("AggregationEnabled")!.Value,
        Enum.Parse<StreamRecordFormat>(entity.GetString("Format")!),
        Enum.Parse<JournalStreamStatus>(entity.GetString("Status")!),
        entity.GetString("ErrorCause"),
        entity.GetInt64("NextSequenceNo")!.Value,
        entity.GetBoolean("CreatedRecordSent")!.Value,
        entity.GetInt32("ConsecutiveFailures")!.Value,
        entity.ETag.ToString());
}
