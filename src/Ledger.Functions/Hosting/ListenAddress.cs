using System.Globalization;
using System.Net;

namespace Ledger.Functions.Hosting;

/// <summary>Decides where Kestrel listens: the Functions host's port when it starts us, else the local URL.</summary>
public static class ListenAddress
{
    /// <summary>The variable the Functions host sets to the loopback port it will call.</summary>
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <summary>
    /// Resolves the endpoint. The custom-handler port wins over everything else (including ASPNETCORE_URLS),
    /// because the host only ever calls 127.0.0.1 on the port it chose.
    /// </summary>
    /// <exception cref="InvalidOperationException">The port variable or the local URL is malformed.</exception>
    public static IPEndPoint Resolve(string? customHandlerPort, string localUrl)
    {
        if (!string.IsNullOrWhiteSpace(customHandlerPort))
        {
            if (!int.TryParse(customHandlerPort, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                || port is < 1 or > 65535)
            {
                throw new InvalidOperationException(
                    $"{CustomHandlerPortVariable} must be a TCP port number (1-65535), not '{customHandlerPort}'.");
            }

            return new IPEndPoint(IPAddress.Loopback, port);
        }

        if (!Uri.TryCreate(localUrl, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new InvalidOperationException($"Ledger:LocalUrl must be an absolute http URL, not '{localUrl}'.");
        }

        var address = uri.Host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(uri.Host);
        return new IPEndPoint(address, uri.Port);
    }
}
