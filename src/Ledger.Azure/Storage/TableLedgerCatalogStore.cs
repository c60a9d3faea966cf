using System.Text;
using System.Text.Json;
using global::Azure;
using Ledger.Azure.Tables;
using Ledger.Engine.Ports;

namespace Ledger.Azure.Storage;

/// <summary>
/// The ledger records on Azure Table: one partition, row key = the escaped ledger name. Create is an insert (409 when
/// the name is taken), update and delete are conditional on the record's ETag.
/// </summary>
public sealed class TableLedgerCatalogStore : ILedgerCatalogStore
{
    private const string Partition = "ledgers";

    private readonly AzureLedgerStorage _storage;

    internal TableLedgerCatalogStore(AzureLedgerStorage storage)
    {
        _storage = storage;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryCreateAsync(LedgerRecord ledger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        await _storage.EnsureCreatedAsync(cancellationToken);
        try
        {
            await _storage.Ledgers.AddEntityAsync(ToEntity(ledger), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<LedgerRecord?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        var entity = (await _storage.Ledgers.GetEntityIfExistsAsync(Partition, StorageKeys.Escape(name), cancellationToken: cancellationToken)).Value;
        return entity is null ? null : FromEntity(entity);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryUpdateAsync(LedgerRecord ledger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        if (ledger.ETag is null)
        {
            return false;
        }

        await _storage.EnsureCreatedAsync(cancellationToken);
        try
        {
            await _storage.Ledgers.UpdateEntityAsync(ToEntity(ledger), new ETag(ledger.ETag), TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryDeleteAsync(LedgerRecord ledger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        if (ledger.ETag is null)
        {
            return false;
        }

        await _storage.EnsureCreatedAsync(cancellationToken);
        try
        {
            return (await _storage.Ledgers.DeleteEntityAsync(Partition, StorageKeys.Escape(ledger.Name), new ETag(ledger.ETag), cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<LedgerPage> ListAsync(int maxResults, string? nextToken, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxResults);
        await _storage.EnsureCreatedAsync(cancellationToken);

        // The token is the last row key listed (base64, so that it is opaque and header-safe).
        var filter = nextToken is null
            ? TableFilter.Create($"PartitionKey eq {Partition}")
            : TableFilter.Create($"PartitionKey eq {Partition} and RowKey gt {Encoding.UTF8.GetString(Convert.FromBase64String(nextToken))}");
        var ledgers = new List<TableEntity>();
        await foreach (var entity in _storage.Ledgers.QueryAsync(filter, Math.Min(maxResults + 1, 1000), cancellationToken: cancellationToken))
        {
            ledgers.Add(entity);
            if (ledgers.Count > maxResults)
            {
                break;
            }
        }

        var token = ledgers.Count > maxResults ? Convert.ToBase64String(Encoding.UTF8.GetBytes(ledgers[maxResults - 1].RowKey)) : null;
        return new LedgerPage(ledgers.Take(maxResults).Select(FromEntity).ToList(), token);
    }

    private static TableEntity ToEntity(LedgerRecord ledger) => new(Partition, StorageKeys.Escape(ledger.Name))
    {
        ["Name"] = ledger.Name,
        ["State"] = ledger.State.ToString(),
        ["CreationDateTime"] = ledger.CreationDateTime,
        ["PermissionsMode"] = ledger.PermissionsMode,
        ["DeletionProtection"] = ledger.DeletionProtection,
        ["StrandId"] = ledger.StrandId,

        // At most 50 tags of 128 + 256 characters: well within one 32K-character string property.
        ["Tags"] = ledger.Tags is null ? null : JsonSerializer.Serialize(ledger.Tags),
    };

    private static LedgerRecord FromEntity(TableEntity entity) => new(
        entity.GetString("Name")!,
        Enum.Parse<LedgerState>(entity.GetString("State")!),
        entity.GetDateTimeOffset("CreationDateTime")!.Value,
        entity.GetString("PermissionsMode")!,
        entity.GetBoolean("DeletionProtection")!.Value,
        entity.GetString("StrandId")!,
        entity.ETag.ToString(),
        entity.GetString("Tags") is { } tags ? JsonSerializer.Deserialize<Dictionary<string, string>>(tags) : null);
}
