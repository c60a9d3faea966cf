using Ledger.Azure.Tables;

namespace Ledger.Azure.Storage;

/// <summary>
/// Where a session's transaction state (snapshot and statements) lives: inline in the session entity when it fits
/// (<see cref="EntityChunks.MaxInlineBytes"/>), otherwise in a blob the entity names. A transaction may write up to
/// 4 MiB, more than one Table entity holds (1 MiB), so a big transaction must not fail or lose its state.
/// Each spill gets a new blob name, so a conditional entity update that loses its race never overwrites the state
/// the winning writer's entity points to; the blobs of a session are deleted with it.
/// </summary>
internal sealed class SessionStateStorage(AzureLedgerStorage storage)
{
    private const string BlobProperty = "StateBlob";

    // '_' cannot appear in a ledger name, so these never collide with a ledger's block blobs in the same container.
    private const string Folder = "_sessions/";

    public async Task WriteAsync(TableEntity entity, string sessionToken, ReadOnlyMemory<byte> state, CancellationToken cancellationToken)
    {
        if (state.Length <= EntityChunks.MaxInlineBytes)
        {
            EntityChunks.Write(entity, state);
            return;
        }

        var name = Prefix(sessionToken) + Guid.NewGuid().ToString("N");
        await storage.Blocks.GetBlobClient(name).UploadAsync(new BinaryData(state), cancellationToken: cancellationToken);
        entity[BlobProperty] = name;
    }

    public async Task<byte[]?> ReadAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        if (entity.GetString(BlobProperty) is { } name)
        {
            return (await storage.Blocks.GetBlobClient(name).DownloadContentAsync(cancellationToken: cancellationToken)).Value.Content.ToArray();
        }

        return EntityChunks.IsPresent(entity) ? EntityChunks.Read(entity) : null;
    }

    /// <summary>Deletes every spilled state of the session (current and superseded).</summary>
    public async Task DeleteAllAsync(string sessionToken, CancellationToken cancellationToken)
    {
        await foreach (var blob in storage.Blocks.GetBlobsAsync(Prefix(sessionToken), cancellationToken: cancellationToken))
        {
            await storage.Blocks.GetBlobClient(blob.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
    }

    /// <summary>Deletes every spilled state, of any session, last modified before <paramref name="modifiedBefore"/>.</summary>
    public async Task DeleteModifiedBeforeAsync(DateTimeOffset modifiedBefore, CancellationToken cancellationToken)
    {
        await foreach (var blob in storage.Blocks.GetBlobsAsync(Folder, cancellationToken: cancellationToken))
        {
            if (blob.LastModified is { } modified && modified < modifiedBefore)
            {
                await storage.Blocks.GetBlobClient(blob.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            }
        }
    }

    private static string Prefix(string sessionToken) => Folder + StorageKeys.Escape(sessionToken) + "/";
}
