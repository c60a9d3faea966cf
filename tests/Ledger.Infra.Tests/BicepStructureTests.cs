using System.Text.RegularExpressions;

namespace Ledger.Infra.Tests;

/// <summary>The infra/ Bicep files parse structurally and hang together: modules, parameters, outputs, API versions.</summary>
public sealed partial class BicepStructureTests
{
    /// <summary>
    /// API versions known to support the shapes we use. The first five are the spec's list
    /// (azure-platform.md 6.1); child types use their parent's version. The rest are not in the spec: they are
    /// the current GA versions used by Microsoft's Flex Consumption templates and must be confirmed by
    /// <c>az bicep build</c> before the first deployment (docs/deploy.md).
    /// </summary>
    private static readonly Dictionary<string, string> KnownGoodApiVersions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Microsoft.Web/sites"] = "2024-04-01",
        ["Microsoft.Web/serverfarms"] = "2024-04-01",
        ["Microsoft.Storage/storageAccounts"] = "2023-05-01",
        ["Microsoft.EventHub/namespaces"] = "2024-01-01",
        ["Microsoft.Authorization/roleAssignments"] = "2022-04-01",
        ["Microsoft.Authorization/locks"] = "2020-05-01",
        ["Microsoft.ManagedIdentity/userAssignedIdentities"] = "2023-01-31",
        ["Microsoft.OperationalInsights/workspaces"] = "2023-09-01",
        ["Microsoft.Insights/components"] = "2020-02-02",
    };

    public static TheoryData<string> BicepFiles() => InfraFiles.Paths();

    [Fact]
    public void Main_and_its_modules_exist()
    {
        Assert.Contains("infra/main.bicep", InfraFiles.All.Keys);
        Assert.All(InfraFiles.Main.Modules, module =>
            Assert.True(File.Exists(ModulePath(InfraFiles.Main, module)), $"main.bicep:{module.Line}: module file {module.Path} does not exist"));
        Assert.True(InfraFiles.All.Count > 1);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void File_is_structurally_sound(string path)
    {
        var document = InfraFiles.Get(path);

        Assert.Empty(document.Errors);
        Assert.True(document.Resources.Count + document.Modules.Count > 0, $"{path} declares nothing");
        Assert.Equal(0, document.Text.Count(c => c == '\t'));
        Assert.DoesNotContain("\r", document.Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Every_parameter_and_variable_is_used(string path)
    {
        var document = InfraFiles.Get(path);

        Assert.All(document.Params, p => Assert.True(document.CountReferences(p.Name) > 0, $"{path}:{p.Line}: param {p.Name} is never used"));
        Assert.All(document.Vars, v => Assert.True(document.CountReferences(v) > 0, $"{path}: var {v} is never used"));
        Assert.Equal(document.Params.Count, document.Params.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Module_calls_match_the_module_parameters(string path)
    {
        var document = InfraFiles.Get(path);

        foreach (var module in document.Modules)
        {
            var target = BicepDocument.Load(ModulePath(document, module));
            var declared = target.Params.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            Assert.All(module.ParamKeys, key =>
                Assert.True(declared.Contains(key), $"{path}:{module.Line}: module {module.Symbol} passes '{key}', which {module.Path} does not declare"));
            Assert.All(target.Params.Where(p => !p.HasDefault), p =>
                Assert.True(module.ParamKeys.Contains(p.Name), $"{path}:{module.Line}: module {module.Symbol} does not pass required param '{p.Name}'"));
            Assert.Matches(NamePropertyPattern(), module.Body);
        }
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Module_outputs_that_are_read_are_declared(string path)
    {
        var document = InfraFiles.Get(path);
        var modules = document.Modules.ToDictionary(m => m.Symbol, m => BicepDocument.Load(ModulePath(document, m)), StringComparer.Ordinal);

        foreach (Match use in ModuleOutputPattern().Matches(document.Expressions))
        {
            var symbol = use.Groups[1].Value;
            Assert.True(modules.ContainsKey(symbol), $"{path}:{document.LineOf(use.Index)}: {symbol} is not a module");
            Assert.True(modules[symbol].Outputs.Contains(use.Groups[2].Value),
                $"{path}:{document.LineOf(use.Index)}: module {symbol} has no output {use.Groups[2].Value}");
        }
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Resources_use_known_good_api_versions(string path)
    {
        foreach (var resource in InfraFiles.Get(path).Resources)
        {
            var root = string.Join('/', resource.Type.Split('/').Take(2));
            Assert.True(KnownGoodApiVersions.TryGetValue(root, out var expected), $"{path}:{resource.Line}: {resource.Type} has no known-good API version");
            Assert.True(expected == resource.ApiVersion,
                $"{path}:{resource.Line}: {resource.Type}@{resource.ApiVersion}, expected @{expected}");
        }
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Child_resources_name_a_declared_parent_of_the_right_type(string path)
    {
        var document = InfraFiles.Get(path);
        var bySymbol = document.Resources.ToDictionary(r => r.Symbol, StringComparer.Ordinal);

        foreach (var resource in document.Resources)
        {
            var segments = resource.Type.Split('/');
            var parent = ParentPattern().Match(resource.Body);
            if (segments.Length == 2)
            {
                Assert.False(parent.Success, $"{path}:{resource.Line}: top-level {resource.Type} has a parent");
                continue;
            }

            Assert.True(parent.Success, $"{path}:{resource.Line}: child {resource.Type} needs parent:");
            Assert.True(bySymbol.TryGetValue(parent.Groups[1].Value, out var parentResource), $"{path}:{resource.Line}: unknown parent {parent.Groups[1].Value}");
            Assert.Equal(string.Join('/', segments[..^1]), parentResource.Type);
        }
    }

    [Fact]
    public void Resource_symbols_are_unique_per_file()
    {
        Assert.All(InfraFiles.All, file =>
        {
            var symbols = file.Value.Resources.Select(r => r.Symbol).Concat(file.Value.Modules.Select(m => m.Symbol)).ToList();
            Assert.Equal(symbols.Count, symbols.Distinct(StringComparer.Ordinal).Count());
        });
    }

    private static string ModulePath(BicepDocument document, BicepModule module) =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document.FilePath)!, module.Path));

    [GeneratedRegex(@"(?<![.\w])(\w+)\.outputs\.(\w+)")]
    private static partial Regex ModuleOutputPattern();

    [GeneratedRegex(@"(?m)^  parent:\s*(\w+)\s*$")]
    private static partial Regex ParentPattern();

    [GeneratedRegex(@"(?m)^  name:\s*\S")]
    private static partial Regex NamePropertyPattern();
}
