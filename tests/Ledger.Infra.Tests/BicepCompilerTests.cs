using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Ledger.Infra.Tests;

/// <summary>
/// infra/main.bicep compiled by the real Bicep CLI (restored from NuGet as Azure.Bicep.CommandLine.linux-x64): it
/// must build and lint without a single diagnostic, and the ARM template it emits must deploy what the issue asks
/// for. The structural tests read the Bicep source; these read what Azure Resource Manager would receive.
/// </summary>
public sealed partial class BicepCompilerTests
{
    private static readonly Lazy<Task<CompiledTemplate>> Compiled = new(CompileMainAsync);

    [Fact]
    public async Task Main_bicep_builds_with_no_warnings_or_errors()
    {
        var template = await Compiled.Value;

        Assert.Equal(0, template.ExitCode);
        Assert.Equal(string.Empty, template.Diagnostics);
        Assert.Equal("https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", template.Root["$schema"]?.GetValue<string>());
    }

    [Fact]
    public async Task Every_bicep_file_passes_the_linter_without_diagnostics()
    {
        foreach (var file in Directory.GetFiles(RepositoryRoot.Combine("infra"), "*.bicep", SearchOption.AllDirectories))
        {
            var (exitCode, _, stderr) = await RunBicepAsync("lint", file);
            Assert.True(exitCode == 0 && stderr.Trim().Length == 0, $"{file}: exit {exitCode}\n{stderr}");
        }
    }

