using System.Collections.Concurrent;
using global::Azure;
using Ledger.Azure.Tables;
using Ledger.Engine.Model;
using Ledger.Engine.Ports;
using Ledger.Ion.Binary;
using Ledger.Journal;
using Ledger.Journal.Tree;
using RedactionTarget = Ledger.Journal.Model.RedactionTarget;

namespace Ledger.Azure.Storage;

/// <summary>
/// The journal on Azure Table: one partition per ledger, row key = the zero-padded sequence number, each block in its
/// storage form (binary Ion of <see cref="JournalBlock.ToIon"/> with system revision data) spread over Binary
/// properties, or in a blob when it does not fit the entity or the append's transaction. An append is one entity group
/// transaction of inserts, so a sequencer that lost its lease gets <see cref="AppendOutcome.SlotTaken"/> and the
/// chain never forks. Tree nodes live in their own table (see <see cref="TableJournalNodeStore"/>).
/// </summary>
public sealed class TableJournalStore : IJournalStore
{
    private const string HashProperty = "Hash";
    private const string BlobProperty = "Blob";
    private const string TipRowKey = "tip";
    private const string TipSizeProperty = "Size";

    // The tip hint is rewritten once the journal crosses a multiple of this; GetTip scans forward from the hint.
    private const long TipHintStride = 256;

    // Ranges up to this many blocks are read row by row: a point read is served from the key, while a range query
    // costs a scan of the partition on Azurite (a GetRevision reads one block).
    private const int PointReadRange = 4;

    private readonly AzureLedgerStorage _storage;

    // The size this instance last appended up to, per ledger: an append that continues it needs no gap check.
    private readonly ConcurrentDictionary<string, long> _appendedSize = new(StringComparer.Ordinal);

    internal TableJournalStore(AzureLedgerStorage storage)
    {
        _storage = storage;
    }

    /// <inheritdoc/>
    public async ValueTask<AppendOutcome> TryAppendAsync(string ledgerName, IReadOnlyList<JournalBlock> blocks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count == 0)
        {
            return AppendOutcome.Appended;
        }

        if (blocks.Count > TableTransaction.MaxOperations)
        {
            throw new ArgumentException($"One append holds at most {TableTransaction.MaxOperations} blocks (one entity group transaction).", nameof(blocks));
        }

        await _storage.EnsureCreatedAsync(cancellationToken);
        var partition = PartitionOf(ledgerName);
        var first = blocks[0].SequenceNo;
        for (var i = 1; i < blocks.Count; i++)
        {
            if (blocks[i].SequenceNo != first + i)
            {
                throw new ArgumentException($"Block {blocks[i].SequenceNo} does not follow {first + i - 1}.", nameof(blocks));
            }
        }

        await EnsureNoGapAsync(ledgerName, partition, first, cancellationToken);

        var transaction = new TableTransaction();
        var overflow = new List<(string Name, byte[] Bytes)>();
        foreach (var block in blocks)
        {
            var bytes = IonBinary.Write(block.ToIon(includeSystemRevisionData: true));
            var entity = BlockEntity(partition, block);
            if (bytes.Length <= EntityChunks.MaxInlineBytes)
            {
                EntityChunks.Write(entity, bytes);
                if (transaction.CanAdd(entity.PartitionKey, entity.RowKey, TableEntityJson.Serialize(entity).Length))
                {
                    transaction.AddEntity(entity);
                    continue;
                }

                EntityChunks.Clear(entity);
            }

            // Too large for the entity, or for what is left of the transaction's 4 MiB: the entity points to a blob.
            var name = NewBlobName(partition, block.SequenceNo);
            entity[BlobProperty] = name;
            overflow.Add((name, bytes));
            transaction.AddEntity(entity);
        }

        await Parallel.ForEachAsync(overflow, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (blob, token) => await _storage.Blocks.GetBlobClient(blob.Name).UploadAsync(BinaryData.FromBytes(blob.Bytes), cancellationToken: token));

        try
        {
            await _storage.Journal.SubmitTransactionAsync(transaction, cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            // A retried transaction may report its own earlier, successful attempt as a conflict: the slots hold our
            // blocks exactly when the last one has our hash (the transaction is all or nothing).
            if (!await HoldsAsync(partition, blocks[^1], cancellationToken))
            {
                await DeleteBlobsAsync(overflow.Select(o => o.Name));
                return AppendOutcome.SlotTaken;
            }
        }

        var size = blocks[^1].SequenceNo + 1;
        _appendedSize[ledgerName] = size;
        if (size / TipHintStride != first / TipHintStride)
        {
            await WriteTipHintAsync(partition, size, cancellationToken);
        }

        return AppendOutcome.Appended;
    }

