using System.Globalization;
using System.Net.Sockets;
using Ledger.Azure.Core;

namespace Ledger.Azure.Tests.Infrastructure;

/// <summary>
/// The real Azurite that integration tests run against. Ports come from AZURITE_BLOB_PORT / AZURITE_TABLE_PORT
/// (defaults 10000 / 10002). When Azurite does not answer, every test in the collection fails with a clear message:
/// integration tests never skip and never mock storage.
/// </summary>
public sealed class AzuriteFixture
{
    public AzuriteFixture()
    {
        BlobPort = PortFromEnvironment("AZURITE_BLOB_PORT", 10000);
        TablePort = PortFromEnvironment("AZURITE_TABLE_PORT", 10002);
        EnsureAnswers(BlobPort);
        EnsureAnswers(TablePort);
        Connection = StorageConnection.ForDevelopmentStorage(BlobPort, TablePort);
    }

    public int BlobPort { get; }

    public int TablePort { get; }

    public StorageConnection Connection { get; }

    /// <summary>A fresh table or container name, so tests never share state.</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..16];

    private static int PortFromEnvironment(string variable, int defaultPort) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? int.Parse(value, CultureInfo.InvariantCulture)
            : defaultPort;

    private static void EnsureAnswers(int port)
    {
        try
        {
            using var client = new TcpClient();
            if (!client.ConnectAsync("127.0.0.1", port).Wait(TimeSpan.FromSeconds(2)) || !client.Connected)
            {
                throw new SocketException((int)SocketError.TimedOut);
            }
        }
        catch (Exception e) when (e is SocketException or AggregateException)
        {
            throw new InvalidOperationException(
                $"Azurite is not running on 127.0.0.1:{port}; run eng/test.sh or eng/azurite.sh start", e);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
