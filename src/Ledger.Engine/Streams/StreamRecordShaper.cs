using System.Globalization;
using Ledger.Ion;
using Ledger.Journal.Model;

namespace Ledger.Engine.Streams;

/// <summary>
/// Turns committed journal blocks into QLDB's stream records (qldb-compat 8): a BLOCK_SUMMARY per block (the block
/// of 4.1 with <c>revisions</c> replaced by <c>revisionSummaries</c>, system revisions as <c>{hash}</c> only) and a
/// REVISION_DETAILS per user-table revision, plus the CONTROL records that open and close a stream. Pure.
/// </summary>
public static class StreamRecordShaper
{
    /// <summary>The CONTROL record written first on a new stream.</summary>
    public static StreamRecord Created(string streamArn, string streamId) =>
        Control(streamArn, streamId, "CREATED", -1);

    /// <summary>The CONTROL record written when the stream reaches its exclusive end time (not on cancel).</summary>
    /// <param name="streamArn">The stream's ARN.</param>
    /// <param name="streamId">The stream's id.</param>
    /// <param name="lastSequenceNo">The last block position the stream covered (-1 when none).</param>
    public static StreamRecord Completed(string streamArn, string streamId, long lastSequenceNo) =>
        Control(streamArn, streamId, "COMPLETED", lastSequenceNo);

    /// <summary>The records of one block, BLOCK_SUMMARY first, then REVISION_DETAILS in block order.</summary>
    public static IReadOnlyList<StreamRecord> FromBlock(string streamArn, string streamId, Model.JournalBlock block)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamArn);
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(block);

        var records = new List<StreamRecord>(1 + block.Revisions.Length)
        {
            Record(streamArn, streamId, block.SequenceNo, 0, StreamRecordType.BlockSummary, BlockSummary(block)),
        };

        var tables = block.Documents.ToDictionary(d => d.DocumentId, StringComparer.Ordinal);
        foreach (var revision in block.Revisions)
        {
            if (revision.IsCatalog || !tables.TryGetValue(revision.DocumentId, out var touch))
            {
                continue;
            }

            var payload = IonStruct.Of(
                new IonField("tableInfo", IonStruct.Of(
                    new IonField("tableName", IonString.Of(touch.TableName)),
                    new IonField("tableId", IonString.Of(touch.TableId)))),
                new IonField("revision", revision.Journal.ToIon()));
            records.Add(Record(streamArn, streamId, block.SequenceNo, records.Count, StreamRecordType.RevisionDetails, payload));
        }

        return records;
    }

    /// <summary>The BLOCK_SUMMARY payload: the block's fields in 4.1 order with revision summaries.</summary>
    public static IonStruct BlockSummary(Model.JournalBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var shown = block.ToIon();
        var builder = IonStruct.CreateBuilder();
        foreach (var field in shown.Fields)
        {
            if (field.Name.Text != "revisions")
            {
                builder.Add(field.Name, field.Value);
            }
        }

        var summaries = block.Journal.Revisions.Select(RevisionSummary);
        return builder.Add("revisionSummaries", IonList.Of(summaries)).ToStruct();
    }

    private static IonValue RevisionSummary(JournalRevision revision)
    {
        var hash = new IonField("hash", IonBlob.Of(revision.Hash.ToArray()));
        return revision.IsSystem || revision.Metadata?["id"] is not IonString { IsNull: false } id
            ? IonStruct.Of(hash)
            : IonStruct.Of(hash, new IonField("documentId", id));
    }

    private static StreamRecord Control(string streamArn, string streamId, string controlType, long sequenceNo)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamArn);
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        var payload = IonStruct.Of(new IonField("controlRecordType", IonString.Of(controlType)));
        var id = $"{streamId}/{controlType.ToLowerInvariant()}";
        return new StreamRecord(id, streamId, StreamRecordType.Control, sequenceNo, Envelope(streamArn, "CONTROL", payload));
    }

    private static StreamRecord Record(string streamArn, string streamId, long sequenceNo, int index, StreamRecordType type, IonStruct payload)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"{streamId}/{sequenceNo}/{index}");
        var record = new StreamRecord(id, streamId, type, sequenceNo, IonStruct.Empty);
        return record with { Value = Envelope(streamArn, record.RecordTypeName, payload) };
    }

    private static IonStruct Envelope(string streamArn, string recordType, IonStruct payload) => IonStruct.Of(
        new IonField("qldbStreamArn", IonString.Of(streamArn)),
        new IonField("recordType", IonString.Of(recordType)),
        new IonField("payload", payload));
}
