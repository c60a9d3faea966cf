using global::Azure;
using Ledger.Azure.Blobs;
using Ledger.Azure.Tests.Infrastructure;

namespace Ledger.Azure.Tests.Blobs;

[Collection(AzuriteCollection.Name)]
public sealed class BlobClientAzuriteTests(AzuriteFixture azurite)
{
    private async Task<BlobContainerClient> NewContainerAsync()
    {
        var container = new BlobServiceClient(azurite.Connection).GetBlobContainerClient(AzuriteFixture.UniqueName("c-"));
        Assert.True((await container.CreateIfNotExistsAsync()).Value);
        return container;
    }

    [Fact]
    public async Task Container_create_if_not_exists_absorbs_409_and_create_reports_ContainerAlreadyExists()
    {
        var container = await NewContainerAsync();

        var again = await container.CreateIfNotExistsAsync();
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => container.CreateAsync());

        Assert.False(again.Value);
        Assert.Equal(409, error.Status);
        Assert.Equal("ContainerAlreadyExists", error.ErrorCode);
        Assert.True((await container.DeleteIfExistsAsync()).Value);
        Assert.False((await container.DeleteIfExistsAsync()).Value);
    }

    [Fact]
    public async Task Upload_if_none_match_creates_once_then_reports_BlobAlreadyExists()
    {
        var blob = (await NewContainerAsync()).GetBlobClient("dir/odd name + 'ü' (1).bin");
        var createOnly = new BlobRequestConditions { IfNoneMatch = ETag.All };

        var created = await blob.UploadAsync(BinaryData.FromString("first"), createOnly, "text/plain", new Dictionary<string, string> { ["kind"] = "test" });
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("second"), createOnly));
        var download = (await blob.DownloadContentAsync()).Value;
        var properties = (await blob.GetPropertiesAsync()).Value;

        Assert.Equal(409, error.Status);
        Assert.Equal("BlobAlreadyExists", error.ErrorCode);
        Assert.Equal("first", download.Content.ToString());
        Assert.Equal(created.Value.ETag, download.ETag);
        Assert.Equal("text/plain", properties.ContentType);
        Assert.Equal(5, properties.ContentLength);
        Assert.Equal(BlobType.Block, properties.BlobType);
        Assert.Equal("test", properties.Metadata["kind"]);
    }

    [Fact]
    public async Task Upload_if_match_overwrites_the_version_read_and_fails_412_when_stale()
    {
        var blob = (await NewContainerAsync()).GetBlobClient("b");
        var first = (await blob.UploadAsync(BinaryData.FromString("v1"))).Value.ETag;

        var second = (await blob.UploadAsync(BinaryData.FromString("v2"), new BlobRequestConditions { IfMatch = first })).Value.ETag;
        var stale = await Assert.ThrowsAsync<RequestFailedException>(
            () => blob.UploadAsync(BinaryData.FromString("v3"), new BlobRequestConditions { IfMatch = first }));

        Assert.NotEqual(first, second);
        Assert.Equal(412, stale.Status);
        Assert.Equal("ConditionNotMet", stale.ErrorCode);
        Assert.Equal("v2", (await blob.DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task Ranges_return_the_slice_and_the_total_length_and_416_beyond_the_end()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("r");
        await blob.UploadAsync(BinaryData.FromString("0123456789"));

        var middle = (await blob.DownloadContentAsync(new HttpRange(2, 3))).Value;
        var tail = (await blob.DownloadContentAsync(new HttpRange(7))).Value;
        var beyond = await Assert.ThrowsAsync<RequestFailedException>(() => blob.DownloadContentAsync(new HttpRange(50, 2)));
        var missing = await Assert.ThrowsAsync<RequestFailedException>(
            () => container.GetBlobClient("nope").DownloadContentAsync());

        Assert.Equal("234", middle.Content.ToString());
        Assert.Equal(10, middle.BlobLength);
        Assert.Equal("bytes 2-4/10", middle.ContentRange);
        Assert.Equal("789", tail.Content.ToString());
        Assert.Equal(416, beyond.Status);
        Assert.Equal("InvalidRange", beyond.ErrorCode);
        Assert.Equal(404, missing.Status);
        Assert.Equal("BlobNotFound", missing.ErrorCode);
    }

    [Fact]
    public async Task Staged_blocks_commit_in_the_listed_order()
    {
        var blob = (await NewContainerAsync()).GetBlobClient("blocks");
        var ids = Enumerable.Range(0, 3).Select(i => BlobClient.BlockIdFromIndex(i)).ToList();
        await blob.StageBlockAsync(ids[0], BinaryData.FromString("a"));
        await blob.StageBlockAsync(ids[1], BinaryData.FromString("b"));
        await blob.StageBlockAsync(ids[2], BinaryData.FromString("c"));

        var committed = await blob.CommitBlockListAsync([ids[2], ids[0], ids[1]], new BlobRequestConditions { IfNoneMatch = ETag.All }, "application/octet-stream");

        Assert.Equal("cab", (await blob.DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal(committed.Value.ETag, (await blob.GetPropertiesAsync()).Value.ETag);
        Assert.Equal("application/octet-stream", (await blob.GetPropertiesAsync()).Value.ContentType);
    }

    [Fact]
    public async Task Append_blob_enforces_position_and_max_size_conditions()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("log");
        Assert.True((await blob.CreateAppendBlobIfNotExistsAsync()).Value);
        Assert.False((await blob.CreateAppendBlobIfNotExistsAsync()).Value);

        var first = (await blob.AppendBlockAsync(BinaryData.FromString("abc"), new AppendBlobRequestConditions { IfAppendPositionEqual = 0 })).Value;
        var second = (await blob.AppendBlockAsync(BinaryData.FromString("de"), new AppendBlobRequestConditions { IfAppendPositionEqual = 3, IfMaxSizeLessThanOrEqual = 5 })).Value;
        var wrongPosition = await Assert.ThrowsAsync<RequestFailedException>(
            () => blob.AppendBlockAsync(BinaryData.FromString("x"), new AppendBlobRequestConditions { IfAppendPositionEqual = 3 }));
        var tooBig = await Assert.ThrowsAsync<RequestFailedException>(
            () => blob.AppendBlockAsync(BinaryData.FromString("x"), new AppendBlobRequestConditions { IfMaxSizeLessThanOrEqual = 5 }));
        await container.GetBlobClient("block").UploadAsync(BinaryData.FromString("z"));
        var notAppend = await Assert.ThrowsAsync<RequestFailedException>(
            () => container.GetBlobClient("block").AppendBlockAsync(BinaryData.FromString("x")));

        Assert.Equal(0, first.AppendOffset);
        Assert.Equal(3, second.AppendOffset);
        Assert.Equal(2, second.CommittedBlockCount);
        Assert.Equal((412, "AppendPositionConditionNotMet"), (wrongPosition.Status, wrongPosition.ErrorCode));
        Assert.Equal((412, "MaxBlobSizeConditionNotMet"), (tooBig.Status, tooBig.ErrorCode));
        Assert.Equal((409, "InvalidBlobType"), (notAppend.Status, notAppend.ErrorCode));
        Assert.Equal("abcde", (await blob.DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal(BlobType.Append, (await blob.GetPropertiesAsync()).Value.BlobType);
    }

    [Fact]
    public async Task Listing_pages_with_markers_and_collapses_prefixes_with_a_delimiter()
    {
        var container = await NewContainerAsync();
        foreach (var name in new[] { "a/1", "a/2", "a/3", "a/sub/4", "a/sub/5", "b/6" })
        {
            await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(name));
        }

        var pages = new List<Page<BlobItem>>();
        await foreach (var page in container.GetBlobsAsync(prefix: "a/", pageSize: 2).AsPages())
        {
            pages.Add(page);
        }
        var resumed = new List<string>();
        await foreach (var page in container.GetBlobsAsync(prefix: "a/", pageSize: 2).AsPages(pages[0].ContinuationToken))
        {
            resumed.AddRange(page.Values.Select(i => i.Name));
        }
        var hierarchy = new List<BlobItem>();
        await foreach (var item in container.GetBlobsAsync(prefix: "a/", delimiter: "/"))
        {
            hierarchy.Add(item);
        }

        Assert.Equal(3, pages.Count);
        Assert.Null(pages[^1].ContinuationToken);
        Assert.Equal(["a/1", "a/2", "a/3", "a/sub/4", "a/sub/5"], pages.SelectMany(p => p.Values).Select(i => i.Name));
        Assert.Equal(["a/3", "a/sub/4", "a/sub/5"], resumed);
        Assert.All(pages.SelectMany(p => p.Values), i => Assert.Equal(i.Name.Length, i.ContentLength));
        Assert.Equal(["a/1", "a/2", "a/3", "a/sub/"], hierarchy.Select(i => i.Name));
        Assert.True(hierarchy[^1].IsPrefix);
        Assert.False(hierarchy[0].IsPrefix);
        Assert.Equal((await container.GetBlobClient("a/1").GetPropertiesAsync()).Value.ETag, hierarchy[0].ETag);
    }

    [Fact]
    public async Task Delete_if_exists_and_exists_report_missing_blobs_as_results()
    {
        var blob = (await NewContainerAsync()).GetBlobClient("gone");
        await blob.UploadAsync(BinaryData.FromString("x"));

        Assert.True((await blob.ExistsAsync()).Value);
        Assert.True((await blob.DeleteIfExistsAsync()).Value);
        Assert.False((await blob.DeleteIfExistsAsync()).Value);
        Assert.False((await blob.ExistsAsync()).Value);
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => blob.DeleteAsync());
        Assert.Equal((404, "BlobNotFound"), (error.Status, error.ErrorCode));
    }

    [Fact]
    public async Task Lease_lifecycle_guards_writes_and_reports_conflicts()
    {
        var blob = (await NewContainerAsync()).GetBlobClient("lock");
        await blob.UploadAsync(BinaryData.FromString("state"));
        var holder = blob.GetBlobLeaseClient();
        var rival = blob.GetBlobLeaseClient();

        var acquired = (await holder.AcquireAsync(TimeSpan.FromSeconds(15))).Value;
        var leased = (await blob.GetPropertiesAsync()).Value;
        var alreadyPresent = await Assert.ThrowsAsync<RequestFailedException>(() => rival.AcquireAsync(TimeSpan.FromSeconds(15)));
        var reacquired = (await holder.AcquireAsync(TimeSpan.FromSeconds(20))).Value;
        var missingId = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("x")));
        var wrongId = await Assert.ThrowsAsync<RequestFailedException>(
            () => blob.UploadAsync(BinaryData.FromString("x"), new BlobRequestConditions { LeaseId = rival.LeaseId }));
        await blob.UploadAsync(BinaryData.FromString("guarded"), new BlobRequestConditions { LeaseId = holder.LeaseId });
        await holder.RenewAsync();
        var rivalRenew = await Assert.ThrowsAsync<RequestFailedException>(() => rival.RenewAsync());
        var newId = Guid.NewGuid().ToString("D");
        var changed = (await holder.ChangeAsync(newId)).Value;
        await blob.UploadAsync(BinaryData.FromString("after change"), new BlobRequestConditions { LeaseId = newId });
        await holder.ReleaseAsync();
        var released = (await blob.GetPropertiesAsync()).Value;

        Assert.Equal(holder.LeaseId, changed.LeaseId);
        Assert.Equal(newId, holder.LeaseId);
        Assert.NotEqual(acquired.LeaseId, changed.LeaseId);
        Assert.Equal(acquired.LeaseId, reacquired.LeaseId);
        Assert.Equal((LeaseState.Leased, LeaseStatus.Locked, LeaseDurationType.Fixed), (leased.LeaseState, leased.LeaseStatus, leased.LeaseDuration));
        Assert.Equal((409, "LeaseAlreadyPresent"), (alreadyPresent.Status, alreadyPresent.ErrorCode));
        Assert.Equal((412, "LeaseIdMissing"), (missingId.Status, missingId.ErrorCode));
        Assert.Equal((412, "LeaseIdMismatchWithBlobOperation"), (wrongId.Status, wrongId.ErrorCode));
        Assert.Equal(409, rivalRenew.Status);
        Assert.StartsWith("Lease", rivalRenew.ErrorCode, StringComparison.Ordinal);
        Assert.Equal((LeaseState.Available, LeaseStatus.Unlocked), (released.LeaseState, released.LeaseStatus));
        Assert.Equal("after change", (await blob.DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task Break_ends_a_lease_so_a_rival_can_acquire()
    {
        var blob = (await NewContainerAsync()).GetBlobClient("lock");
        await blob.UploadAsync(BinaryData.FromString("state"));
        var holder = blob.GetBlobLeaseClient();
        await holder.AcquireAsync(BlobLeaseClient.InfiniteLeaseDuration);

        var broken = (await blob.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero)).Value;
        var state = (await blob.GetPropertiesAsync()).Value.LeaseState;
        var rival = blob.GetBlobLeaseClient();
        await rival.AcquireAsync(TimeSpan.FromSeconds(60));
        var holderWrite = await Assert.ThrowsAsync<RequestFailedException>(
            () => blob.UploadAsync(BinaryData.FromString("stale"), new BlobRequestConditions { LeaseId = holder.LeaseId }));

        Assert.Equal(TimeSpan.Zero, broken.LeaseTime);
        Assert.Equal(LeaseState.Broken, state);
        Assert.Equal((412, "LeaseIdMismatchWithBlobOperation"), (holderWrite.Status, holderWrite.ErrorCode));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => holder.AcquireAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Breaking_lease_blocks_rivals_until_the_break_period_ends()
    {
        var blob = (await NewContainerAsync()).GetBlobClient("lock");
        await blob.UploadAsync(BinaryData.FromString("state"));
        await blob.GetBlobLeaseClient().AcquireAsync(TimeSpan.FromSeconds(60));

        var breaking = (await blob.GetBlobLeaseClient().BreakAsync(TimeSpan.FromSeconds(30))).Value;
        var state = (await blob.GetPropertiesAsync()).Value.LeaseState;
        var rival = await Assert.ThrowsAsync<RequestFailedException>(() => blob.GetBlobLeaseClient().AcquireAsync(TimeSpan.FromSeconds(15)));

        Assert.InRange(breaking.LeaseTime!.Value, TimeSpan.FromSeconds(28), TimeSpan.FromSeconds(30));
        Assert.Equal(LeaseState.Breaking, state);
        Assert.Equal(409, rival.Status);
        Assert.StartsWith("Lease", rival.ErrorCode, StringComparison.Ordinal);
    }
}
