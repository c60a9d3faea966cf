using System.Runtime.CompilerServices;

namespace Ledger.Ion.Tests;

/// <summary>Locates the read-only shared folder (specs and test data) next to the repository.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> SharedFolder = new(FindShared);

    /// <summary>
    /// The folder holding <c>testdata/</c>: <c>LEDGER_SHARED_DIR</c> if set, else the first <c>shared</c> folder
    /// (with <c>testdata</c>) found walking up from the test assembly's directory, the working directory, or this
    /// source file's directory.
    /// </summary>
    public static string Shared => SharedFolder.Value;

    /// <summary><c>testdata/ion/ion-tests/iontestdata</c>.</summary>
    public static string IonTestData => Path.Combine(Shared, "testdata", "ion", "ion-tests", "iontestdata");

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path) ?? ".";

    private static string FindShared()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("LEDGER_SHARED_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment) && Directory.Exists(Path.Combine(fromEnvironment, "testdata")))
        {
            return fromEnvironment;
        }

        // The test assembly may be built outside the repository (--artifacts-path), so also start from where this
        // source file was compiled.
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), SourceDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "shared");
                if (Directory.Exists(Path.Combine(candidate, "testdata")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("Could not find the shared folder (shared/testdata); set LEDGER_SHARED_DIR to its path.");
    }
}
