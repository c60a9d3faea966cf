using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text.Json;

namespace Ledger.Functions.Tests;

/// <summary>
/// Builds the deployable zip with eng/package.sh, unpacks it and checks what the Functions host needs:
/// host.json and every function folder at the root, and an executable handler that serves /health on
/// FUNCTIONS_CUSTOMHANDLER_PORT.
/// </summary>
public sealed class PackageLayoutTests : IClassFixture<PackageLayoutTests.PackagedApp>
{
    private readonly PackagedApp _package;

    public PackageLayoutTests(PackagedApp package) => _package = package;

    [Fact]
    public void Host_json_is_at_the_root_and_names_the_handler()
    {
        var hostJson = Path.Combine(_package.Root, "host.json");
        Assert.True(File.Exists(hostJson));

        using var document = JsonDocument.Parse(File.ReadAllText(hostJson));
        var description = document.RootElement.GetProperty("customHandler").GetProperty("description");
        var executable = description.GetProperty("defaultExecutablePath").GetString()!;
        Assert.True(File.Exists(Path.Combine(_package.Root, executable)), $"{executable} is not in the package");
    }

    [Fact]
    public void Every_function_folder_is_at_the_root()
    {
        var expected = Directory.GetDirectories(Path.Combine(RepositoryPaths.Root, "functions"))
            .Select(Path.GetFileName)
            .ToArray();

        Assert.NotEmpty(expected);
        foreach (var function in expected)
        {
            Assert.True(File.Exists(Path.Combine(_package.Root, function!, "function.json")), $"{function}/function.json is missing");
        }
    }

    [Fact]
    public void Handler_keeps_its_executable_bit_in_the_zip()
    {
        using var archive = ZipFile.OpenRead(_package.ZipPath);
        var entry = archive.GetEntry("app/Ledger.Functions");

        Assert.NotNull(entry);
        var unixMode = (entry.ExternalAttributes >> 16) & 0x1FF;
        Assert.True((unixMode & 0x49) == 0x49, $"app/Ledger.Functions has mode {Convert.ToString(unixMode, 8)}, not executable");
    }

    [Fact]
    public async Task Packaged_handler_answers_health_on_the_custom_handler_port()
    {
        LocalAzurite.EnsureRunning();
        var port = HandlerHost.FreePort();
        var start = new ProcessStartInfo(Path.Combine(_package.Root, "app", "Ledger.Functions"))
        {
            WorkingDirectory = Path.Combine(_package.Root, "app"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Ledger__StorageConnectionString"] = LocalAzurite.ConnectionString;
        start.Environment["Ledger__LocalUrl"] = "http://127.0.0.1:1";  // must be ignored in favour of the port

        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var health = new Uri($"http://127.0.0.1:{port}/health");
            HttpResponseMessage? response = null;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (response is null && DateTime.UtcNow < deadline)
            {
                try
                {
                    response = await client.GetAsync(health);
                }
                catch (HttpRequestException)
                {
                    Assert.False(process.HasExited, "the packaged handler exited during start-up");
                    await Task.Delay(100);
                }
            }

            Assert.NotNull(response);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Runs eng/package.sh once for the class and unpacks the zip.</summary>
    public sealed class PackagedApp : IAsyncLifetime
    {
        private readonly string _workDirectory = Directory.CreateTempSubdirectory("ledger-package-test-").FullName;

        public string ZipPath => Path.Combine(_workDirectory, "ledger-functions.zip");

        public string Root => Path.Combine(_workDirectory, "unpacked");

        public async Task InitializeAsync()
        {
            var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryPaths.Root, "eng", "package.sh"), ZipPath])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = RepositoryPaths.Root,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"eng/package.sh failed:\n{await output}\n{await error}");

            // Extract with unzip, as the platform does, so mode bits are applied to the files.
            Directory.CreateDirectory(Root);
            using var unzip = Process.Start(new ProcessStartInfo("unzip", ["-q", ZipPath, "-d", Root]) { RedirectStandardOutput = true })!;
            await unzip.WaitForExitAsync();
            Assert.Equal(0, unzip.ExitCode);
        }

        public Task DisposeAsync()
        {
            Directory.Delete(_workDirectory, recursive: true);
            return Task.CompletedTask;
        }
    }
}
