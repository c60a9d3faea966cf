using System.Globalization;
using System.Text;

namespace Ledger.PartiQL.Tests.Support;

/// <summary>
/// Just enough of an Ion text reader to walk the conformance case files (structs, lists, strings, symbols and
/// atoms, with comments and annotations). It stands in for the Ledger.Ion reader in this test project, which
/// must not depend on another area's work in progress. Atoms keep their text; annotations are dropped.
/// </summary>
internal static class MiniIon
{
    internal sealed class Node
    {
        public string Text { get; init; } = string.Empty;
        public List<Node> Items { get; } = [];
        public List<(string Name, Node Value)> Fields { get; } = [];

        public Node? Field(string name) => Fields.FirstOrDefault(f => f.Name == name).Value;
    }

    public static Node Parse(string text)
    {
        var position = 0;
        return ReadValue(text, ref position);
    }

    private static Node ReadValue(string text, ref int i)
    {
        while (true)
        {
            SkipTrivia(text, ref i);
            var c = text[i];
            switch (c)
            {
                case '{' when i + 1 < text.Length && text[i + 1] == '{':
                    var end = text.IndexOf("}}", i, StringComparison.Ordinal);
                    var lob = text[i..(end + 2)];
                    i = end + 2;
                    return new Node { Text = lob };
                case '{':
                    i++;
                    var structNode = new Node();
                    while (true)
                    {
                        SkipTrivia(text, ref i);
                        if (text[i] == '}')
                        {
                            i++;
                            return structNode;
                        }

                        var name = ReadValue(text, ref i).Text;
                        SkipTrivia(text, ref i);
                        i++; // ':'
                        structNode.Fields.Add((name, ReadValue(text, ref i)));
                        SkipTrivia(text, ref i);
                        if (text[i] == ',')
                        {
                            i++;
                        }
                    }

                case '[' or '(':
                    var close = c == '[' ? ']' : ')';
                    i++;
                    var list = new Node();
                    while (true)
                    {
                        SkipTrivia(text, ref i);
                        if (text[i] == close)
                        {
                            i++;
                            return list;
                        }

                        list.Items.Add(ReadValue(text, ref i));
                        SkipTrivia(text, ref i);
                        if (text[i] == ',')
                        {
                            i++;
                        }
                    }

                case '"':
                    return new Node { Text = ReadQuoted(text, ref i, '"') };
                case '\'' when text.AsSpan(i).StartsWith("'''"):
                    var longString = new StringBuilder();
                    while (text.AsSpan(i).StartsWith("'''"))
                    {
                        i += 3;
                        var stop = text.IndexOf("'''", i, StringComparison.Ordinal);
                        longString.Append(Unescape(text[i..stop]));
                        i = stop + 3;
                        SkipTrivia(text, ref i);
                    }

                    return new Node { Text = longString.ToString() };
                case '\'':
                    var symbol = ReadQuoted(text, ref i, '\'');
                    if (IsAnnotation(text, ref i))
                    {
                        continue;
                    }

                    return new Node { Text = symbol };
                default:
                    var start = i;
                    // Timestamps contain ':' (12:30Z); field names never start with a digit.
                    var isNumeric = char.IsAsciiDigit(text[i]) || text[i] == '-';
                    while (i < text.Length && !char.IsWhiteSpace(text[i])
                        && text[i] is not (',' or '}' or ']' or ')' or '{' or '[')
                        && (text[i] != ':' || (isNumeric && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))))
                    {
                        i++;
                    }

                    if (i == start)
                    {
                        throw new FormatException($"Unexpected '{text[i]}' at {i}.");
                    }

                    var atom = text[start..i];
                    if (IsAnnotation(text, ref i))
                    {
                        continue;
                    }

                    return new Node { Text = atom };
            }
        }
    }

    private static bool IsAnnotation(string text, ref int i)
    {
        if (i + 1 < text.Length && text[i] == ':' && text[i + 1] == ':')
        {
            i += 2;
            return true;
        }

        return false;
    }

    private static string ReadQuoted(string text, ref int i, char quote)
    {
        var start = ++i;
        while (text[i] != quote)
        {
            i += text[i] == '\\' ? 2 : 1;
        }

        var raw = text[start..i];
        i++;
        return Unescape(raw);
    }

    private static string Unescape(string raw)
    {
        if (!raw.Contains('\\', StringComparison.Ordinal))
        {
            return raw;
        }

        var builder = new StringBuilder();
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '\\')
            {
                builder.Append(raw[i]);
                continue;
            }

            var e = raw[++i];
            switch (e)
            {
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                case 'r': builder.Append('\r'); break;
                case '0': builder.Append('\0'); break;
                case 'x':
                    builder.Append((char)int.Parse(raw.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                case 'u':
                    builder.Append((char)int.Parse(raw.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                default: builder.Append(e); break;
            }
        }

        return builder.ToString();
    }

    private static void SkipTrivia(string text, ref int i)
    {
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            else if (text.AsSpan(i).StartsWith("//"))
            {
                var end = text.IndexOf('\n', i);
                i = end < 0 ? text.Length : end + 1;
            }
            else if (text.AsSpan(i).StartsWith("/*"))
            {
                i = text.IndexOf("*/", i, StringComparison.Ordinal) + 2;
            }
            else
            {
                return;
            }
        }
    }
}
