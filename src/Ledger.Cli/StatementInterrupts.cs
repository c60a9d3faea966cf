namespace Ledger.Cli;

/// <summary>
/// Ctrl-C in the shell: while a statement runs it cancels that statement only (its own token source); at an idle
/// prompt the first Ctrl-C only warns and a second one in a row exits, as in psql and qldbshell.
/// </summary>
internal sealed class StatementInterrupts : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TextWriter _stderr;
    private readonly bool _listening;
    private CancellationTokenSource? _running;
    private bool _warned;

    /// <param name="stderr">Where the idle warning goes.</param>
    /// <param name="listen">Subscribe to <see cref="Console.CancelKeyPress"/> (the real terminal only).</param>
    public StatementInterrupts(TextWriter stderr, bool listen)
    {
        _stderr = stderr;
        _listening = listen;
        if (listen)
        {
            Console.CancelKeyPress += OnCancelKeyPress;
        }
    }

    /// <summary>A token for one statement, cancelled by Ctrl-C or by <paramref name="outer"/>; end it with <see cref="End"/>.</summary>
    public CancellationToken Begin(CancellationToken outer)
    {
        lock (_gate)
        {
            _running?.Dispose();
            _running = CancellationTokenSource.CreateLinkedTokenSource(outer);
            _warned = false;
            return _running.Token;
        }
    }

    public void End()
    {
        lock (_gate)
        {
            _running?.Dispose();
            _running = null;
        }
    }

    /// <summary>What Ctrl-C does; returns true when the process should keep running.</summary>
    public bool Interrupt()
    {
        lock (_gate)
        {
            if (_running is { } running)
            {
                running.Cancel();
                return true;
            }

            if (_warned)
            {
                return false;
            }

            _warned = true;
            // The event handler is synchronous; one short line to the terminal.
            _stderr.WriteLine();
            _stderr.WriteLine("-- Ctrl-C again (or Ctrl-D) to leave the shell");
            _stderr.Flush();
            return true;
        }
    }

    public void Dispose()
    {
        if (_listening)
        {
            Console.CancelKeyPress -= OnCancelKeyPress;
        }

        End();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e) => e.Cancel = Interrupt();
}
