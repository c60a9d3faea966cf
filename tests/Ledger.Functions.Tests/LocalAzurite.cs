using System.Globalization;
using System.Net.Sockets;

namespace Ledger.Functions.Tests;

/// <summary>The Azurite that eng/test.sh starts; its ports come from AZURITE_*_PORT.</summary>
internal static class LocalAzurite
{
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static int BlobPort => Port("AZURITE_BLOB_PORT", 10000);

    public static int TablePort => Port("AZURITE_TABLE_PORT", 10002);

    public static string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        $"AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>Fails the calling test with instructions when Azurite is not up; storage is never mocked.</summary>
    public static void EnsureRunning()
    {
        foreach (var port in new[] { BlobPort, TablePort })
        {
            using var client = new TcpClient();
            try
            {
                client.Connect("127.0.0.1", port);
            }
            catch (SocketException)
            {
                Assert.Fail($"Azurite is not running on 127.0.0.1:{port}; run eng/test.sh or eng/azurite.sh start.");
            }
        }
    }

    private static int Port(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? port
            : fallback;
}
