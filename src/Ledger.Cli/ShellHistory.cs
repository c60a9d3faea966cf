using System.Globalization;

namespace Ledger.Cli;

/// <summary>
/// The statements entered in the shell, numbered from 1, shown by <c>history</c> and re-run with <c>!N</c>. With a
/// file (interactively <c>~/.ledger_history</c>) earlier sessions' entries are loaded and new ones appended, one per
/// line; a multi-line statement is saved on one line.
/// </summary>
internal sealed class ShellHistory
{
    private const int Kept = 1000;
    private readonly List<string> _entries = [];
    private readonly string? _file;

    private ShellHistory(string? file) => _file = file;

    public IReadOnlyList<string> Entries => _entries;

    public static async Task<ShellHistory> OpenAsync(string? file, CancellationToken cancellationToken)
    {
        var history = new ShellHistory(file);
        if (file is not null && File.Exists(file))
        {
            var lines = await File.ReadAllLinesAsync(file, cancellationToken);
            history._entries.AddRange(lines.Where(l => l.Length > 0).TakeLast(Kept));
        }

        return history;
    }

    /// <summary>The default file of an interactive shell, or null when there is no home directory.</summary>
    public static string? DefaultFile() =>
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? Path.Combine(home, ".ledger_history") : null;

    public async Task AddAsync(string entry, CancellationToken cancellationToken)
    {
        var line = entry.ReplaceLineEndings(" ");
        _entries.Add(line);
        if (_file is null)
        {
            return;
        }

        try
        {
            await File.AppendAllTextAsync(_file, line + "\n", cancellationToken);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // History is a convenience: an unwritable file must not stop the statement from running.
        }
    }

    /// <summary>Entry <paramref name="number"/> (1-based), or null when there is none.</summary>
    public string? Get(int number) => number >= 1 && number <= _entries.Count ? _entries[number - 1] : null;

    public async Task PrintAsync(TextWriter output)
    {
        for (var i = 0; i < _entries.Count; i++)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{i + 1,5}  {_entries[i]}"));
        }
    }
}
