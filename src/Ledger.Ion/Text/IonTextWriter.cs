using System.Globalization;
using System.Text;

namespace Ledger.Ion.Text;

/// <summary>Writes Ion values as Ion text, compact (<c>{a:1,b:[2,3]}</c>) or pretty (indented, one field per line).</summary>
internal sealed class IonTextWriter
{
    private const string HexDigits = "0123456789abcdef";
    private readonly StringBuilder _output;
    private readonly bool _pretty;

    public IonTextWriter(StringBuilder output, bool pretty)
    {
        _output = output;
        _pretty = pretty;
    }

    public void WriteTopLevel(IonValue value)
    {
        // An unannotated top-level symbol spelled like a version marker would be read as one: quoting keeps it a value.
        WriteValue(value, depth: 0);
    }

    public void WriteValue(IonValue value, int depth)
    {
        foreach (var annotation in value.Annotations)
        {
            WriteSymbolText(annotation);
            _output.Append("::");
        }

        if (value.IsNull)
        {
            _output.Append(NullText(value.Type));
            return;
        }

        switch (value)
        {
            case IonBool b:
                _output.Append(b.Value ? "true" : "false");
                break;
            case IonInt i:
                if (i.TryGetInt64(out var small))
                {
                    _output.Append(small);
                }
                else
                {
                    _output.Append(i.Value.ToString(CultureInfo.InvariantCulture));
                }

                break;
            case IonFloat f:
                WriteFloat(f.Value);
                break;
            case IonDecimalValue d:
                d.Value.AppendTo(_output);
                break;
            case IonTimestampValue t:
                t.Value.AppendTo(_output);
                break;
            case IonSymbol s:
                WriteSymbolText(s.Token);
                break;
            case IonString s:
                WriteQuoted(s.Value, '"');
                break;
            case IonClob c:
                WriteClob(c.Span);
                break;
            case IonBlob b:
                _output.Append("{{").Append(Convert.ToBase64String(b.Span)).Append("}}");
                break;
            case IonList list:
                WriteSequence(list, '[', ']', ",", depth);
                break;
            case IonSexp sexp:
                WriteSequence(sexp, '(', ')', " ", depth);
                break;
            case IonStruct structure:
                WriteStruct(structure, depth);
                break;
            default:
                throw new InvalidOperationException($"Cannot write Ion value of type {value.GetType()}.");
        }
    }

    private void WriteSequence(IonSequence sequence, char open, char close, string separator, int depth)
    {
        _output.Append(open);
        if (sequence.Count == 0)
        {
            _output.Append(close);
            return;
        }

        for (var i = 0; i < sequence.Count; i++)
        {
            if (i > 0)
            {
                _output.Append(_pretty ? separator.TrimEnd() : separator);
            }

            NewLine(depth + 1);
            WriteValue(sequence[i], depth + 1);
        }

        NewLine(depth);
        _output.Append(close);
    }

    private void WriteStruct(IonStruct structure, int depth)
    {
        _output.Append('{');
        if (structure.Count == 0)
        {
            _output.Append('}');
            return;
        }

        for (var i = 0; i < structure.Count; i++)
        {
            if (i > 0)
            {
                _output.Append(',');
            }

            NewLine(depth + 1);
            var field = structure[i];
            WriteSymbolText(field.Name);
            _output.Append(_pretty ? ": " : ":");
            WriteValue(field.Value, depth + 1);
        }

        NewLine(depth);
        _output.Append('}');
    }

    private void NewLine(int depth)
    {
        if (_pretty)
        {
            _output.Append('\n').Append(' ', depth * 2);
        }
    }

    private void WriteFloat(double value)
    {
        if (double.IsNaN(value))
        {
            _output.Append("nan");
            return;
        }

        if (double.IsInfinity(value))
        {
            _output.Append(value > 0 ? "+inf" : "-inf");
            return;
        }

        // "R" gives the shortest digits that round-trip; Ion needs an 'e' exponent to read it back as a float.
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var exponentIndex = text.IndexOf('E', StringComparison.Ordinal);
        if (exponentIndex < 0)
        {
            _output.Append(text).Append("e0");
        }
        else
        {
            _output.Append(text.AsSpan(0, exponentIndex)).Append('e');
            var exponent = text.AsSpan(exponentIndex + 1);
            _output.Append(exponent[0] == '+' ? exponent[1..] : exponent);
        }
    }

    private void WriteSymbolText(SymbolToken token)
    {
        if (token.Text is null)
        {
            _output.Append("$0");
        }
        else if (IonSymbols.IsPlainIdentifier(token.Text))
        {
            _output.Append(token.Text);
        }
        else
        {
            WriteQuoted(token.Text, '\'');
        }
    }

    private void WriteQuoted(string text, char quote)
    {
        _output.Append(quote);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\':
                    _output.Append(@"\\");
                    break;
                case '\n':
                    _output.Append(@"\n");
                    break;
                case '\r':
                    _output.Append(@"\r");
                    break;
                case '\t':
                    _output.Append(@"\t");
                    break;
                default:
                    if (c == quote)
                    {
                        _output.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == 0x7F)
                    {
                        AppendHexEscape(c);
                    }
                    else
                    {
                        _output.Append(c);
                    }

                    break;
            }
        }

        _output.Append(quote);
    }

    private void WriteClob(ReadOnlySpan<byte> bytes)
    {
        _output.Append("{{\"");
        foreach (var b in bytes)
        {
            if (b == '"' || b == '\\')
            {
                _output.Append('\\').Append((char)b);
            }
            else if (b is >= 0x20 and < 0x7F)
            {
                _output.Append((char)b);
            }
            else
            {
                AppendHexEscape((char)b);
            }
        }

        _output.Append("\"}}");
    }

    private void AppendHexEscape(char c) => _output.Append("\\x").Append(HexDigits[c >> 4]).Append(HexDigits[c & 0xF]);

    internal static string NullText(IonType type) => type switch
    {
        IonType.Null => "null",
        IonType.Bool => "null.bool",
        IonType.Int => "null.int",
        IonType.Float => "null.float",
        IonType.Decimal => "null.decimal",
        IonType.Timestamp => "null.timestamp",
        IonType.Symbol => "null.symbol",
        IonType.String => "null.string",
        IonType.Clob => "null.clob",
        IonType.Blob => "null.blob",
        IonType.List => "null.list",
        IonType.Sexp => "null.sexp",
        IonType.Struct => "null.struct",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
