using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ledger.Functions.Hosting;
using Ledger.Functions.Streams;

namespace Ledger.Infra.Tests;

/// <summary>What the Bicep must do for the ledger: identity-only access, the roles, the lock, the app settings.</summary>
public sealed partial class InfraPolicyTests
{
    /// <summary>Handler settings that only make sense on a developer machine (Azurite keys, a local listen address).</summary>
    private static readonly string[] LocalOnlyOptions =
        [nameof(LedgerHostOptions.LocalUrl), nameof(LedgerHostOptions.StorageConnectionString)];

    /// <summary>Options sections besides LedgerHostOptions whose Azure settings the Bicep must provide.</summary>
    private static readonly string[] AzureStreamSettings = [$"Ledger__EventHubs__{nameof(EventHubsOptions.FullyQualifiedNamespace)}"];

    public static TheoryData<string, string, string> Roles() => new()
    {
        { "Storage Table Data Contributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Microsoft.Storage/storageAccounts" },
        { "Storage Blob Data Contributor", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "Microsoft.Storage/storageAccounts" },
        { "Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Microsoft.Storage/storageAccounts" },
        { "Azure Event Hubs Data Sender", "2b629674-e913-4c01-ae53-ef4638d8f975", "Microsoft.EventHub/namespaces/eventhubs" },
    };

    /// <summary>The app settings the handler reads in Azure: every LedgerHostOptions property except the local-only ones.</summary>
    public static TheoryData<string> HandlerSettings()
    {
        var data = new TheoryData<string>();
        foreach (var setting in HandlerSettingNames())
        {
            data.Add(setting);
        }

        return data;
    }

    private static List<string> HandlerSettingNames() =>
        typeof(LedgerHostOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.CanWrite && !LocalOnlyOptions.Contains(property.Name))
            .Select(property => $"{LedgerHostOptions.SectionName}__{property.Name}")
            .Concat(AzureStreamSettings)
            .ToList();

    [Theory]
    [MemberData(nameof(Roles))]
    public void Role_is_assigned_to_the_identity_on_its_resource(string role, string roleDefinitionGuid, string scopeType)
    {
        var (document, roleReference) = FindRoleReference(roleDefinitionGuid);
        var assignments = document.Resources
            .Where(r => r.Type == "Microsoft.Authorization/roleAssignments" && r.Body.Contains(roleReference, StringComparison.Ordinal))
            .ToList();

        var assignment = Assert.Single(assignments);
        var properties = BicepDocument.PropertyBlock(assignment.Body, "properties")!;
        Assert.Contains($"roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', {roleReference})", properties, StringComparison.Ordinal);
        Assert.Contains("principalType: 'ServicePrincipal'", properties, StringComparison.Ordinal);
        Assert.Matches(PrincipalPattern(), properties);

        // The name must be computable when the deployment starts: guid() over resource ids and the role, never a principal id.
        var name = NamePattern().Match(assignment.Body);
        Assert.True(name.Success, $"{role}: the assignment name is not guid(...)");
        Assert.Contains(roleReference, name.Groups[1].Value, StringComparison.Ordinal);
        Assert.DoesNotContain("principalId", name.Groups[1].Value, StringComparison.Ordinal);

        var scope = ScopePattern().Match(assignment.Body);
        Assert.True(scope.Success, $"{role}: the assignment has no scope");
        Assert.Equal(scopeType, document.Resources.Single(r => r.Symbol == scope.Groups[1].Value).Type);
    }

