using Ledger.Ion;
using Ledger.Ion.Binary;

namespace Ledger.Engine.Sessions;

/// <summary>One statement of an open transaction as the client sent it, with the time it started.</summary>
internal sealed record StatementInput(string Text, IReadOnlyList<IonValue> Parameters, IonTimestamp StartTime);

/// <summary>
/// What another instance needs to rebuild an open transaction: its snapshot and its statements in order (texts,
/// parameters, start times). Re-executing them at the snapshot rebuilds the same reads, writes and digest, because
/// ids and evaluation time are derived, not drawn (LedgerTransaction.NextId, CurrentStatementTime). Stored as Ion
/// binary in the session record. <see cref="Snapshot"/> is null for a transaction stored by StartTransaction before
/// its snapshot was read (the write and the read go out together): it has run no statement, so it has read nothing,
/// and an instance that picks it up takes the watermark it reads then, which is at least the one at the start.
/// </summary>
internal sealed record TransactionState(long? Snapshot, IReadOnlyList<StatementInput> Statements)
{
    public byte[] Encode()
    {
        var statements = Statements.Select(s => (IonValue)IonStruct.Of(
            new IonField("text", IonString.Of(s.Text)),
            new IonField("startTime", IonTimestampValue.Of(s.StartTime)),
            new IonField("parameters", IonList.Of(s.Parameters))));
        var statementList = new IonField("statements", IonList.Of(statements));
        IonField[] fields = Snapshot is { } snapshot ? [new IonField("snapshot", IonInt.Of(snapshot)), statementList] : [statementList];
        return IonBinary.Write(IonStruct.Of(fields));
    }

    public static TransactionState Decode(ReadOnlySpan<byte> bytes)
    {
        var root = (IonStruct)IonBinary.Read(bytes);
        var statements = ((IonList)root["statements"]!).Elements.Select(value =>
        {
            var statement = (IonStruct)value;
            return new StatementInput(
                ((IonString)statement["text"]!).Value,
                ((IonList)statement["parameters"]!).Elements,
                ((IonTimestampValue)statement["startTime"]!).Value);
        }).ToList();
        return new TransactionState(root["snapshot"] is IonInt snapshot ? snapshot.ToInt64() : null, statements);
    }
}
