using Ledger.Azure.Storage;
using Ledger.Azure.Tests.Infrastructure;
using Ledger.Engine.Ports;

namespace Ledger.Azure.Tests.Streams;

/// <summary>The stream store on a real Azurite: round trips, ETag-guarded checkpoints, listing in creation order.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableJournalStreamStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly TableJournalStreamStore _store = new(azurite.Connection, new AzureStorageOptions(AzuriteFixture.UniqueName("s")));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _store.DeleteTableAsync();

    [Fact]
    public async Task A_stream_round_trips_with_every_field_and_ids_are_unique_per_ledger()
    {
        var stream = Sample("ledger/one", "S1", DateTimeOffset.UnixEpoch.AddDays(1)) with
        {
            ExclusiveEndTime = DateTimeOffset.UnixEpoch.AddDays(2),
            RoleArn = "arn:aws:iam::1:role/r",
            ErrorCause = StreamErrorCauses.PermissionRevoked,
            Status = JournalStreamStatus.Impaired,
            Format = StreamRecordFormat.Json,
        };

        Assert.True(await _store.TryCreateAsync(stream));
        Assert.False(await _store.TryCreateAsync(stream));
        Assert.True(await _store.TryCreateAsync(stream with { LedgerName = "other" }));
        var read = await _store.GetAsync("ledger/one", "S1");

        Assert.Equal(stream, read! with { ETag = null });
        Assert.NotNull(read.ETag);
        Assert.Null(await _store.GetAsync("ledger/one", "S2"));
    }

    [Fact]
    public async Task Only_the_writer_holding_the_current_etag_moves_the_checkpoint()
    {
        await _store.TryCreateAsync(Sample("l", "S1", DateTimeOffset.UnixEpoch));
        var seenByA = (await _store.GetAsync("l", "S1"))!;
        var seenByB = (await _store.GetAsync("l", "S1"))!;

        Assert.True(await _store.TryUpdateAsync(seenByA with { NextSequenceNo = 10 }));
        Assert.False(await _store.TryUpdateAsync(seenByB with { NextSequenceNo = 5 }));
        Assert.False(await _store.TryUpdateAsync(seenByB with { ETag = null }));
        Assert.Equal(10, (await _store.GetAsync("l", "S1"))!.NextSequenceNo);
    }

    [Fact]
    public async Task A_ledger_lists_its_streams_in_creation_order()
    {
        foreach (var (id, day) in new[] { ("Zed", 1), ("Abe", 3), ("Mid", 2) })
        {
            await _store.TryCreateAsync(Sample("l", id, DateTimeOffset.UnixEpoch.AddDays(day)));
        }

        await _store.TryCreateAsync(Sample("other", "X", DateTimeOffset.UnixEpoch));

        Assert.Equal(["Zed", "Mid", "Abe"], (await _store.ListAsync("l")).Select(s => s.StreamId));
        Assert.Empty(await _store.ListAsync("nobody"));
    }

    private static JournalStreamRecord Sample(string ledger, string id, DateTimeOffset created) => new(
        ledger, id, "name", $"arn:aws:qldb:us-east-1:0:stream/{ledger}/{id}", null, created, created, null,
        "arn:aws:kinesis:us-east-1:0:stream/hub", true, StreamRecordFormat.IonBinary, JournalStreamStatus.Active, null, 0, false, 0);
}
