using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Ledger.Ion.Tests;

/// <summary>
/// Paths of the Ion conformance data (found through <see cref="TestPaths"/>) and of the repository root (a parent
/// folder holding <c>Ledger.Serverless.sln</c>, searched from the test assembly, the working directory and this
/// source file), plus the derived SHA-256 expectations.
/// </summary>
internal static partial class BinaryTestData
{
    private static readonly Lazy<string> s_repositoryRoot = new(FindRepositoryRoot);

    public static string SharedDirectory => TestPaths.Shared;

    public static string RepositoryRoot => s_repositoryRoot.Value;

    public static string IonTestsDirectory => Path.Combine(SharedDirectory, "testdata", "ion", "ion-tests", "iontestdata");

    public static string HashTestsFile => Path.Combine(SharedDirectory, "testdata", "ion", "ion-hash-test", "ion_hash_tests.ion");

    public static string DerivedDirectory => Path.Combine(SharedDirectory, "testdata", "ion", "derived");

    /// <summary>Paths relative to <see cref="IonTestsDirectory"/> with '/' separators, e.g. <c>good/null.10n</c>.</summary>
    public static IEnumerable<string> IonTestFiles(string folder, string extension) =>
        Directory.EnumerateFiles(Path.Combine(IonTestsDirectory, folder), "*" + extension, SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(IonTestsDirectory, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    public static byte[] ReadIonTestFile(string relativePath) => File.ReadAllBytes(Path.Combine(IonTestsDirectory, relativePath));

    /// <summary>
    /// The derived per-file SHA-256 expectations (<c>ion-tests-good.sha256.ion</c>): one machine-written line per
    /// file, <c>{ file: "good/x", sha256: ["hex", ...] }</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> GoodFileHashes => s_goodFileHashes.Value;

    private static readonly Lazy<IReadOnlyDictionary<string, string[]>> s_goodFileHashes = new(() =>
    {
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(DerivedDirectory, "ion-tests-good.sha256.ion")))
        {
            var match = GoodFileLine().Match(line);
            if (match.Success)
            {
                result[match.Groups["file"].Value] = [.. HexString().Matches(match.Groups["hashes"].Value).Select(m => m.Groups[1].Value)];
            }
        }

        return result;
    });

    [GeneratedRegex("""^\{ file: "(?<file>[^"]+)", sha256: \[(?<hashes>[^\]]*)\] \}$""")]
    private static partial Regex GoodFileLine();

    [GeneratedRegex("\"([0-9a-f]{64})\"")]
    private static partial Regex HexString();

    private static string FindRepositoryRoot() =>
        WalkUp(dir => File.Exists(Path.Combine(dir, "Ledger.Serverless.sln")), dir => dir)
        ?? throw new DirectoryNotFoundException("Could not find the repository root (a folder with Ledger.Serverless.sln).");

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path) ?? ".";

    private static string? WalkUp(Func<string, bool> isMatch, Func<string, string> select)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), SourceDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (isMatch(dir.FullName))
                {
                    return select(dir.FullName);
                }
            }
        }

        return null;
    }
}
