using System.Collections.Concurrent;
using Azure.Core;
using Azure.Identity;
using Ledger.Azure.EventHubs;
using Ledger.Azure.Streams;
using Ledger.Engine.Ports;

namespace Ledger.Functions.Streams;

/// <summary>Finds the destination of a stream (its KinesisConfiguration.StreamArn, read as an Event Hub).</summary>
public interface IStreamSinkFactory
{
    IStreamSink SinkFor(JournalStreamRecord stream);
}

/// <summary>Event Hubs settings (<c>Ledger:EventHubs</c>).</summary>
public sealed class EventHubsOptions
{
    public const string SectionName = "Ledger:EventHubs";

    /// <summary>A namespace connection string with a Send policy (SAS). With an EntityPath, only that hub is used.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The namespace host (<c>ns.servicebus.windows.net</c>) for managed-identity (Entra ID) access in Azure.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>Sends to this base URL instead of the namespace's (a contract endpoint in tests).</summary>
    public Uri? Endpoint { get; set; }
}

/// <summary>
/// Event Hubs destinations from configuration: <c>Ledger:EventHubs:ConnectionString</c> (SAS) or
/// <c>Ledger:EventHubs:FullyQualifiedNamespace</c> (managed identity). The hub is the one the stream's
/// KinesisConfiguration.StreamArn names. Without either setting every stream's destination is missing, and the stream
/// reports IMPAIRED with KINESIS_STREAM_NOT_FOUND; its records stay readable from the journal through
/// <c>GET /ledgers/{name}/journal-records</c>.
/// </summary>
internal sealed class ConfiguredStreamSinkFactory : IStreamSinkFactory
{
    private readonly EventHubsOptions _options;
    private readonly Func<TokenCredential> _credential;
    private readonly ConcurrentDictionary<string, IStreamSink> _sinks = new(StringComparer.Ordinal);

    public ConfiguredStreamSinkFactory(EventHubsOptions options, string? managedIdentityClientId)
    {
        _options = options;
        var credential = new Lazy<TokenCredential>(() => string.IsNullOrWhiteSpace(managedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(managedIdentityClientId)));
        _credential = () => credential.Value;
    }

    public IStreamSink SinkFor(JournalStreamRecord stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return _sinks.GetOrAdd(stream.DestinationArn, Create);
    }

    private IStreamSink Create(string destinationArn)
    {
        string hub;
        try
        {
            hub = EventHubsDestination.Parse(destinationArn).HubName;
        }
        catch (FormatException unusable)
        {
            return new MissingDestinationSink(unusable.Message);
        }

        EventHubsConnection connection;
        try
        {
            if (!string.IsNullOrWhiteSpace(_options.ConnectionString))
            {
                connection = EventHubsConnection.Parse(_options.ConnectionString, hub);
            }
            else if (!string.IsNullOrWhiteSpace(_options.FullyQualifiedNamespace))
            {
                connection = EventHubsConnection.FromNamespace(_options.FullyQualifiedNamespace, hub, _credential());
            }
            else
            {
                return new MissingDestinationSink(
                    "No Event Hubs namespace is configured (Ledger__EventHubs__ConnectionString or Ledger__EventHubs__FullyQualifiedNamespace).");
            }
        }
        catch (FormatException misconfigured)
        {
            // The message never carries the key (EventHubsConnection's rule).
            return new MissingDestinationSink(misconfigured.Message);
        }

        if (_options.Endpoint is { } endpoint)
        {
            connection = connection.WithEndpoint(endpoint);
        }

        return new EventHubsStreamSink(new EventHubProducerClient(connection));
    }

    private sealed class MissingDestinationSink(string reason) : IStreamSink
    {
        public ValueTask SendAsync(JournalStreamRecord stream, IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken = default) =>
            throw new StreamSinkException(StreamFailureKind.Persistent, StreamErrorCauses.DestinationNotFound, reason);
    }
}
