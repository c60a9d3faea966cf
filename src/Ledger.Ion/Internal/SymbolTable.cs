namespace Ledger.Ion;

/// <summary>
/// The current symbol table of a reader: the Ion 1.0 system symbols (SIDs 1–9), imported slots and local
/// symbols. A <see langword="null"/> entry is a symbol with unknown text (SID 0, a local gap, or an import
/// that is not in the catalog).
/// </summary>
internal sealed class SymbolTable
{
    /// <summary>The Ion 1.0 system symbol texts; index = SID.</summary>
    public static readonly string?[] SystemSymbols =
    [
        null, "$ion", "$ion_1_0", "$ion_symbol_table", "name", "version", "imports", "symbols", "max_id", "$ion_shared_symbol_table",
    ];

    // Imports of tables missing from the catalog can declare millions of unknown slots, so the table is a short
    // list of segments: runs of unknown text, or runs of known (or gap) texts.
    private readonly List<Segment> _segments = [new Segment(SystemSymbols.Length - 1, [.. SystemSymbols[1..]])];

    /// <summary>The largest SID defined.</summary>
    public long MaxId { get; private set; } = SystemSymbols.Length - 1;

    /// <summary>Resets to the system symbol table (after <c>$ion_1_0</c>).</summary>
    public void Reset()
    {
        _segments.Clear();
        _segments.Add(new Segment(SystemSymbols.Length - 1, [.. SystemSymbols[1..]]));
        MaxId = SystemSymbols.Length - 1;
    }

    /// <summary>Looks up a SID; false when it is beyond <see cref="MaxId"/> or negative.</summary>
    public bool TryResolve(long sid, out string? text)
    {
        text = null;
        if (sid < 0 || sid > MaxId)
        {
            return false;
        }

        if (sid == 0)
        {
            return true;
        }

        var index = sid - 1;
        foreach (var segment in _segments)
        {
            if (index < segment.Count)
            {
                text = segment.Texts?[(int)index];
                return true;
            }

            index -= segment.Count;
        }

        return true;
    }

    /// <summary>
    /// Applies a local symbol table struct (or <c>null.struct</c>) as <c>spec/ion.md</c> section 2.2 describes.
    /// The catalog of shared tables is empty, so every import needs a valid <c>max_id</c>.
    /// </summary>
    /// <returns>An error message, or <see langword="null"/> on success.</returns>
    public string? ApplyLocalSymbolTable(IonValue table)
    {
        if (table is not IonStruct fields)
        {
            Reset();
            return null;
        }

        IonValue? imports = null;
        IonValue? symbols = null;
        foreach (var field in fields)
        {
            switch (field.Name.Text)
            {
                case "imports":
                    if (imports is not null)
                    {
                        return "A local symbol table has more than one 'imports' field.";
                    }

                    imports = field.Value;
                    break;
                case "symbols":
                    if (symbols is not null)
                    {
                        return "A local symbol table has more than one 'symbols' field.";
                    }

                    symbols = field.Value;
                    break;
            }
        }

        var appended = imports is IonSymbol { Text: "$ion_symbol_table" } && !imports.IsNull;
        List<Segment> next = appended ? [.. _segments] : [new Segment(SystemSymbols.Length - 1, [.. SystemSymbols[1..]])];
        if (imports is IonList importList)
        {
            foreach (var import in importList)
            {
                var error = AddImport(import, next);
                if (error is not null)
                {
                    return error;
                }
            }
        }

        if (symbols is IonList { Count: > 0 } symbolList)
        {
            var texts = new List<string?>(symbolList.Count);
            foreach (var symbol in symbolList)
            {
                texts.Add(symbol is IonString text ? text.Value : null);
            }

            next.Add(new Segment(texts.Count, texts));
        }

        _segments.Clear();
        _segments.AddRange(next);
        MaxId = next.Sum(segment => segment.Count);
        return null;
    }

    private static string? AddImport(IonValue import, List<Segment> segments)
    {
        if (import is not IonStruct declaration)
        {
            return null;
        }

        if (!declaration.TryGetField("name", out var nameValue) || nameValue is not IonString { Value: { Length: > 0 } name } || name == "$ion")
        {
            return null;
        }

        long? maxId = declaration.TryGetField("max_id", out var maxIdValue) && maxIdValue is IonInt { Sign: >= 0 } maxIdInt && maxIdInt.FitsInInt64
            ? maxIdInt.ToInt64()
            : null;
        if (maxId is null)
        {
            return $"Shared symbol table '{name}' is not in the catalog and its import has no valid max_id.";
        }

        if (maxId > 0)
        {
            segments.Add(new Segment(maxId.Value, null));
        }

        return null;
    }

    /// <summary>A run of SIDs: <paramref name="Texts"/> null means all unknown text.</summary>
    private sealed record Segment(long Count, List<string?>? Texts);
}
