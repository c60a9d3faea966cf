using System.Text;

namespace Ledger.Ion.Binary;

/// <summary>
/// The current symbol table of a binary stream: the Ion 1.0 system symbols, placeholder slots for shared imports
/// that are not in the (empty) catalog, and local symbols. SID 0 and every gap have unknown text.
/// </summary>
internal sealed class IonBinarySymbolTable
{
    /// <summary>The Ion 1.0 system symbols; index = SID.</summary>
    private static readonly string?[] s_systemSymbols =
    [
        null, "$ion", "$ion_1_0", "$ion_symbol_table", "name", "version", "imports", "symbols", "max_id", "$ion_shared_symbol_table",
    ];

    private static readonly byte[]?[] s_systemSymbolsUtf8 = [.. s_systemSymbols.Select(text => text is null ? null : Encoding.UTF8.GetBytes(text))];

    /// <summary>Most SIDs a stream may define; protects against tables that claim absurd <c>max_id</c> values.</summary>
    public const int MaxSymbolCount = 1 << 24;

    public const int SystemMaxId = 9;
    public const int IonSymbolTableSid = 3;
    public const int ImportsSid = 6;
    public const int SymbolsSid = 7;

    private readonly List<string?> _texts = [.. s_systemSymbols];
    private readonly List<byte[]?> _utf8 = [.. s_systemSymbolsUtf8];

    /// <summary>The largest SID defined.</summary>
    public int MaxId => _texts.Count - 1;

    /// <summary>Resets to the system symbol table (as a version marker does).</summary>
    public void Reset()
    {
        if (_texts.Count > s_systemSymbols.Length)
        {
            _texts.RemoveRange(s_systemSymbols.Length, _texts.Count - s_systemSymbols.Length);
            _utf8.RemoveRange(s_systemSymbols.Length, _utf8.Count - s_systemSymbols.Length);
        }
    }

    /// <summary>True when <paramref name="sid"/> is defined (SID 0 always is).</summary>
    public bool IsDefined(ulong sid) => sid <= (ulong)MaxId;

    /// <summary>The text of a defined SID, or null for unknown text.</summary>
    public string? GetText(int sid) => _texts[sid];

    /// <summary>The UTF-8 text of a defined SID, or null for unknown text.</summary>
    public byte[]? GetUtf8(int sid) => _utf8[sid];

    /// <summary>Appends one local symbol (null text = a gap with unknown text).</summary>
    public void Add(string? text, byte[]? utf8)
    {
        if (_texts.Count >= MaxSymbolCount)
        {
            throw new IonException($"A symbol table may define at most {MaxSymbolCount} symbols.");
        }

        _texts.Add(text);
        _utf8.Add(utf8);
    }

    /// <summary>Appends <paramref name="count"/> slots with unknown text (an import that is not in the catalog).</summary>
    public void AddGaps(long count)
    {
        if (count > MaxSymbolCount - _texts.Count)
        {
            throw new IonException($"A symbol table may define at most {MaxSymbolCount} symbols.");
        }

        for (var i = 0; i < count; i++)
        {
            _texts.Add(null);
            _utf8.Add(null);
        }
    }
}
