using Ledger.Engine.Ports;

namespace Ledger.Functions.Streams;

/// <summary>Finds the destination of a stream (its KinesisConfiguration.StreamArn, read as an Event Hub).</summary>
public interface IStreamSinkFactory
{
    IStreamSink SinkFor(JournalStreamRecord stream);
}

/// <summary>
/// Event Hubs destinations from configuration: <c>Ledger:EventHubs:ConnectionString</c> (SAS) or
/// <c>Ledger:EventHubs:FullyQualifiedNamespace</c> (managed identity). Without either, every stream's destination is
/// missing and the stream reports IMPAIRED with KINESIS_STREAM_NOT_FOUND; records stay readable from the journal
/// through <c>GET /ledgers/{name}/journal-records</c>.
/// </summary>
internal sealed class ConfiguredStreamSinkFactory(IConfiguration configuration) : IStreamSinkFactory
{
    public IStreamSink SinkFor(JournalStreamRecord stream) => new MissingDestinationSink(
        string.IsNullOrWhiteSpace(configuration["Ledger:EventHubs:ConnectionString"]) && string.IsNullOrWhiteSpace(configuration["Ledger:EventHubs:FullyQualifiedNamespace"])
            ? "No Event Hubs namespace is configured (Ledger__EventHubs__ConnectionString or Ledger__EventHubs__FullyQualifiedNamespace)."
            : "The Event Hubs stream sink is not available in this build.");

    private sealed class MissingDestinationSink(string reason) : IStreamSink
    {
        public ValueTask SendAsync(JournalStreamRecord stream, IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken = default) =>
            throw new StreamSinkException(StreamFailureKind.Persistent, StreamErrorCauses.DestinationNotFound, reason);
    }
}
