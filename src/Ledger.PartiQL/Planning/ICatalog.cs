namespace Ledger.PartiQL.Planning;

/// <summary>What the planner needs to know about an active table.</summary>
/// <param name="Name">The table name (case-sensitive).</param>
/// <param name="IndexedFields">Top-level fields with an ONLINE index; QLDB indexes exactly one top-level field each.</param>
public sealed record TableSchema(string Name, IReadOnlySet<string> IndexedFields);

/// <summary>The engine's catalog as seen by the planner: active tables by name. The engine implements this over
/// its own snapshot so that planning sees the same catalog as the transaction.</summary>
public interface ICatalog
{
    /// <summary>The ACTIVE table with exactly this name, or null.</summary>
    TableSchema? FindTable(string name);
}