    [Fact]
    public async Task The_function_app_is_a_linux_custom_handler_on_flex_consumption_with_a_user_assigned_identity()
    {
        var template = await Compiled.Value;
        var plan = template.Single("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.Resource["sku"]?["name"]?.GetValue<string>());
        Assert.Equal("FlexConsumption", plan.Resource["sku"]?["tier"]?.GetValue<string>());

        var site = template.Single("Microsoft.Web/sites").Resource;
        Assert.Equal("functionapp,linux", site["kind"]?.GetValue<string>());
        Assert.Equal("custom", site["properties"]?["functionAppConfig"]?["runtime"]?["name"]?.GetValue<string>());
        Assert.Equal("UserAssigned", site["identity"]?["type"]?.GetValue<string>());
        Assert.True(site["properties"]?["httpsOnly"]?.GetValue<bool>());
        Assert.Equal(
            "UserAssignedIdentity",
            site["properties"]?["functionAppConfig"]?["deployment"]?["storage"]?["authentication"]?["type"]?.GetValue<string>());
    }

    [Fact]
    public async Task App_settings_use_the_managed_identity_and_carry_no_account_key_or_connection_string_secret()
    {
        var template = await Compiled.Value;
        var settings = template.Single("Microsoft.Web/sites").Resource["properties"]?["siteConfig"]?["appSettings"]?.AsArray()
            .ToDictionary(s => s!["name"]!.GetValue<string>(), s => s!["value"]!.ToJsonString(), StringComparer.Ordinal)
            ?? [];

        Assert.Contains("Ledger__TableEndpoint", settings.Keys);
        Assert.Contains("Ledger__BlobEndpoint", settings.Keys);
        Assert.Contains("Ledger__ManagedIdentityClientId", settings.Keys);
        Assert.Contains("Ledger__EventHubs__FullyQualifiedNamespace", settings.Keys);
        Assert.Equal("\"managedidentity\"", settings["AzureWebJobsStorage__credential"]);
        Assert.DoesNotContain(settings, s => s.Value.Contains("listKeys", StringComparison.OrdinalIgnoreCase)
            || s.Value.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase)
            || s.Value.Contains("SharedAccessKey", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_identity_gets_the_table_blob_and_event_hubs_data_roles()
    {
        var template = await Compiled.Value;
        var roleIds = template.All("Microsoft.Authorization/roleAssignments")
            .Select(a => a.ResolveRoleDefinitionGuid())
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.Contains("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", roleIds); // Storage Table Data Contributor
        Assert.Contains("ba92f5b4-2d11-453d-a403-e96b0029c9fe", roleIds); // Storage Blob Data Contributor
        Assert.Contains("2b629674-e913-4c01-ae53-ef4638d8f975", roleIds); // Azure Event Hubs Data Sender
        Assert.All(template.All("Microsoft.Authorization/roleAssignments"), a =>
            Assert.Equal("ServicePrincipal", a.Resource["properties"]?["principalType"]?.GetValue<string>()));
    }

    [Fact]
    public async Task The_journal_storage_account_is_locked_against_deletion_and_refuses_shared_keys()
    {
        var template = await Compiled.Value;
        var storage = template.Single("Microsoft.Storage/storageAccounts").Resource;
        Assert.False(storage["properties"]?["allowSharedKeyAccess"]?.GetValue<bool>() ?? true);

        var locks = template.All("Microsoft.Authorization/locks").ToList();
        var journalLock = Assert.Single(locks);
        Assert.Equal("CanNotDelete", journalLock.Resource["properties"]?["level"]?.GetValue<string>());
        Assert.Same(template.Single("Microsoft.Storage/storageAccounts").Module, journalLock.Module);
        Assert.Contains("Microsoft.Storage/storageAccounts", journalLock.Resource["scope"]?.GetValue<string>() ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Event_hubs_and_application_insights_are_deployed()
    {
        var template = await Compiled.Value;
        Assert.Single(template.All("Microsoft.EventHub/namespaces"));
        Assert.Single(template.All("Microsoft.EventHub/namespaces/eventhubs"));
        Assert.Equal("web", template.Single("Microsoft.Insights/components").Resource["kind"]?.GetValue<string>());
        Assert.Contains("functionAppHostName", template.Root["outputs"]!.AsObject().Select(o => o.Key));
    }

    private static async Task<CompiledTemplate> CompileMainAsync()
    {
        var (exitCode, stdout, stderr) = await RunBicepAsync("build", RepositoryRoot.Combine("infra/main.bicep"), "--stdout");
        var root = exitCode == 0 ? JsonNode.Parse(stdout)!.AsObject() : [];
        return new CompiledTemplate(exitCode, stderr.Trim(), root);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunBicepAsync(params string[] arguments)
    {
        var cli = typeof(BicepCompilerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepCliPath").Value!;
        Assert.True(File.Exists(cli), $"The Bicep CLI was not restored to {cli} (PackageDownload in the test project).");

        var start = new ProcessStartInfo(cli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The CLI checks for updates and reports telemetry unless told not to; neither may reach the network in CI.
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>One resource of the compiled template and the nested deployment (module) template it is in.</summary>
    private sealed record TemplateResource(JsonObject Module, JsonObject Resource)
    {
        public string ResolveRoleDefinitionGuid()
        {
            var expression = Resource["properties"]?["roleDefinitionId"]?.GetValue<string>() ?? string.Empty;
            var literal = GuidPattern().Match(expression);
            if (literal.Success)
            {
                return literal.Value;
            }

            // variables('roles').name or variables('name'): look the GUID up in the module's variables.
            var reference = VariableReference().Match(expression);
            Assert.True(reference.Success, $"unrecognised roleDefinitionId {expression}");
            var variable = Module["variables"]?[reference.Groups["name"].Value];
            var value = reference.Groups["member"].Success ? variable?[reference.Groups["member"].Value] : variable;
            return value?.GetValue<string>() ?? throw new InvalidOperationException($"unresolved {expression}");
        }
    }

    private sealed record CompiledTemplate(int ExitCode, string Diagnostics, JsonObject Root)
    {
        public IEnumerable<TemplateResource> All(string type) => Walk(Root).Where(r => r.Resource["type"]?.GetValue<string>() == type);

        public TemplateResource Single(string type)
        {
            var found = All(type).ToList();
            Assert.True(found.Count == 1, $"expected one {type} in the compiled template, found {found.Count}");
            return found[0];
        }

        private static IEnumerable<TemplateResource> Walk(JsonObject template)
        {
            var resources = template["resources"] switch
            {
                JsonArray array => array.Select(r => r!.AsObject()),
                JsonObject byName => byName.Select(r => r.Value!.AsObject()),
                _ => [],
            };
            foreach (var resource in resources)
            {
                yield return new TemplateResource(template, resource);
                if (resource["properties"]?["template"] is JsonObject nested)
                {
                    foreach (var inner in Walk(nested))
                    {
                        yield return inner;
                    }
                }
            }
        }
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.IgnoreCase)]
    private static partial Regex GuidPattern();

    [GeneratedRegex(@"variables\('(?<name>[^']+)'\)(\.(?<member>\w+))?")]
    private static partial Regex VariableReference();
}
