using Ledger.Functions.Auth.Credentials;

namespace Ledger.Functions.Tests.Auth;

public sealed class CredentialsTests
{
    private static LedgerAuthOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new LedgerAuthOptions();
        configuration.GetSection(LedgerAuthOptions.SectionName).Bind(options);
        return options;
    }

    private static readonly Dictionary<string, string?> TwoKeys = new()
    {
        ["Ledger:Auth:AccessKeys:0:AccessKeyId"] = "AKIAFIRST",
        ["Ledger:Auth:AccessKeys:0:SecretAccessKey"] = "first-secret",
        ["Ledger:Auth:AccessKeys:0:Principal"] = "writer",
        ["Ledger:Auth:AccessKeys:1:AccessKeyId"] = "AKIASECOND",
        ["Ledger:Auth:AccessKeys:1:SecretAccessKey"] = "second-secret",
        ["Ledger:Auth:AccessKeys:1:Principal"] = "reader",
        ["Ledger:Auth:AccessKeys:1:SessionToken"] = "token",
        ["Ledger:Auth:ApiKeys:0:Key"] = "native-key-1",
        ["Ledger:Auth:ApiKeys:0:Principal"] = "native",
    };

    [Fact]
    public void Access_keys_and_api_keys_bind_from_settings()
    {
        var credentials = new ConfiguredCredentials(Bind(TwoKeys));

        var first = credentials.FindAccessKey("AKIAFIRST");
        var second = credentials.FindAccessKey("AKIASECOND");
        Assert.Equal(("first-secret", "writer", (string?)null), (first!.SecretAccessKey, first.Principal, first.SessionToken));
        Assert.Equal(("second-secret", "reader", "token"), (second!.SecretAccessKey, second.Principal, second.SessionToken));
        Assert.Null(credentials.FindAccessKey("akiafirst"));
        Assert.Equal("native", credentials.FindApiKeyPrincipal("native-key-1"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("native-key-")]
    [InlineData("native-key-11")]
    [InlineData("NATIVE-KEY-1")]
    public void Only_the_exact_api_key_is_accepted(string? presented)
    {
        Assert.Null(new ConfiguredCredentials(Bind(TwoKeys)).FindApiKeyPrincipal(presented));
    }

    [Fact]
    public void Local_development_keys_are_off_unless_enabled()
    {
        var off = new ConfiguredCredentials(Bind(TwoKeys));
        var on = new ConfiguredCredentials(Bind(new(TwoKeys) { ["Ledger:Auth:UseLocalDevelopmentKeys"] = "true" }));

        Assert.Null(off.FindAccessKey(LocalDevelopmentCredentials.AccessKeyId));
        Assert.Null(off.FindApiKeyPrincipal(LocalDevelopmentCredentials.ApiKey));
        Assert.Equal(LocalDevelopmentCredentials.SecretAccessKey, on.FindAccessKey(LocalDevelopmentCredentials.AccessKeyId)!.SecretAccessKey);
        Assert.Equal(LocalDevelopmentCredentials.Principal, on.FindApiKeyPrincipal(LocalDevelopmentCredentials.ApiKey));
        Assert.Equal("writer", on.FindAccessKey("AKIAFIRST")!.Principal);
    }

    [Theory]
    [InlineData("Ledger:Auth:AccessKeys:0:SecretAccessKey")]
    [InlineData("Ledger:Auth:AccessKeys:0:Principal")]
    [InlineData("Ledger:Auth:ApiKeys:0:Principal")]
    public void Incomplete_entries_fail_at_start_up_without_quoting_secrets(string missing)
    {
        var settings = new Dictionary<string, string?>(TwoKeys);
        settings.Remove(missing);

        var error = Assert.Throws<InvalidOperationException>(() => new ConfiguredCredentials(Bind(settings)));

        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("native-key-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_access_key_id_fails_at_start_up()
    {
        var settings = new Dictionary<string, string?>(TwoKeys) { ["Ledger:Auth:AccessKeys:1:AccessKeyId"] = "AKIAFIRST" };

        Assert.Throws<InvalidOperationException>(() => new ConfiguredCredentials(Bind(settings)));
    }

    [Fact]
    public void Credentials_never_show_their_secrets_as_text()
    {
        var options = Bind(TwoKeys);
        var credential = new ConfiguredCredentials(options).FindAccessKey("AKIASECOND")!;

        Assert.Equal("AccessKey AKIASECOND (principal reader)", credential.ToString());
        Assert.DoesNotContain("second-secret", options.AccessKeys[1].ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("token", credential.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("native-key-1", options.ApiKeys[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Clock_skew_binds_from_settings()
    {
        Assert.Equal(TimeSpan.FromMinutes(15), Bind([]).MaxClockSkew);
        Assert.Equal(TimeSpan.FromMinutes(5), Bind(new() { ["Ledger:Auth:MaxClockSkew"] = "00:05:00" }).MaxClockSkew);
    }
}