    /// <inheritdoc/>
    public async ValueTask<BlockPage> ReadBlocksAsync(string ledgerName, long from, long until, int maxBlocks, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBlocks);
        await _storage.EnsureCreatedAsync(cancellationToken);
        if (until <= from)
        {
            return new BlockPage([], null);
        }

        var partition = PartitionOf(ledgerName);
        var entities = Math.Min(until - from, maxBlocks) <= PointReadRange
            ? await PointReadAsync(partition, from, (int)Math.Min(until - from, maxBlocks), cancellationToken)
            : await RangeQueryAsync(partition, from, until, maxBlocks, cancellationToken);
        var blocks = await ReadEntitiesAsync(entities, cancellationToken);
        long? next = null;
        if (blocks.Length == maxBlocks && blocks[^1].SequenceNo + 1 < until)
        {
            var after = blocks[^1].SequenceNo + 1;
            var exists = await _storage.Journal.GetEntityIfExistsAsync(partition, StorageKeys.Number(after), [HashProperty], cancellationToken);
            next = exists.Value is null ? null : after;
        }

        return new BlockPage(blocks, next);
    }

    // Blocks are dense, so the rows of a short range are found by key; the point reads stop at the first missing row.
    private async Task<List<TableEntity>> PointReadAsync(string partition, long from, int count, CancellationToken cancellationToken)
    {
        var reads = new Task<Response<TableEntity?>>[count];
        for (var i = 0; i < count; i++)
        {
            reads[i] = _storage.Journal.GetEntityIfExistsAsync(partition, StorageKeys.Number(from + i), cancellationToken: cancellationToken);
        }

        await Task.WhenAll(reads);
        var entities = new List<TableEntity>(count);
        foreach (var read in reads)
        {
            if ((await read).Value is not { } entity)
            {
                break;
            }

            entities.Add(entity);
        }

        return entities;
    }

    private async Task<List<TableEntity>> RangeQueryAsync(string partition, long from, long until, int maxBlocks, CancellationToken cancellationToken)
    {
        var filter = TableFilter.Create($"PartitionKey eq {partition} and RowKey ge {StorageKeys.Number(from)} and RowKey lt {StorageKeys.Number(until)}");
        var entities = new List<TableEntity>();
        await foreach (var page in _storage.Journal.QueryAsync(filter, Math.Min(maxBlocks, 1000), cancellationToken: cancellationToken).AsPages())
        {
            entities.AddRange(page.Values.Take(maxBlocks - entities.Count));
            if (entities.Count == maxBlocks)
            {
                break;
            }
        }

        return entities;
    }

    /// <inheritdoc/>
    public async ValueTask<JournalTip> GetTipAsync(string ledgerName, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        var partition = PartitionOf(ledgerName);
        var hint = (await _storage.Journal.GetEntityIfExistsAsync(partition, TipRowKey, cancellationToken: cancellationToken)).Value?.GetInt64(TipSizeProperty) ?? 0;

        // Blocks are dense and only ever added, so the last row at or after the hint is the tip.
        var filter = TableFilter.Create($"PartitionKey eq {partition} and RowKey ge {StorageKeys.Number(Math.Max(0, hint - 1))} and RowKey lt {TipRowKey}");
        TableEntity? last = null;
        await foreach (var entity in _storage.Journal.QueryAsync(filter, 1000, [HashProperty], cancellationToken))
        {
            last = entity;
        }

        return last is null
            ? new JournalTip(0, null)
            : new JournalTip(StorageKeys.ParseNumber(last.RowKey) + 1, new Hash32(last.GetBinaryData(HashProperty)!.ToMemory().Span));
    }

    /// <inheritdoc/>
    public IJournalNodeStore Nodes(string ledgerName) => new TableJournalNodeStore(_storage, PartitionOf(ledgerName));

    /// <inheritdoc/>
    public async ValueTask AddNodesAsync(string ledgerName, IReadOnlyList<JournalNode> nodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Count == 0)
        {
            return;
        }

        await _storage.EnsureCreatedAsync(cancellationToken);
        var partition = PartitionOf(ledgerName);
        await TableBatches.UpsertAllAsync(_storage.Nodes, nodes.Select(n => TableJournalNodeStore.Entity(partition, n)), cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask RedactRevisionAsync(string ledgerName, RedactionTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        await _storage.EnsureCreatedAsync(cancellationToken);
        var partition = PartitionOf(ledgerName);
        while (true)
        {
            var stored = (await _storage.Journal.GetEntityIfExistsAsync(partition, StorageKeys.Number(target.SequenceNo), cancellationToken: cancellationToken)).Value;
            if (stored is null)
            {
                return;
            }

            var block = await ReadEntityAsync(stored, cancellationToken);
            var redacted = block.Redact(target);
            if (ReferenceEquals(redacted, block))
            {
                return;
            }

            var bytes = IonBinary.Write(redacted.ToIon(includeSystemRevisionData: true));
            var entity = BlockEntity(partition, redacted);
            string? newBlob = null;
            if (bytes.Length <= EntityChunks.MaxInlineBytes)
            {
                EntityChunks.Write(entity, bytes);
            }
            else
            {
                newBlob = NewBlobName(partition, redacted.SequenceNo);
                entity[BlobProperty] = newBlob;
                await _storage.Blocks.GetBlobClient(newBlob).UploadAsync(BinaryData.FromBytes(bytes), cancellationToken: cancellationToken);
            }

            try
            {
                await _storage.Journal.UpdateEntityAsync(entity, stored.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Someone else rewrote the block meanwhile (the same redaction, repeated by a recovering sequencer).
                await DeleteBlobsAsync(newBlob is null ? [] : [newBlob]);
                continue;
            }

            await DeleteBlobsAsync(stored.GetString(BlobProperty) is { } oldBlob ? [oldBlob] : []);
            return;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DeleteJournalAsync(string ledgerName, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        var partition = PartitionOf(ledgerName);
        _appendedSize.TryRemove(ledgerName, out _);
        await TableBatches.DeleteWhereAsync(_storage.Journal, TableFilter.Create($"PartitionKey eq {partition}"), cancellationToken);
        await TableBatches.DeleteWhereAsync(_storage.Nodes, TableFilter.Create($"PartitionKey eq {partition}"), cancellationToken);
        var blobs = new List<string>();
        await foreach (var blob in _storage.Blocks.GetBlobsAsync(partition + "/", cancellationToken: cancellationToken))
        {
            blobs.Add(blob.Name);
        }

        await DeleteBlobsAsync(blobs);
    }

    internal static string PartitionOf(string ledgerName) => StorageKeys.Escape(ledgerName);

    private static TableEntity BlockEntity(string partition, JournalBlock block)
    {
        var entity = new TableEntity(partition, StorageKeys.Number(block.SequenceNo));
        entity[HashProperty] = block.Hashes.BlockHash.ToArray();
        return entity;
    }

    // Unique per write so that a losing racer or a redaction never overwrites a blob another entity points to.
    private static string NewBlobName(string partition, long sequenceNo) => $"{partition}/{StorageKeys.Number(sequenceNo)}/{Guid.NewGuid():N}";

    private async Task EnsureNoGapAsync(string ledgerName, string partition, long first, CancellationToken cancellationToken)
    {
        if (first == 0 || (_appendedSize.TryGetValue(ledgerName, out var size) && size == first))
        {
            return;
        }

        // A slot once written stays written, so checking the previous one before the transaction is enough.
        var previous = await _storage.Journal.GetEntityIfExistsAsync(partition, StorageKeys.Number(first - 1), [HashProperty], cancellationToken);
        if (previous.Value is null)
        {
            throw new InvalidOperationException($"Block {first} would leave a gap in the journal of {ledgerName}.");
        }
    }

    private async Task<bool> HoldsAsync(string partition, JournalBlock block, CancellationToken cancellationToken)
    {
        var stored = await _storage.Journal.GetEntityIfExistsAsync(partition, StorageKeys.Number(block.SequenceNo), [HashProperty], cancellationToken);
        return stored.Value?.GetBinaryData(HashProperty) is { } hash && new Hash32(hash.ToMemory().Span) == block.Hashes.BlockHash;
    }

    private async Task WriteTipHintAsync(string partition, long size, CancellationToken cancellationToken)
    {
        var hint = new TableEntity(partition, TipRowKey) { [TipSizeProperty] = size };
        try
        {
            await _storage.Journal.UpsertEntityAsync(hint, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException)
        {
            // Only a hint: the blocks are durable, and GetTip scans forward from an older hint just as well.
        }
    }

    private async Task<JournalBlock[]> ReadEntitiesAsync(List<TableEntity> entities, CancellationToken cancellationToken)
    {
        var blocks = new JournalBlock[entities.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, entities.Count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, token) => blocks[i] = await ReadEntityAsync(entities[i], token));
        return blocks;
    }

    internal async Task<JournalBlock> ReadEntityAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var bytes = entity.GetString(BlobProperty) is { } blob
            ? (await _storage.Blocks.GetBlobClient(blob).DownloadContentAsync(cancellationToken: cancellationToken)).Value.Content.ToMemory()
            : EntityChunks.Read(entity);
        return JournalBlock.FromStorageIon(IonBinary.Read(bytes.Span));
    }

    private async Task DeleteBlobsAsync(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            try
            {
                await _storage.Blocks.GetBlobClient(name).DeleteIfExistsAsync();
            }
            catch (RequestFailedException)
            {
                // An orphaned overflow blob is only wasted space: no entity points to it.
            }
        }
    }
}
