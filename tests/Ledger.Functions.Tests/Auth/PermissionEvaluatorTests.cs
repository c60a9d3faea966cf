using Ledger.Functions.Auth.Credentials;
using Ledger.Functions.Auth.Permissions;

namespace Ledger.Functions.Tests.Auth;

public sealed class PermissionEvaluatorTests
{
    private const string Region = "us-east-1";
    private const string Account = "123456789012";
    private static readonly string Vehicles = QldbArns.Ledger(Region, Account, "vehicles");
    private static readonly string Owners = QldbArns.Table(Region, Account, "vehicles", "5PLf9SXwndd63lPaSIa0O6");
    private static readonly string Cars = QldbArns.Table(Region, Account, "vehicles", "8F0TPCmdNQ6JTRpiLj2TmW");

    // A reader that may select from every table and a writer limited to one table, as QLDB policies grant them.
    private static PermissionEvaluator Evaluator() => PermissionEvaluator.FromOptions(Bind(new()
    {
        ["Ledger:Auth:Principals:0:Name"] = "reader",
        ["Ledger:Auth:Principals:0:Statements:0:Actions:0"] = "qldb:SendCommand",
        ["Ledger:Auth:Principals:0:Statements:0:Resources:0"] = $"arn:aws:qldb:*:*:ledger/vehicles",
        ["Ledger:Auth:Principals:0:Statements:1:Actions:0"] = "qldb:PartiQLSelect",
        ["Ledger:Auth:Principals:0:Statements:1:Actions:1"] = "qldb:PartiQLHistoryFunction",
        ["Ledger:Auth:Principals:0:Statements:1:Resources:0"] = "arn:aws:qldb:*:*:ledger/vehicles/table/*",
        ["Ledger:Auth:Principals:1:Name"] = "writer",
        ["Ledger:Auth:Principals:1:Statements:0:Actions:0"] = "qldb:PartiQL*",
        ["Ledger:Auth:Principals:1:Statements:0:Actions:1"] = "qldb:SendCommand",
        ["Ledger:Auth:Principals:1:Statements:0:Resources:0"] = $"{Vehicles}",
        ["Ledger:Auth:Principals:1:Statements:0:Resources:1"] = $"{Owners}",
        ["Ledger:Auth:Principals:2:Name"] = "admin-but-no-delete",
        ["Ledger:Auth:Principals:2:Statements:0:Actions:0"] = "qldb:*",
        ["Ledger:Auth:Principals:2:Statements:0:Resources:0"] = "*",
        ["Ledger:Auth:Principals:2:Statements:1:Effect"] = "Deny",
        ["Ledger:Auth:Principals:2:Statements:1:Actions:0"] = "qldb:PartiQLDelete",
        ["Ledger:Auth:Principals:2:Statements:1:Actions:1"] = "qldb:DeleteLedger",
        ["Ledger:Auth:Principals:2:Statements:1:Resources:0"] = "*",
    }));

