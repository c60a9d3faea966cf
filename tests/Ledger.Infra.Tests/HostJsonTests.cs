using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ledger.Infra.Tests;

/// <summary>host.json is what the Functions host needs to run our handler as a custom handler.</summary>
public sealed partial class HostJsonTests
{
    private static JsonElement HostJson()
    {
        using var document = JsonDocument.Parse(RepositoryRoot.ReadAllText("host.json"));
        return document.RootElement.Clone();
    }

    [Fact]
    public void Version_is_2()
    {
        Assert.Equal("2.0", HostJson().GetProperty("version").GetString());
    }

    [Fact]
    public void Custom_handler_runs_the_executable_that_package_sh_produces()
    {
        var description = HostJson().GetProperty("customHandler").GetProperty("description");
        var executable = description.GetProperty("defaultExecutablePath").GetString();
        var packageScript = RepositoryRoot.ReadAllText("eng/package.sh");

        Assert.Equal($"app/{typeof(Program).Assembly.GetName().Name}", executable);
        Assert.Matches(PublishIntoAppPattern(), packageScript);
        Assert.Contains($"chmod 755 \"$staging/root/{executable}\"", packageScript, StringComparison.Ordinal);
        Assert.Contains("cp \"$repo_root/host.json\" \"$staging/root/\"", packageScript, StringComparison.Ordinal);
        if (description.TryGetProperty("workingDirectory", out var workingDirectory))
        {
            Assert.Equal("app", workingDirectory.GetString());
        }
    }

    [Fact]
    public void Arguments_are_single_tokens_and_leave_the_port_to_the_handler()
    {
        var description = HostJson().GetProperty("customHandler").GetProperty("description");
        var arguments = description.TryGetProperty("arguments", out var value) ? value.EnumerateArray().ToList() : [];

        // The host joins arguments with spaces and no quoting; the handler reads FUNCTIONS_CUSTOMHANDLER_PORT itself.
        Assert.All(arguments, argument => Assert.Matches(SingleTokenPattern(), argument.GetString()));
        Assert.DoesNotContain(arguments, argument => argument.GetString() is "--urls" or "--port");
    }

    [Fact]
    public void Http_requests_reach_the_handler_unchanged()
    {
        var host = HostJson();
        var customHandler = host.GetProperty("customHandler");

        var proxying = customHandler.TryGetProperty("enableProxyingHttpRequest", out var proxy) && proxy.GetBoolean();
        var forwarding = customHandler.TryGetProperty("enableForwardingHttpRequest", out var forward) && forward.GetBoolean();
        Assert.True(proxying || forwarding, "enableProxyingHttpRequest or enableForwardingHttpRequest must be true");
        Assert.Equal("", host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.False(host.TryGetProperty("httpWorker", out _), "httpWorker is the deprecated name of customHandler");
    }

    [Fact]
    public void Extension_bundle_is_version_4_or_later_as_flex_requires()
    {
        var bundle = HostJson().GetProperty("extensionBundle");

        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", bundle.GetProperty("id").GetString());
        var range = BundleRangePattern().Match(bundle.GetProperty("version").GetString()!);
        Assert.True(range.Success, "extensionBundle.version is not a [low, high) range");
        Assert.True(int.Parse(range.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 4);
    }

    [Fact]
    public void Function_timeout_is_a_positive_time_span()
    {
        var text = HostJson().GetProperty("functionTimeout").GetString()!;

        var timeout = TimeSpan.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(timeout, TimeSpan.FromMinutes(1), TimeSpan.FromHours(2));
    }

    [GeneratedRegex(@"dotnet publish ""\$repo_root/src/Ledger\.Functions/Ledger\.Functions\.csproj""[^\n]*\\\n[^\n]*-r linux-x64 --self-contained true[^\n]*\\\n[^\n]*-o ""\$staging/root/app""")]
    private static partial Regex PublishIntoAppPattern();

    [GeneratedRegex(@"^\S+$")]
    private static partial Regex SingleTokenPattern();

    [GeneratedRegex(@"^\[(\d+)\.[\d*.]*,\s*[\d.*]+\)$")]
    private static partial Regex BundleRangePattern();
}
