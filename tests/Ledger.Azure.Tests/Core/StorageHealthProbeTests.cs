using Ledger.Azure.Blobs;
using Ledger.Azure.Core;
using Ledger.Azure.Tables;
using Ledger.Azure.Tests.Infrastructure;

namespace Ledger.Azure.Tests.Core;

[Collection(AzuriteCollection.Name)]
public sealed class StorageHealthProbeTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Probe_reports_both_services_reachable_on_Azurite()
    {
        var report = await new StorageHealthProbe(azurite.Connection).ProbeAsync();

        Assert.True(report.IsHealthy, $"{report.Table.Error} / {report.Blob.Error}");
        Assert.Equal(200, report.Table.Status);
        Assert.Equal(200, report.Blob.Status);
        Assert.Null(report.Table.Error);
        Assert.True(report.Table.Elapsed > TimeSpan.Zero);
    }

    [Fact]
    public async Task Ping_with_a_wrong_key_reports_the_authorization_failure()
    {
        var wrongKey = new StorageSharedKeyCredential(StorageConnection.DevelopmentAccountName, Convert.ToBase64String(new byte[64]));
        var connection = StorageConnection.FromSharedKey(
            azurite.Connection.BlobEndpoint, azurite.Connection.TableEndpoint, wrongKey);

        var table = await new TableServiceClient(connection).PingAsync();
        var blob = await new BlobServiceClient(connection).PingAsync();

        Assert.False(table.Reachable);
        Assert.Equal(403, table.Status);
        Assert.Contains("AuthorizationFailure", table.Error, StringComparison.Ordinal);
        Assert.False(blob.Reachable);
        Assert.Equal(403, blob.Status);
        Assert.Contains("AuthorizationFailure", blob.Error, StringComparison.Ordinal);
    }
}

public sealed class StorageHealthProbeOfflineTests
{
    [Fact]
    public async Task Probe_of_a_closed_port_reports_unreachable_without_throwing()
    {
        // Port 1 on loopback refuses connections: a network failure, not a storage response.
        var connection = StorageConnection.ForDevelopmentStorage(blobPort: 1, tablePort: 1);

        var report = await new StorageHealthProbe(connection, TimeSpan.FromSeconds(3)).ProbeAsync();

        Assert.False(report.IsHealthy);
        Assert.False(report.Table.Reachable);
        Assert.Null(report.Table.Status);
        Assert.False(string.IsNullOrEmpty(report.Table.Error));
        Assert.False(report.Blob.Reachable);
        Assert.True(report.Blob.Elapsed < TimeSpan.FromSeconds(10));
    }
}
