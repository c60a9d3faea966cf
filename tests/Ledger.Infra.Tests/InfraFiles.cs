namespace Ledger.Infra.Tests;

/// <summary>The Bicep files under infra/, parsed once per test run.</summary>
internal static class InfraFiles
{
    private static readonly Lazy<IReadOnlyDictionary<string, BicepDocument>> Documents = new(() =>
        Directory.GetFiles(RepositoryRoot.Combine("infra"), "*.bicep", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToDictionary(
                path => Path.GetRelativePath(RepositoryRoot.Path, path).Replace(Path.DirectorySeparatorChar, '/'),
                BicepDocument.Load));

    /// <summary>Every Bicep file by repository-relative path (infra/main.bicep, infra/modules/...).</summary>
    public static IReadOnlyDictionary<string, BicepDocument> All => Documents.Value;

    public static BicepDocument Main => Get("infra/main.bicep");

    public static BicepDocument Get(string relativePath) =>
        All.TryGetValue(relativePath, out var document)
            ? document
            : throw new FileNotFoundException($"{relativePath} does not exist", relativePath);

    /// <summary>The single file that declares a resource of <paramref name="type"/>.</summary>
    public static (BicepDocument Document, BicepResource Resource) Single(string type)
    {
        var found = All.Values.SelectMany(d => d.Resources.Where(r => r.Type == type && !r.Existing).Select(r => (d, r))).ToList();
        Assert.True(found.Count == 1, $"expected one {type} resource, found {found.Count}");
        return found[0];
    }

    public static TheoryData<string> Paths()
    {
        var data = new TheoryData<string>();
        foreach (var path in All.Keys)
        {
            data.Add(path);
        }

        return data;
    }
}
