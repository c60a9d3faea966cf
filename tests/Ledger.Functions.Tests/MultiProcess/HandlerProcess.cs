using System.Diagnostics;
using System.Text;

namespace Ledger.Functions.Tests.MultiProcess;

/// <summary>
/// The built handler (<c>dotnet Ledger.Functions.dll</c>) as a separate operating-system process on a free port,
/// configured through environment variables the way eng/run-local.sh and the Functions host configure it.
/// </summary>
internal sealed class HandlerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HandlerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last part of what the process wrote, for failure messages.</summary>
    public string OutputTail
    {
        get
        {
            lock (_output)
            {
                var text = _output.ToString();
                return text.Length > 4000 ? text[^4000..] : text;
            }
        }
    }

    /// <summary>Starts a handler on the shared Azurite under <paramref name="storagePrefix"/> and waits until it answers.</summary>
    public static async Task<HandlerProcess> StartAsync(string storagePrefix, CancellationToken cancellationToken = default)
    {
        var port = HandlerHost.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { HandlerAssemblyPath() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("FUNCTIONS_CUSTOMHANDLER_PORT");
        start.Environment["Ledger__Storage"] = "Azure";
        start.Environment["Ledger__StorageConnectionString"] = LocalAzurite.ConnectionString;
        start.Environment["Ledger__StoragePrefix"] = storagePrefix;
        start.Environment["Ledger__LocalUrl"] = $"http://127.0.0.1:{port}";
        start.Environment["Ledger__Auth__UseLocalDevelopmentKeys"] = "true";
        // Request logs of thousands of transactions would only slow the run down.
        start.Environment["Logging__LogLevel__Default"] = "Warning";

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var handler = new HandlerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => handler.Append(e.Data);
        process.ErrorDataReceived += (_, e) => handler.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await handler.WaitUntilAnsweringAsync(cancellationToken);
        }
        catch
        {
            await handler.DisposeAsync();
            throw;
        }

        return handler;
    }

    /// <summary>SIGKILL: no shutdown hooks run, the Blob lease is not released, in-flight work is cut off.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private static string HandlerAssemblyPath()
    {
        // The project reference copies the handler, its deps.json and runtimeconfig.json next to the tests, built
        // with them in the same configuration (also under --artifacts-path).
        var path = Path.Combine(AppContext.BaseDirectory, "Ledger.Functions.dll");
        return File.Exists(path) && File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json"))
            ? path
            : throw new FileNotFoundException($"The handler is not built next to the tests ({path}).", path);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The handler exited with {_process.ExitCode}:\n{OutputTail}");
            }

            try
            {
                using var response = await http.GetAsync(BaseAddress, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Starting up slowly on a loaded machine.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The handler on {BaseAddress} did not answer within 60 s:\n{OutputTail}");
    }
}
