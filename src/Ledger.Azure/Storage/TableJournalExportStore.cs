using System.Text.Json;
using global::Azure;
using Ledger.Azure.Core;
using Ledger.Azure.Tables;
using Ledger.Engine.Ports;

namespace Ledger.Azure.Storage;

/// <summary>
/// Export definitions and checkpoints on Azure Table (<c>&lt;prefix&gt;Exports</c>): partition = the escaped ledger
/// name, row = export id. Create is an insert (409 when the id is taken), update is conditional on the ETag. The keys
/// written so far travel as UTF-8 JSON in chunked Binary properties, so an export of many objects still fits one entity.
/// </summary>
public sealed class TableJournalExportStore : IJournalExportStore
{
    private readonly TableClient _table;
    private readonly Lock _gate = new();
    private Task? _ready;

    /// <summary>Creates the store; the table is created on first use.</summary>
    public TableJournalExportStore(StorageConnection connection, AzureStorageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new AzureStorageOptions();
        options.Validate();
        _table = new TableServiceClient(connection).GetTableClient(options.Prefix + "Exports");
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryCreateAsync(JournalExportRecord export, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(export);
        await EnsureCreatedAsync(cancellationToken);
        try
        {
            await _table.AddEntityAsync(ToEntity(export), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<JournalExportRecord?> GetAsync(string ledgerName, string exportId, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken);
        var entity = (await _table.GetEntityIfExistsAsync(StorageKeys.Escape(ledgerName), StorageKeys.Escape(exportId), cancellationToken: cancellationToken)).Value;
        return entity is null ? null : FromEntity(entity);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<JournalExportRecord>> ListAsync(string ledgerName, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken);
        var exports = new List<JournalExportRecord>();
        await foreach (var entity in _table.QueryAsync(TableFilter.Create($"PartitionKey eq {StorageKeys.Escape(ledgerName)}"), cancellationToken: cancellationToken))
        {
            exports.Add(FromEntity(entity));
        }

        // Row keys are random ids: creation order comes from the creation time.
        return [.. exports.OrderBy(e => e.ExportCreationTime).ThenBy(e => e.ExportId, StringComparer.Ordinal)];
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryUpdateAsync(JournalExportRecord export, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(export);
        if (export.ETag is null)
        {
            return false;
        }

        await EnsureCreatedAsync(cancellationToken);
        try
        {
            await _table.UpdateEntityAsync(ToEntity(export), new ETag(export.ETag), TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>Deletes the table (tests clean up with it).</summary>
    public async Task DeleteTableAsync(CancellationToken cancellationToken = default) => await _table.DeleteAsync(cancellationToken);

    private Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                _ready = _table.CreateIfNotExistsAsync(cancellationToken);
            }

            return _ready;
        }
    }

    private static TableEntity ToEntity(JournalExportRecord export)
    {
        var entity = new TableEntity(StorageKeys.Escape(export.LedgerName), StorageKeys.Escape(export.ExportId))
        {
            ["LedgerName"] = export.LedgerName,
            ["ExportId"] = export.ExportId,
            ["ExportCreationTime"] = export.ExportCreationTime,
            ["InclusiveStartTime"] = export.InclusiveStartTime,
            ["ExclusiveEndTime"] = export.ExclusiveEndTime,
            ["Bucket"] = export.Bucket,
            ["Prefix"] = export.Prefix,
            ["EncryptionType"] = export.EncryptionType,
            ["KmsKeyArn"] = export.KmsKeyArn,
            ["RoleArn"] = export.RoleArn,
            ["OutputFormat"] = export.OutputFormat?.ToString(),
            ["Status"] = export.Status.ToString(),
            ["StrandId"] = export.StrandId,
            ["StartedManifestWritten"] = export.StartedManifestWritten,
            ["NextSequenceNo"] = export.NextSequenceNo,
            ["BytesWritten"] = export.BytesWritten,
        };
        EntityChunks.Write(entity, JsonSerializer.SerializeToUtf8Bytes(export.Keys));
        return entity;
    }

    private static JournalExportRecord FromEntity(TableEntity entity) => new(
        entity.GetString("LedgerName")!,
        entity.GetString("ExportId")!,
        entity.GetDateTimeOffset("ExportCreationTime")!.Value,
        entity.GetDateTimeOffset("InclusiveStartTime")!.Value,
        entity.GetDateTimeOffset("ExclusiveEndTime")!.Value,
        entity.GetString("Bucket")!,
        entity.GetString("Prefix") ?? string.Empty,
        entity.GetString("EncryptionType")!,
        entity.GetString("KmsKeyArn"),
        entity.GetString("RoleArn"),
        entity.GetString("OutputFormat") is { } format ? Enum.Parse<JournalExportFormat>(format) : null,
        Enum.Parse<JournalExportStatus>(entity.GetString("Status")!),
        entity.GetString("StrandId")!,
        entity.GetBoolean("StartedManifestWritten") ?? false,
        entity.GetInt64("NextSequenceNo"),
        JsonSerializer.Deserialize<List<string>>(EntityChunks.Read(entity)) ?? [],
        entity.GetInt64("BytesWritten") ?? 0,
        entity.ETag.ToString());
}
