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
            if (!_symbols.TextEquals(annotations.Current, _data, "$ion_symbol_table"u8))
            {
                return false;
            }

            ApplyLocalSymbolTable();
            return true;
        }

        return Type == IonType.Symbol && _symbols.TextEquals(GetSymbolSid(), _data, "$ion_1_0"u8);
    }

    private void ApplyLocalSymbolTable()
    {
        var append = false;
        var sawImports = false;
        var sawSymbols = false;
        List<long>? importGaps = null;
        var symbols = _symbols.Pending;
        symbols.Clear();

        StepIn();
        while (MoveNext())
        {
            if (_symbols.TextEquals(_fieldNameSid, _data, "imports"u8))
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
                    append = _symbols.TextEquals(GetSymbolSid(), _data, "$ion_symbol_table"u8);
                }
                else if (Type == IonType.List)
                {
                    ReadImports(importGaps ??= []);
                }
            }
            else if (_symbols.TextEquals(_fieldNameSid, _data, "symbols"u8))
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
                            _ = GetStringUtf8(); // validates the UTF-8
                            symbols.Add(new IonBinarySymbolTable.LocalSymbol(_valueStart, _valueEnd - _valueStart));
                        }
                        else
                        {
                            symbols.Add(IonBinarySymbolTable.LocalSymbol.Gap);
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
            foreach (var gaps in importGaps ?? [])
            {
                _symbols.AddGaps(gaps);
            }
        }

        foreach (var symbol in symbols)
        {
            _symbols.Add(symbol);
        }

        symbols.Clear();
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
                var field = _symbols.GetText(_fieldNameSid, _data);
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