    [Fact]
    public void Journal_storage_has_a_cannot_delete_lock()
    {
        var (document, storage) = InfraFiles.Single("Microsoft.Storage/storageAccounts");
        var locks = document.Resources.Where(r => r.Type == "Microsoft.Authorization/locks").ToList();

        var journalLock = Assert.Single(locks);
        Assert.Equal(storage.Symbol, ScopePattern().Match(journalLock.Body).Groups[1].Value);
        Assert.Contains("level: 'CanNotDelete'", journalLock.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_and_event_hubs_accept_identities_only()
    {
        var (_, storage) = InfraFiles.Single("Microsoft.Storage/storageAccounts");
        var (_, eventHubs) = InfraFiles.Single("Microsoft.EventHub/namespaces");

        Assert.Contains("allowSharedKeyAccess: false", storage.Body, StringComparison.Ordinal);
        Assert.Contains("allowBlobPublicAccess: false", storage.Body, StringComparison.Ordinal);
        Assert.Contains("minimumTlsVersion: 'TLS1_2'", storage.Body, StringComparison.Ordinal);
        Assert.Contains("disableLocalAuth: true", eventHubs.Body, StringComparison.Ordinal);
        Assert.All(InfraFiles.All, file =>
        {
            Assert.DoesNotContain("listKeys(", file.Value.Code, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("AccountKey=", file.Value.Code, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SharedAccessKey", file.Value.Code, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public void Storage_has_the_deployment_container_and_the_ledger_containers()
    {
        var containers = InfraFiles.All.Values.SelectMany(d => d.Resources)
            .Where(r => r.Type == "Microsoft.Storage/storageAccounts/blobServices/containers")
            .Select(r => NameValuePattern().Match(r.Body).Groups[1].Value)
            .ToList();

        Assert.Contains("deploymentContainerName", containers);
        Assert.Contains("'ledger-segments'", containers);
        Assert.Contains("var deploymentContainerName = 'deploymentpackage'", InfraFiles.Main.Code, StringComparison.Ordinal);
        Assert.Single(InfraFiles.All.Values.SelectMany(d => d.Resources), r => r.Type == "Microsoft.Storage/storageAccounts/tableServices/tables");
    }

    [Fact]
    public void Function_app_is_a_linux_flex_consumption_custom_handler_deployed_with_the_identity()
    {
        var (_, plan) = InfraFiles.Single("Microsoft.Web/serverfarms");
        var (_, site) = InfraFiles.Single("Microsoft.Web/sites");

        Assert.Contains("name: 'FC1'", plan.Body, StringComparison.Ordinal);
        Assert.Contains("tier: 'FlexConsumption'", plan.Body, StringComparison.Ordinal);
        Assert.Contains("reserved: true", plan.Body, StringComparison.Ordinal);
        Assert.Contains("kind: 'functionapp,linux'", site.Body, StringComparison.Ordinal);
        Assert.Contains("httpsOnly: true", site.Body, StringComparison.Ordinal);

        var config = BicepDocument.PropertyBlock(BicepDocument.PropertyBlock(site.Body, "properties")!, "functionAppConfig")!;
        var runtime = BicepDocument.PropertyBlock(config, "runtime")!;
        Assert.Contains("name: 'custom'", runtime, StringComparison.Ordinal);
        var storage = BicepDocument.PropertyBlock(BicepDocument.PropertyBlock(config, "deployment")!, "storage")!;
        Assert.Contains("type: 'blobContainer'", storage, StringComparison.Ordinal);
        Assert.Contains("type: 'UserAssignedIdentity'", BicepDocument.PropertyBlock(storage, "authentication"), StringComparison.Ordinal);
        var scale = BicepDocument.PropertyBlock(config, "scaleAndConcurrency")!;
        Assert.Equal(["maximumInstanceCount", "instanceMemoryMB"], BicepDocument.TopLevelKeys(scale));
        Assert.Contains("type: 'UserAssigned'", BicepDocument.PropertyBlock(site.Body, "identity"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HandlerSettings))]
    public void Every_setting_the_handler_reads_in_azure_is_set(string setting)
    {
        Assert.Contains(setting, AppSettings().Keys);
    }

    [Theory]
    [InlineData("Ledger__TableEndpoint", "storage.outputs.tableEndpoint")]
    [InlineData("Ledger__BlobEndpoint", "storage.outputs.blobEndpoint")]
    [InlineData("Ledger__ManagedIdentityClientId", "identity.outputs.clientId")]
    [InlineData("Ledger__EventHubs__FullyQualifiedNamespace", "eventHubs.outputs.namespaceFqdn")]
    [InlineData("AzureWebJobsStorage__accountName", "storage.outputs.name")]
    public void Setting_is_wired_from_the_resource_that_provides_it(string setting, string mainExpression)
    {
        var (siteFile, _) = InfraFiles.Single("Microsoft.Web/sites");
        var siteParam = AppSettings()[setting];
        Assert.Contains(siteFile.Params, p => p.Name == siteParam);

        var call = InfraFiles.Main.Modules.Single(m =>
            Path.GetFullPath(Path.Combine(Path.GetDirectoryName(InfraFiles.Main.FilePath)!, m.Path)) == Path.GetFullPath(siteFile.FilePath));
        var passed = Regex.Match(BicepDocument.PropertyBlock(call.Body, "params")!, $@"(?m)^\s+{siteParam}:\s*(.+?)\s*$");
        Assert.True(passed.Success, $"main.bicep does not pass {siteParam} to {call.Path}");
        Assert.Equal(mainExpression, passed.Groups[1].Value);
    }

    [Fact]
    public void Endpoint_outputs_come_from_the_storage_account_itself()
    {
        var (document, storage) = InfraFiles.Single("Microsoft.Storage/storageAccounts");

        Assert.Contains($"output tableEndpoint string = {storage.Symbol}.properties.primaryEndpoints.table", document.Code, StringComparison.Ordinal);
        Assert.Contains($"output blobEndpoint string = {storage.Symbol}.properties.primaryEndpoints.blob", document.Code, StringComparison.Ordinal);
    }

    [Fact]
    public void App_settings_use_identities_and_no_worker_runtime()
    {
        var settings = AppSettings();
        var handler = HandlerSettingNames().ToHashSet(StringComparer.Ordinal);

        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings.Keys);
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.DoesNotContain("Ledger__StorageConnectionString", settings.Keys);
        Assert.Equal("'managedidentity'", settings["AzureWebJobsStorage__credential"]);
        Assert.Contains("AzureWebJobsStorage__accountName", settings.Keys);
        Assert.Contains("AzureWebJobsStorage__clientId", settings.Keys);
        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", settings.Keys);
        Assert.Equal(settings["AzureWebJobsStorage__clientId"], settings["Ledger__ManagedIdentityClientId"]);
        Assert.All(settings.Keys.Where(k => k.StartsWith("Ledger__", StringComparison.Ordinal)), key =>
            Assert.True(handler.Contains(key), $"{key} is set but nothing reads it"));
    }

    [Fact]
    public void Main_outputs_what_deployment_scripts_need()
    {
        Assert.Subset(InfraFiles.Main.Outputs.ToHashSet(),
            new HashSet<string> { "functionAppName", "functionAppHostName", "storageAccountName", "eventHubsNamespace", "deploymentContainerUrl" });
    }

    [Fact]
    public void Example_parameters_file_names_only_declared_parameters()
    {
        using var parameters = JsonDocument.Parse(RepositoryRoot.ReadAllText("infra/main.parameters.json"));
        var declared = InfraFiles.Main.Params.ToDictionary(p => p.Name, StringComparer.Ordinal);

        var names = parameters.RootElement.GetProperty("parameters").EnumerateObject().ToList();
        Assert.NotEmpty(names);
        Assert.All(names, p =>
        {
            Assert.True(declared.TryGetValue(p.Name, out var param), $"main.parameters.json sets {p.Name}, which main.bicep does not declare");
            var value = p.Value.GetProperty("value");
            var expectedKind = param.Type switch
            {
                "string" => JsonValueKind.String,
                "int" => JsonValueKind.Number,
                "array" => JsonValueKind.Array,
                "object" => JsonValueKind.Object,
                _ => value.ValueKind,
            };
            Assert.Equal(expectedKind, value.ValueKind);
        });
        Assert.All(InfraFiles.Main.Params.Where(p => !p.HasDefault), p => Assert.Contains(names, n => n.Name == p.Name));
    }

    /// <summary>The Function App's appSettings as name → Bicep value expression.</summary>
    private static Dictionary<string, string> AppSettings()
    {
        var (_, site) = InfraFiles.Single("Microsoft.Web/sites");
        var siteConfig = BicepDocument.PropertyBlock(BicepDocument.PropertyBlock(site.Body, "properties")!, "siteConfig")!;
        var block = BicepDocument.PropertyBlock(siteConfig, "appSettings");
        Assert.NotNull(block);

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match entry in AppSettingPattern().Matches(block))
        {
            Assert.True(settings.TryAdd(entry.Groups[1].Value, entry.Groups[2].Value.Trim()), $"{entry.Groups[1].Value} is set twice");
        }

        Assert.Equal(block.Split("name:").Length - 1, settings.Count);
        return settings;
    }

    /// <summary>The file that declares the role GUID and the expression that names it (a var or a var's property).</summary>
    private static (BicepDocument Document, string Reference) FindRoleReference(string guid)
    {
        foreach (var document in InfraFiles.All.Values)
        {
            if (Regex.Match(document.Code, $@"(?m)^var\s+(\w+)\s*=\s*'{guid}'") is { Success: true } plain)
            {
                return (document, plain.Groups[1].Value);
            }

            if (Regex.Match(document.Code, $@"(?ms)^var\s+(\w+)\s*=\s*\{{[^}}]*?^\s+(\w+):\s*'{guid}'") is { Success: true } member)
            {
                return (document, $"{member.Groups[1].Value}.{member.Groups[2].Value}");
            }
        }

        Assert.Fail($"No var declares role definition {guid}");
        return default;
    }

    [GeneratedRegex(@"\{\s*name:\s*'([^']+)'\s*value:\s*([^\n]+)\s*\}")]
    private static partial Regex AppSettingPattern();

    [GeneratedRegex(@"(?m)^  name:\s*guid\((.*)\)\s*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"(?m)^  scope:\s*(\w+)\s*$")]
    private static partial Regex ScopePattern();

    [GeneratedRegex(@"(?m)^  name:\s*(.+?)\s*$")]
    private static partial Regex NameValuePattern();

    [GeneratedRegex(@"principalId:\s*\w+")]
    private static partial Regex PrincipalPattern();
}
