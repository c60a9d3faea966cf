using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ledger.Infra.Tests;

/// <summary>
/// Every functions/*/function.json has one of our two binding shapes, and the handler serves it: the HTTP
/// catch-all covers every path (the host forwards it unchanged), and each timer function is a POST
/// /{FunctionName} route that answers the host's invocation payload.
/// </summary>
public sealed partial class FunctionJsonTests
{
    private static readonly string[] HttpMethods = ["get", "post", "put", "patch", "delete", "head", "options", "trace", "connect"];

    public static TheoryData<string> FunctionNames() => Names(_ => true);

    public static TheoryData<string> TimerFunctionNames() => Names(name => Bindings(name)[0].GetProperty("type").GetString() == "timerTrigger");

    [Fact]
    public void There_is_one_http_function_and_at_least_one_timer()
    {
        var names = NameList(_ => true);

        Assert.Single(names, name => Bindings(name)[0].GetProperty("type").GetString() == "httpTrigger");
        Assert.NotEmpty(NameList(name => Bindings(name)[0].GetProperty("type").GetString() == "timerTrigger"));
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Theory]
    [MemberData(nameof(FunctionNames))]
    public void Function_name_is_a_valid_function_and_route_name(string name)
    {
        Assert.Matches(FunctionNamePattern(), name);
        Assert.DoesNotContain(name, new[] { "admin", "runtime", "health" }, StringComparer.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(FunctionNames))]
    public void Function_has_an_http_or_a_timer_shape(string name)
    {
        var bindings = Bindings(name);

        switch (bindings[0].GetProperty("type").GetString())
        {
            case "httpTrigger":
                AssertHttpCatchAll(bindings);
                break;
            case "timerTrigger":
                AssertTimer(bindings);
                break;
            default:
                Assert.Fail($"{name}: unexpected trigger {bindings[0].GetProperty("type")}");
                break;
        }
    }

    [Theory]
    [MemberData(nameof(TimerFunctionNames))]
    public async Task Handler_answers_the_timer_invocation_at_post_function_name(string name)
    {
        await using var host = await HandlerHost.StartAsync();
        using var body = new StringContent("""{"Data":{"timer":{"IsPastDue":false}},"Metadata":{}}""", Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/{name}") { Content = body };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var payload = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Object, payload.RootElement.GetProperty("Outputs").ValueKind);
        Assert.Equal(JsonValueKind.Array, payload.RootElement.GetProperty("Logs").ValueKind);
        Assert.True(payload.RootElement.TryGetProperty("ReturnValue", out _), "the invocation response has no ReturnValue");
    }

    [Fact]
    public async Task Handler_answers_the_host_readiness_probe_and_rejects_unknown_functions()
    {
        await using var host = await HandlerHost.StartAsync();
        using var body = new StringContent("""{"Data":{},"Metadata":{}}""", Encoding.UTF8, "application/json");

        using var ready = await host.Client.GetAsync(new Uri("/", UriKind.Relative));
        using var unknown = await host.Client.PostAsync(new Uri($"/NoSuchFunction{Guid.NewGuid():N}", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("{*path}", true)]
    [InlineData("{**rest}", true)]
    [InlineData("api/{*path}", false)]
    [InlineData("{path}", false)]
    [InlineData("{*path:int}", false)]
    [InlineData("", false)]
    public void Catch_all_detection(string route, bool coversEveryPath)
    {
        Assert.Equal(coversEveryPath, CatchAllPattern().IsMatch(route));
    }

    private static void AssertHttpCatchAll(IReadOnlyList<JsonElement> bindings)
    {
        Assert.Equal(2, bindings.Count);
        var trigger = bindings[0];
        var output = bindings[1];
        Assert.Equal(["authLevel", "direction", "methods", "name", "route", "type"], Keys(trigger));
        Assert.Equal("in", trigger.GetProperty("direction").GetString());
        Assert.Equal("anonymous", trigger.GetProperty("authLevel").GetString());
        Assert.Matches(CatchAllPattern(), trigger.GetProperty("route").GetString());
        var methods = trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.All(methods, m => Assert.Contains(m, HttpMethods));
        Assert.Subset(methods.ToHashSet(), new HashSet<string> { "get", "post" });
        Assert.Equal(["direction", "name", "type"], Keys(output));
        Assert.Equal("http", output.GetProperty("type").GetString());
        Assert.Equal("out", output.GetProperty("direction").GetString());
    }

    private static void AssertTimer(IReadOnlyList<JsonElement> bindings)
    {
        var timer = Assert.Single(bindings);
        Assert.Equal("in", timer.GetProperty("direction").GetString());
        Assert.Equal("timer", timer.GetProperty("name").GetString());  // the handler reads Data.timer.IsPastDue
        Assert.Subset(new HashSet<string> { "type", "direction", "name", "schedule", "runOnStartup", "useMonitor" }, Keys(timer).ToHashSet());
        var schedule = NcrontabSchedule.Parse(timer.GetProperty("schedule").GetString()!);
        Assert.NotEmpty(schedule.Seconds);
        if (timer.TryGetProperty("runOnStartup", out var runOnStartup))
        {
            Assert.False(runOnStartup.GetBoolean(), "runOnStartup fires on every scale-out and restart");
        }
    }

    private static List<string> Keys(JsonElement element) =>
        element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();

    private static List<JsonElement> Bindings(string name)
    {
        using var document = JsonDocument.Parse(RepositoryRoot.ReadAllText($"functions/{name}/function.json"));
        var bindings = document.RootElement.GetProperty("bindings").EnumerateArray().Select(b => b.Clone()).ToList();
        Assert.NotEmpty(bindings);
        return bindings;
    }

    private static TheoryData<string> Names(Func<string, bool> filter)
    {
        var data = new TheoryData<string>();
        foreach (var name in NameList(filter))
        {
            data.Add(name);
        }

        return data;
    }

    private static List<string> NameList(Func<string, bool> filter) =>
        Directory.GetDirectories(RepositoryRoot.Combine("functions"))
            .Where(folder => File.Exists(Path.Combine(folder, "function.json")))
            .Select(folder => Path.GetFileName(folder))
            .Where(filter)
            .Order(StringComparer.Ordinal)
            .ToList();

    [GeneratedRegex(@"^\{\*{1,2}\w+\}$")]
    private static partial Regex CatchAllPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_-]{0,126}$")]
    private static partial Regex FunctionNamePattern();
}
