using Ledger.Ion;
using Spectre.Console;

namespace Ledger.Cli;

/// <summary>Writes a statement's values to stdout as pretty Ion, JSON or a table.</summary>
internal sealed class ResultWriter(TextWriter stdout, bool terminal)
{
    public const string Ion = "ion";
    public const string Json = "json";
    public const string Table = "table";

    public static bool IsFormat(string name) => name is Ion or Json or Table;

    public async Task WriteAsync(IReadOnlyList<IonValue> values, string format)
    {
        if (format == Table)
        {
            WriteTable(values);
            await stdout.FlushAsync();
            return;
        }

        foreach (var value in values)
        {
            await stdout.WriteLineAsync(format == Json ? IonJson.ToJson(value, indented: true) : IonText.Write(value, pretty: true));
        }
    }

    /// <summary>
    /// One row per value and one column per field name, in order of first appearance; a value that is not a struct
    /// fills a single <c>value</c> column. Cells are compact Ion text, so 1 and "1" stay apart; a missing field is empty.
    /// </summary>
    private void WriteTable(IReadOnlyList<IonValue> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        const string valueColumn = "value";
        var columns = new List<string>();
        foreach (var value in values)
        {
            var names = value is IonStruct { IsNull: false } row ? row.Fields.Select(f => f.Name.Text ?? $"${f.Name.Sid}") : [valueColumn];
            columns.AddRange(names.Where(name => !columns.Contains(name)));
        }

        // Off a terminal the table is Markdown, readable in a file and by tools; on one, a box as wide as the window.
        var table = new Spectre.Console.Table().Border(terminal ? TableBorder.Rounded : TableBorder.Markdown);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column)));
        }

        foreach (var value in values)
        {
            var cells = columns.Select(column => value is IonStruct { IsNull: false } row
                ? row[column] is { } field ? IonText.Write(field) : string.Empty
                : column == valueColumn ? IonText.Write(value) : string.Empty);
            table.AddRow([.. cells.Select(cell => new Text(cell))]);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!terminal)
        {
            // A pipe has no width: do not wrap rows at the 80 columns Spectre assumes.
            console.Profile.Width = 4096;
        }

        console.Write(table);
    }
}
