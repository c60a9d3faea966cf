using System.Collections.Immutable;
using Ledger.Ion;

namespace Ledger.Journal.Model;

/// <summary>One <c>transactionInfo.statements</c> entry (spec 4.1).</summary>
/// <param name="Statement">The PartiQL text.</param>
/// <param name="StartTime">When the statement started.</param>
/// <param name="StatementDigest">IonHash of the statement folded with its parameters (<see cref="CommitDigest.StatementDigest"/>).</param>
public sealed record StatementRecord(string Statement, IonTimestamp StartTime, Hash32 StatementDigest)
{
    /// <summary>Reads a statements entry.</summary>
    public static StatementRecord FromIon(IonValue value)
    {
        const string What = "transactionInfo.statements";
        var statement = IonRead.Struct(value, What);
        return new StatementRecord(
            IonRead.String(statement, "statement", What),
            IonRead.Timestamp(statement, "startTime", What),
            IonRead.Hash(statement, "statementDigest", What));
    }
}

/// <summary>One <c>transactionInfo.documents</c> entry: a touched document, its table and the statements that touched it.</summary>
/// <param name="DocumentId">The document id (the field name in <c>documents</c>).</param>
/// <param name="TableName">The table's name.</param>
/// <param name="TableId">The table's id.</param>
/// <param name="Statements">0-based indexes into <c>transactionInfo.statements</c>.</param>
public sealed record DocumentTouch(string DocumentId, string TableName, string TableId, ImmutableArray<int> Statements)
{
    /// <summary>Reads the entry of <paramref name="documentId"/>.</summary>
    public static DocumentTouch FromIon(string documentId, IonValue value)
    {
        const string What = "transactionInfo.documents";
        var touch = IonRead.Struct(value, What);
        var statements = IonRead.Required(touch, "statements", What) as IonList ?? throw new JournalFormatException($"{What}.statements must be a list.");
        return new DocumentTouch(
            documentId,
            IonRead.String(touch, "tableName", What),
            IonRead.String(touch, "tableId", What),
            [.. statements.Select(i => i is IonInt { IsNull: false } index && index.TryGetInt64(out var value) && value is >= 0 and <= int.MaxValue
                ? (int)value
                : throw new JournalFormatException($"{What}.statements must hold non-negative ints."))]);
    }
}

/// <summary>One <c>redactionInfo.revisions</c> entry: the revision a redaction block removes the data of (spec 4.1).</summary>
/// <param name="StrandId">The strand of the redacted revision's block.</param>
/// <param name="SequenceNo">The sequence number of the redacted revision's block.</param>
/// <param name="TableId">The table id of the document.</param>
/// <param name="DocumentId">The document id.</param>
/// <param name="Version">The redacted revision's version.</param>
public sealed record RedactionTarget(string StrandId, long SequenceNo, string TableId, string DocumentId, long Version)
{
    /// <summary>The address of the block holding the redacted revision.</summary>
    public BlockAddress BlockAddress => new(StrandId, SequenceNo);

    /// <summary><c>{blockAddress, tableId, documentId, version}</c>.</summary>
    public IonStruct ToIon() => IonStruct.Of(
        new IonField("blockAddress", BlockAddress.ToIon()),
        new IonField("tableId", IonString.Of(TableId)),
        new IonField("documentId", IonString.Of(DocumentId)),
        new IonField("version", IonInt.Of(Version)));

    /// <summary>The <c>redactionInfo</c> struct <c>{revisions:[…]}</c> of a redaction block.</summary>
    public static IonStruct RedactionInfo(IEnumerable<RedactionTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        return IonStruct.Of(new IonField("revisions", IonList.Of(targets.Select(t => (IonValue)t.ToIon()))));
    }

    /// <summary>Reads a redactionInfo.revisions entry.</summary>
    public static RedactionTarget FromIon(IonValue value)
    {
        const string What = "redactionInfo.revisions";
        var target = IonRead.Struct(value, What);
        var address = BlockAddress.FromIon(IonRead.Required(target, "blockAddress", What));
        return new RedactionTarget(
            address.StrandId,
            address.SequenceNo,
            IonRead.String(target, "tableId", What),
            IonRead.String(target, "documentId", What),
            IonRead.Int(target, "version", What));
    }
}
