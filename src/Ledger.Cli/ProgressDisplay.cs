using System.Globalization;
using Spectre.Console;

namespace Ledger.Cli;

/// <summary>Where a long operation reports how far it got.</summary>
internal interface IProgressLine
{
    /// <param name="status">What is happening now (e.g. the export's status or the object being read).</param>
    /// <param name="done">Units done so far.</param>
    /// <param name="total">Units in all, or null while unknown (an indeterminate bar).</param>
    Task ReportAsync(string status, long done, long? total);
}

/// <summary>
/// Progress of long commands on stderr: a Spectre.Console progress bar when stderr is a terminal, otherwise one
/// plain line per change of status, so logs and pipes stay readable and stdout keeps only the command's result.
/// </summary>
internal sealed class ProgressDisplay(TextWriter stderr, bool terminal)
{
    public async Task<T> RunAsync<T>(string description, Func<IProgressLine, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!terminal)
        {
            return await work(new PlainLines(stderr, description));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr), Interactive = InteractionSupport.Yes });
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: 1);
                task.IsIndeterminate = true;
                var result = await work(new Bar(task, description));
                task.IsIndeterminate = false;
                task.Value = task.MaxValue;
                task.StopTask();
                return result;
            });
    }

    private sealed class PlainLines(TextWriter stderr, string description) : IProgressLine
    {
        private string? _last;

        public async Task ReportAsync(string status, long done, long? total)
        {
            var line = total is { } all
                ? string.Create(CultureInfo.InvariantCulture, $"{description}: {status} ({done}/{all})")
                : $"{description}: {status}";
            if (line != _last)
            {
                _last = line;
                await stderr.WriteLineAsync(line);
            }
        }
    }

    private sealed class Bar(ProgressTask task, string description) : IProgressLine
    {
        // The bar, percentage and clock must stay on one 80-column line: long object keys keep their end.
        private const int DescriptionWidth = 40;

        private static string Fit(string text) => text.Length <= DescriptionWidth ? text : "…" + text[^(DescriptionWidth - 1)..];

        public Task ReportAsync(string status, long done, long? total)
        {
            task.Description = Markup.Escape(Fit($"{description}: {status}"));
            if (total is { } all && all > 0)
            {
                task.IsIndeterminate = false;
                task.MaxValue = all;
                task.Value = Math.Min(done, all);
            }

            return Task.CompletedTask;
        }
    }
}
