using System.Runtime.CompilerServices;

namespace Ledger.Functions.Tests;

/// <summary>Finds the repository root (the folder holding Ledger.Serverless.sln) from the test run.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        // The test assembly may be built outside the repository (--artifacts-path), so the compile-time
        // location of this file is the last resort.
        var starts = new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), SourceDirectory() };
        foreach (var start in starts)
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Ledger.Serverless.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("Ledger.Serverless.sln was not found above the test directory.");
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path) ?? ".";
}