    private static LedgerAuthOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new LedgerAuthOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(LedgerAuthOptions.SectionName).Bind(options);
        return options;
    }

    [Theory]
    [InlineData("reader", QldbActions.SendCommand, "ledger", true)]
    [InlineData("reader", QldbActions.PartiQLSelect, "owners", true)]
    [InlineData("reader", QldbActions.PartiQLSelect, "cars", true)]
    [InlineData("reader", QldbActions.PartiQLHistoryFunction, "cars", true)]
    [InlineData("reader", QldbActions.PartiQLInsert, "owners", false)]
    [InlineData("reader", QldbActions.GetDigest, "ledger", false)]
    [InlineData("writer", QldbActions.PartiQLInsert, "owners", true)]
    [InlineData("writer", QldbActions.PartiQLUpdate, "owners", true)]
    [InlineData("writer", QldbActions.PartiQLInsert, "cars", false)]
    [InlineData("writer", QldbActions.PartiQLCreateTable, "all-tables", false)]
    [InlineData("admin-but-no-delete", QldbActions.PartiQLInsert, "cars", true)]
    [InlineData("admin-but-no-delete", QldbActions.CreateLedger, "ledger", true)]
    [InlineData("admin-but-no-delete", QldbActions.PartiQLDelete, "cars", false)]
    [InlineData("admin-but-no-delete", QldbActions.DeleteLedger, "ledger", false)]
    [InlineData("stranger", QldbActions.SendCommand, "ledger", false)]
    public void Standard_mode_grants(string principal, string action, string resource, bool allowed)
    {
        var arn = resource switch
        {
            "ledger" => Vehicles,
            "owners" => Owners,
            "cars" => Cars,
            _ => QldbArns.AllTables(Region, Account, "vehicles"),
        };

        Assert.Equal(allowed, Evaluator().IsAllowed(principal, action, arn));
        if (QldbActions.PartiQL.Contains(action))
        {
            Assert.Equal(allowed, Evaluator().IsStatementAllowed(principal, LedgerPermissionsMode.Standard, action, arn));
        }
    }

    [Fact]
    public void Allow_all_ledgers_skip_partiql_checks()
    {
        Assert.True(Evaluator().IsStatementAllowed("reader", LedgerPermissionsMode.AllowAll, QldbActions.PartiQLDelete, Owners));
        Assert.False(Evaluator().IsStatementAllowed("reader", LedgerPermissionsMode.Standard, QldbActions.PartiQLDelete, Owners));
    }

    [Fact]
    public void Statement_checks_accept_only_partiql_actions()
    {
        Assert.Throws<ArgumentException>(() =>
            Evaluator().IsStatementAllowed("reader", LedgerPermissionsMode.AllowAll, QldbActions.SendCommand, Vehicles));
    }

    [Fact]
    public void Actions_match_case_insensitively_and_resources_case_sensitively()
    {
        Assert.True(Evaluator().IsAllowed("reader", "QLDB:partiqlselect", Owners));
        Assert.False(Evaluator().IsAllowed("reader", QldbActions.SendCommand, Vehicles.Replace("vehicles", "VEHICLES", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_ledger_grant_does_not_cover_its_tables_or_similarly_named_ledgers()
    {
        Assert.False(Evaluator().IsAllowed("reader", QldbActions.SendCommand, QldbArns.Ledger(Region, Account, "vehicles2")));
        Assert.False(Evaluator().IsAllowed("writer", QldbActions.PartiQLSelect, Cars));
    }

    [Fact]
    public void Local_development_principal_may_do_everything_only_when_enabled()
    {
        var enabled = PermissionEvaluator.FromOptions(Bind(new() { ["Ledger:Auth:UseLocalDevelopmentKeys"] = "true" }));
        var disabled = PermissionEvaluator.FromOptions(Bind([]));

        Assert.True(enabled.IsAllowed(LocalDevelopmentCredentials.Principal, QldbActions.PartiQLRedact, Cars));
        Assert.False(disabled.IsAllowed(LocalDevelopmentCredentials.Principal, QldbActions.PartiQLRedact, Cars));
    }

    [Theory]
    [InlineData("Ledger:Auth:Principals:0:Statements:0:Effect", "Maybe")]
    [InlineData("Ledger:Auth:Principals:0:Statements:0:Effect", "2")]
    [InlineData("Ledger:Auth:Principals:0:Name", "")]
    public void Invalid_policies_fail_at_start_up(string key, string value)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Ledger:Auth:Principals:0:Name"] = "p",
            ["Ledger:Auth:Principals:0:Statements:0:Actions:0"] = "qldb:*",
            ["Ledger:Auth:Principals:0:Statements:0:Resources:0"] = "*",
            [key] = value,
        };

        Assert.Throws<InvalidOperationException>(() => PermissionEvaluator.FromOptions(Bind(settings)));
    }

    [Fact]
    public void A_statement_without_resources_fails_at_start_up()
    {
        Assert.Throws<InvalidOperationException>(() => PermissionEvaluator.FromOptions(Bind(new()
        {
            ["Ledger:Auth:Principals:0:Name"] = "p",
            ["Ledger:Auth:Principals:0:Statements:0:Actions:0"] = "qldb:*",
        })));
    }

    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "anything", true)]
    [InlineData("a*c", "abbbc", true)]
    [InlineData("a*c", "abbbd", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("*table/*", "ledger/x/table/abc", true)]
    [InlineData("a**b", "ab", true)]
    [InlineData("abc", "abcd", false)]
    [InlineData("", "", true)]
    [InlineData("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaa", false)]
    public void Wildcards(string pattern, string value, bool matches)
    {
        Assert.Equal(matches, Wildcard.IsMatch(pattern, value, ignoreCase: false));
    }

    [Fact]
    public void Access_denied_message_names_principal_action_and_resource()
    {
        Assert.Equal($"User: reader is not authorized to perform: qldb:PartiQLInsert on resource: {Owners}",
            Functions.Auth.LedgerAuth.AccessDeniedMessage("reader", QldbActions.PartiQLInsert, Owners));
    }
}
