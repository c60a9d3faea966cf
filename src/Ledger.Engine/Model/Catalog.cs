using System.Collections.Immutable;
using Ledger.Ion;

namespace Ledger.Engine.Model;

/// <summary>Table status as information_schema.user_tables shows it.</summary>
public enum TableStatus
{
    /// <summary>Resolvable by name.</summary>
    Active,

    /// <summary>Dropped; its history stays readable by table id.</summary>
    Inactive,
}

/// <summary>An index of a table: one top-level field, matched on whole values.</summary>
public sealed record IndexDescriptor(string IndexId, string Field, string Status)
{
    /// <summary>The user_tables index entry: <c>{indexId, expr: "[field]", status}</c>.</summary>
    public IonStruct ToIon() => IonStruct.Of(
        new IonField("indexId", IonString.Of(IndexId)),
        new IonField("expr", IonString.Of("[" + Field + "]")),
        new IonField("status", IonString.Of(Status)));

    /// <summary>Reads the user_tables index entry.</summary>
    public static IndexDescriptor FromIon(IonStruct value)
    {
        var expr = ((IonString)value["expr"]!).Value;
        return new IndexDescriptor(((IonString)value["indexId"]!).Value, expr[1..^1], ((IonString)value["status"]!).Value);
    }
}

/// <summary>
/// One table of the catalog. Its Ion form is exactly the information_schema.user_tables row, and it is what a
/// catalog revision in the journal carries, so the catalog is rebuildable from the journal alone.
/// </summary>
public sealed record TableDescriptor(string TableId, string Name, TableStatus Status, ImmutableArray<IndexDescriptor> Indexes)
{
    /// <summary>The version of the catalog revision this entry was read from (not part of the user_tables row).</summary>
    public long Version { get; init; }

    /// <summary>The index on <paramref name="field"/>, if any.</summary>
    public IndexDescriptor? FindIndex(string field) => Indexes.FirstOrDefault(i => i.Field == field);

    /// <summary><c>{tableId, name, indexes: [...], status}</c>.</summary>
    public IonStruct ToIon() => IonStruct.Of(
        new IonField("tableId", IonString.Of(TableId)),
        new IonField("name", IonString.Of(Name)),
        new IonField("indexes", IonList.Of(Indexes.Select(i => (IonValue)i.ToIon()))),
        new IonField("status", IonString.Of(Status == TableStatus.Active ? "ACTIVE" : "INACTIVE")));

    /// <summary>Reads a user_tables row.</summary>
    public static TableDescriptor FromIon(IonValue value)
    {
        var row = (IonStruct)value;
        var indexes = ((IonList)row["indexes"]!).Select(i => IndexDescriptor.FromIon((IonStruct)i)).ToImmutableArray();
        var status = ((IonString)row["status"]!).Value == "ACTIVE" ? TableStatus.Active : TableStatus.Inactive;
        return new TableDescriptor(((IonString)row["tableId"]!).Value, ((IonString)row["name"]!).Value, status, indexes);
    }
}
