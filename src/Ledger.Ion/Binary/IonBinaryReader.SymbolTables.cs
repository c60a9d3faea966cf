using System.Text;

namespace Ledger.Ion.Binary;

public ref partial struct IonBinaryReader
{
    /// <summary>
    /// Handles the current top-level value if it is a system value: a local symbol table (a struct whose first
    /// annotation is <c>$ion_symbol_table</c>) is applied, and an unannotated <c>$ion_1_0</c> symbol is a no-op.
    /// </summary>
    private bool IsSystemValue()
    {
        if (IsNull)
        {
            return false;
        }

        if (HasAnnotations)
        {
            if (Type != IonType.Struct)
            {
                return false;
            }

            var annotations = GetAnnotationSids();
            annotations.MoveNext();
            if (_symbols.GetText(annotations.Current) != "$ion_symbol_table")
            {
                return false;
            }

            ApplyLocalSymbolTable();
            return true;
        }

        return Type == IonType.Symbol && _symbols.GetText(GetSymbolSid()) == "$ion_1_0";
    }

    private void ApplyLocalSymbolTable()
    {
        var append = false;
        var sawImports = false;
        var sawSymbols = false;
        var importGaps = new List<long>();
        var symbols = new List<(string? Text, byte[]? Utf8)>();

        StepIn();
        while (MoveNext())
        {
            var name = _symbols.GetText(_fieldNameSid);
            if (name == "imports")
            {
                if (sawImports)
                {
                    Throw("A local symbol table has more than one imports field", _valueOffset);
                }

                sawImports = true;
                if (IsNull)
                {
                    continue;
                }

                if (Type == IonType.Symbol)
                {
                    append = _symbols.GetText(GetSymbolSid()) == "$ion_symbol_table";
                }
                else if (Type == IonType.List)
                {
                    ReadImports(importGaps);
                }
            }
            else if (name == "symbols")
            {
                if (sawSymbols)
                {
                    Throw("A local symbol table has more than one symbols field", _valueOffset);
                }

                sawSymbols = true;
                if (Type == IonType.List && !IsNull)
                {
                    StepIn();
                    while (MoveNext())
                    {
                        if (Type == IonType.String && !IsNull)
                        {
                            var utf8 = GetStringUtf8();
                            symbols.Add((Encoding.UTF8.GetString(utf8), utf8.ToArray()));
                        }
                        else
                        {
                            symbols.Add((null, null));
                        }
                    }

                    StepOut();
                }
            }
        }

        StepOut();

        if (!append)
        {
            _symbols.Reset();
            foreach (var gaps in importGaps)
            {
                _symbols.AddGaps(gaps);
            }
        }

        foreach (var (text, utf8) in symbols)
        {
            _symbols.Add(text, utf8);
        }
    }

    /// <summary>
    /// Reads an imports list. Our catalog of shared tables is empty, so every valid import becomes
    /// <c>max_id</c> slots with unknown text, and an import without a usable <c>max_id</c> is an error.
    /// </summary>
    private void ReadImports(List<long> importGaps)
    {
        StepIn();
        while (MoveNext())
        {
            if (Type != IonType.Struct || IsNull)
            {
                continue;
            }

            var importOffset = _valueOffset;
            string? name = null;
            long? maxId = null;
            StepIn();
            while (MoveNext())
            {
                var field = _symbols.GetText(_fieldNameSid);
                if (field == "name" && Type == IonType.String && !IsNull)
                {
                    name = GetString();
                }
                else if (field == "max_id" && Type == IonType.Int && !IsNull)
                {
                    var value = GetBigInteger();
                    maxId = value.Sign >= 0 && value <= IonBinarySymbolTable.MaxSymbolCount ? (long)value : value.Sign < 0 ? null : long.MaxValue;
                }
                else if (field == "version" && Type == IonType.Int && !IsNull)
                {
                    _ = GetBigInteger();
                }
            }

            StepOut();
            if (string.IsNullOrEmpty(name) || name == "$ion")
            {
                continue;
            }

            if (maxId is null)
            {
                Throw($"Shared symbol table '{name}' is not in the catalog and its import has no max_id", importOffset);
            }

            importGaps.Add(maxId.Value);
        }

        StepOut();
    }
}
