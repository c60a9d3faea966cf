using Ledger.Ion;

namespace Ledger.Engine.Streams;

/// <summary>QLDB's three stream record types (qldb-compat 8).</summary>
public enum StreamRecordType
{
    /// <summary><c>CONTROL</c>: the stream was created or completed.</summary>
    Control,

    /// <summary><c>BLOCK_SUMMARY</c>: one per block, the block with its revisions reduced to summaries.</summary>
    BlockSummary,

    /// <summary><c>REVISION_DETAILS</c>: one per user-table revision of a block.</summary>
    RevisionDetails,
}

/// <summary>
/// One stream record: the QLDB-shaped Ion value and what a transport needs to deliver it at least once.
/// </summary>
/// <param name="RecordId">
/// Deterministic, so a block sent again yields the same ids and consumers can drop duplicates:
/// <c>{streamId}/{sequenceNo}/{indexInBlock}</c>, <c>{streamId}/created</c> or <c>{streamId}/completed</c>.
/// </param>
/// <param name="PartitionKey">
/// The stream id for every record of a stream: one partition keeps the journal order, so each document's revisions
/// (and every block) arrive in commit order.
/// </param>
/// <param name="Type">The record type.</param>
/// <param name="SequenceNo">The block the record comes from; for CONTROL records the position the stream had reached.</param>
/// <param name="Value">The record: <c>{qldbStreamArn, recordType, payload}</c>.</param>
public sealed record StreamRecord(string RecordId, string PartitionKey, StreamRecordType Type, long SequenceNo, IonStruct Value)
{
    /// <summary>The wire name of <see cref="Type"/>.</summary>
    public string RecordTypeName => Type switch
    {
        StreamRecordType.Control => "CONTROL",
        StreamRecordType.BlockSummary => "BLOCK_SUMMARY",
        _ => "REVISION_DETAILS",
    };
}
