namespace Ledger.Cli;

/// <summary>Thrown for a malformed command line; the CLI prints the message and exits with <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);

internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Connection = 3;
}

/// <summary>
/// The parsed command line: global options (anywhere on the line), the command words and per-command options.
/// Options are <c>--name value</c> or <c>--name=value</c>.
/// </summary>
internal sealed class CliOptions
{
    // The local development key pair the handler accepts with Ledger:Auth:UseLocalDevelopmentKeys; not a secret.
    public const string LocalAccessKeyId = "AKIALEDGERLOCAL00001";
    public const string LocalSecretAccessKey = "ledger/local/development/secret/NOT/for/azure";

    private static readonly HashSet<string> Known =
    [
        "endpoint", "ledger", "access-key-id", "secret-access-key", "region", "format", "block-address", "document-id", "out",
        "permissions-mode", "bucket", "prefix", "start-time", "end-time", "role-arn", "export-id", "folder", "connection-string", "digest-file",
        "history-file",
    ];

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public List<string> Words { get; } = [];

    public bool Help { get; private set; }

    public static CliOptions Parse(IReadOnlyList<string> args)
    {
        var options = new CliOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h")
            {
                options.Help = true;
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                options.Words.Add(arg);
                continue;
            }

            var name = arg[2..];
            string value;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"Option --{name} needs a value.");
            }

            if (!Known.Contains(name))
            {
                throw new UsageException($"unknown option --{name}.");
            }

            options._values[name] = value;
        }

        return options;
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public string Require(string name) => Get(name) ?? throw new UsageException($"Option --{name} is required.");

    public Uri Endpoint
    {
        get
        {
            var text = Get("endpoint") ?? "http://127.0.0.1:7071";
            return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri
                : throw new UsageException($"--endpoint '{text}' is not an http(s) URL.");
        }
    }

    public string Region => Get("region") ?? "us-east-1";

    public string AccessKeyId => Get("access-key-id") ?? Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? LocalAccessKeyId;

    public string SecretAccessKey =>
        Get("secret-access-key") ?? Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? LocalSecretAccessKey;

    public string Format
    {
        get
        {
            var format = Get("format") ?? "ion";
            return format is "ion" or "json" or "table" ? format : throw new UsageException("--format is ion, json or table.");
        }
    }
}
