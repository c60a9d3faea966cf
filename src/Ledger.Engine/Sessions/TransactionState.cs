using Ledger.Ion;
using Ledger.Ion.Binary;

namespace Ledger.Engine.Sessions;

/// <summary>One statement of an open transaction as the client sent it, with the time it started.</summary>
internal sealed record StatementInput(string Text, IReadOnlyList<IonValue> Parameters, IonTimestamp StartTime);

/// <summary>
/// What another instance needs to rebuild an open transaction: its snapshot and its statements in order (texts,
/// parameters, start times). Re-executing them at the snapshot rebuilds the same reads, writes and digest, because
/// ids and evaluation time are derived, not drawn (LedgerTransaction.NextId, CurrentStatementTime). Stored as Ion
/// binary in the session record.
/// </summary>
internal sealed record TransactionState(long Snapshot, IReadOnlyList<StatementInput> Statements)
{
    public byte[] Encode()
    {
        var statements = Statements.Select(s => (IonValue)IonStruct.Of(
            new IonField("text", IonString.Of(s.Text)),
            new IonField("startTime", IonTimestampValue.Of(s.StartTime)),
            new IonField("parameters", IonList.Of(s.Parameters))));
        return IonBinary.Write(IonStruct.Of(
            new IonField("snapshot", IonInt.Of(Snapshot)),
            new IonField("statements", IonList.Of(statements))));
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
        return new TransactionState(((IonInt)root["snapshot"]!).ToInt64(), statements);
    }
}
