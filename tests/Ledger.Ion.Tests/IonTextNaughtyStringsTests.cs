using System.Text;

namespace Ledger.Ion.Tests;

/// <summary>
/// ion-hash-test's big list of naughty strings: <c>ion::</c> lines are valid Ion text, <c>invalid_ion::</c> lines
/// must fail, and every line must survive as a string, quoted symbol, long string, clob and blob.
/// </summary>
public class IonTextNaughtyStringsTests
{
    public static TheoryData<int, string> Lines()
    {
        var data = new TheoryData<int, string>();
        var path = Path.Combine(TestPaths.Shared, "testdata", "ion", "ion-hash-test", "big_list_of_naughty_strings.txt");
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length > 0 && !lines[i].StartsWith('#'))
            {
                data.Add(i + 1, lines[i]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void Line_is_read_as_its_prefix_says_and_round_trips_in_every_quoted_form(int lineNumber, string line)
    {
        if (line.StartsWith("invalid_ion::", StringComparison.Ordinal))
        {
            Assert.Throws<IonException>(() => IonText.ParseAll(line["invalid_ion::".Length..]));
            return;
        }

        var text = line.StartsWith("ion::", StringComparison.Ordinal) ? line["ion::".Length..] : line;
        if (line.StartsWith("ion::", StringComparison.Ordinal))
        {
            var values = IonText.ParseAll(text);
            Assert.True(values.SequenceEqual(IonText.ParseAll(IonText.WriteAll(values))));
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var escaped = Escape(text);
        Assert.Equal(IonValue.From(text), IonText.Parse($"\"{escaped}\""));
        Assert.Equal(IonSymbol.Of(text), IonText.Parse($"'{escaped}'"));
        Assert.Equal(IonValue.From(text), IonText.Parse($"'''{escaped}'''"));
        Assert.Equal(IonValue.From(text).WithAnnotations(text), IonText.Parse($"'{escaped}'::\"{escaped}\""));
        Assert.Equal(IonStruct.Of(new IonField(text, IonSymbol.Of(text))), IonText.Parse($"{{'{escaped}':'{escaped}'}}"));
        Assert.Equal(IonClob.Of(bytes), IonText.Parse("{{\"" + string.Concat(bytes.Select(b => $"\\x{b:x2}")) + "\"}}"));
        Assert.Equal(IonBlob.Of(bytes), IonText.Parse("{{" + Convert.ToBase64String(bytes) + "}}"));
        foreach (var value in new IonValue[] { IonValue.From(text), IonSymbol.Of(text), IonClob.Of(bytes) })
        {
            Assert.Equal(value, IonText.Parse(value.ToString()));
        }

        _ = lineNumber;
    }

    private static string Escape(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text)
        {
            if (c is '\\' or '"' or '\'')
            {
                builder.Append('\\').Append(c);
            }
            else if (c < 0x20)
            {
                builder.Append($"\\x{(int)c:x2}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
