using System.Text;

namespace Ledger.Ion.Binary;

/// <summary>
/// The current symbol table of a binary stream: the Ion 1.0 system symbols, placeholder slots for shared imports
/// that are not in the (empty) catalog, and local symbols. SID 0 and every gap have unknown text.
/// </summary>
/// <remarks>
/// Local symbols are kept as (offset, length) ranges of the UTF-8 strings inside the stream, so hashing straight
/// from binary never creates strings; text is decoded (once per symbol) only when a caller asks for it.
/// </remarks>
internal sealed class IonBinarySymbolTable
{
    /// <summary>The Ion 1.0 system symbols; index = SID.</summary>
    private static readonly string?[] s_systemSymbols =
    [
        null, "$ion", "$ion_1_0", "$ion_symbol_table", "name", "version", "imports", "symbols", "max_id", "$ion_shared_symbol_table",
    ];

    private static readonly byte[][] s_systemSymbolsUtf8 = [.. s_systemSymbols.Select(text => Encoding.UTF8.GetBytes(text ?? ""))];

    /// <summary>Most SIDs a stream may define; protects against tables that claim absurd <c>max_id</c> values.</summary>
    public const int MaxSymbolCount = 1 << 20;

    public const int SystemMaxId = 9;

    private readonly List<LocalSymbol> _locals = [];
    private string?[] _decoded = [];

    /// <summary>Pending symbols of a local symbol table being read (reused between tables).</summary>
    public List<LocalSymbol> Pending { get; } = [];

    /// <summary>A local slot: a UTF-8 range of the stream, or a gap (<see cref="Length"/> -1) with unknown text.</summary>
    public readonly record struct LocalSymbol(int Offset, int Length)
    {
        public static LocalSymbol Gap => new(0, -1);
    }

    /// <summary>The largest SID defined.</summary>
    public int MaxId => SystemMaxId + _locals.Count;

    /// <summary>Resets to the system symbol table (as a version marker does).</summary>
    public void Reset()
    {
        _locals.Clear();
        Array.Clear(_decoded);
    }

    /// <summary>True when <paramref name="sid"/> is defined (SID 0 always is).</summary>
    public bool IsDefined(ulong sid) => sid <= (ulong)MaxId;

    /// <summary>True when the defined <paramref name="sid"/> has known text.</summary>
    public bool HasText(int sid) => sid > SystemMaxId ? _locals[sid - SystemMaxId - 1].Length >= 0 : sid != 0;

    /// <summary>The UTF-8 text of a defined SID with known text (see <see cref="HasText"/>).</summary>
    public ReadOnlySpan<byte> GetUtf8(int sid, ReadOnlySpan<byte> data)
    {
        if (sid <= SystemMaxId)
        {
            return s_systemSymbolsUtf8[sid];
        }

        var local = _locals[sid - SystemMaxId - 1];
        return data.Slice(local.Offset, local.Length);
    }

    /// <summary>True when the defined <paramref name="sid"/> has exactly the text <paramref name="utf8"/>.</summary>
    public bool TextEquals(int sid, ReadOnlySpan<byte> data, ReadOnlySpan<byte> utf8) =>
        HasText(sid) && GetUtf8(sid, data).SequenceEqual(utf8);

    /// <summary>The text of a defined SID, or null for unknown text.</summary>
    public string? GetText(int sid, ReadOnlySpan<byte> data)
    {
        if (sid <= SystemMaxId)
        {
            return s_systemSymbols[sid];
        }

        var index = sid - SystemMaxId - 1;
        var local = _locals[index];
        if (local.Length < 0)
        {
            return null;
        }

        if (index >= _decoded.Length)
        {
            Array.Resize(ref _decoded, Math.Max(_locals.Count, 16));
        }

        return _decoded[index] ??= Encoding.UTF8.GetString(data.Slice(local.Offset, local.Length));
    }

    /// <summary>Appends one local slot.</summary>
    public void Add(LocalSymbol symbol)
    {
        if (_locals.Count >= MaxSymbolCount)
        {
            throw new IonException($"A symbol table may define at most {MaxSymbolCount} symbols.");
        }

        _locals.Add(symbol);
    }

    /// <summary>Appends <paramref name="count"/> slots with unknown text (an import that is not in the catalog).</summary>
    public void AddGaps(long count)
    {
        if (count > MaxSymbolCount - _locals.Count)
        {
            throw new IonException($"A symbol table may define at most {MaxSymbolCount} symbols.");
        }

        for (var i = 0; i < count; i++)
        {
            _locals.Add(LocalSymbol.Gap);
        }
    }
}
