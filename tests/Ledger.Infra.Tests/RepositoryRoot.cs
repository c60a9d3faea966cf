using System.Runtime.CompilerServices;

namespace Ledger.Infra.Tests;

/// <summary>
/// The checkout these tests read: the first folder holding Ledger.Serverless.sln above the test binaries, the
/// current directory or this source file (build outputs may live outside the repository).
/// </summary>
internal static class RepositoryRoot
{
    private const string SolutionFile = "Ledger.Serverless.sln";

    private static readonly Lazy<string> Root = new(() => Locate());

    public static string Path => Root.Value;

    /// <summary>A path below the repository root, from '/'-separated segments.</summary>
    public static string Combine(string relativePath) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, relativePath.Replace('/', System.IO.Path.DirectorySeparatorChar)));

    public static string ReadAllText(string relativePath) => File.ReadAllText(Combine(relativePath));

    private static string Locate([CallerFilePath] string sourceFile = "")
    {
        var starts = new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), System.IO.Path.GetDirectoryName(sourceFile) };
        foreach (var start in starts)
        {
            for (var folder = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(folder.FullName, SolutionFile)))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"No folder containing {SolutionFile} above {string.Join(", ", starts.Where(s => !string.IsNullOrEmpty(s)))}.");
    }
}
