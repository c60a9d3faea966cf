using Ledger.Functions.Auth.Credentials;

namespace Ledger.Functions.Auth.Permissions;

public enum PolicyEffect
{
    Allow,
    Deny,
}

/// <summary>A ledger's permissions mode, as in QLDB.</summary>
public enum LedgerPermissionsMode
{
    /// <summary>SendCommand on the ledger is enough for every statement.</summary>
    AllowAll,

    /// <summary>Each statement also needs its PartiQL action on the tables it touches.</summary>
    Standard,
}

/// <summary>An effect over action and resource patterns (<c>*</c> any run, <c>?</c> one character).</summary>
public sealed record PolicyStatement(PolicyEffect Effect, IReadOnlyList<string> Actions, IReadOnlyList<string> Resources)
{
    /// <summary>Actions match case-insensitively (as IAM does); resources case-sensitively.</summary>
    public bool Matches(string action, string resource) =>
        Actions.Any(pattern => Wildcard.IsMatch(pattern, action, ignoreCase: true))
        && Resources.Any(pattern => Wildcard.IsMatch(pattern, resource, ignoreCase: false));
}

/// <summary>
/// Decides whether a principal may perform an action on a resource, IAM style: allowed when some statement
/// allows it and none denies it; unknown principals may do nothing.
/// </summary>
public sealed class PermissionEvaluator
{
    private static readonly PolicyStatement FullAccess = new(PolicyEffect.Allow, ["qldb:*"], ["*"]);

    private readonly Dictionary<string, List<PolicyStatement>> _statements = new(StringComparer.Ordinal);

    public PermissionEvaluator(IReadOnlyDictionary<string, IReadOnlyList<PolicyStatement>> statementsByPrincipal)
    {
        ArgumentNullException.ThrowIfNull(statementsByPrincipal);
        foreach (var (principal, statements) in statementsByPrincipal)
        {
            _statements[principal] = [.. statements];
        }
    }

    /// <summary>Builds the evaluator from configuration, rejecting incomplete or unknown-effect statements.</summary>
    public static PermissionEvaluator FromOptions(LedgerAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var byPrincipal = new Dictionary<string, IReadOnlyList<PolicyStatement>>(StringComparer.Ordinal);
        for (var index = 0; index < options.Principals.Count; index++)
        {
            var principal = options.Principals[index];
            if (string.IsNullOrWhiteSpace(principal.Name))
            {
                throw new InvalidOperationException($"Ledger:Auth:Principals:{index} needs a Name.");
            }

            var statements = new List<PolicyStatement>();
            for (var statementIndex = 0; statementIndex < principal.Statements.Count; statementIndex++)
            {
                var statement = principal.Statements[statementIndex];
                var path = $"Ledger:Auth:Principals:{index}:Statements:{statementIndex}";
                PolicyEffect effect;
                if (string.IsNullOrEmpty(statement.Effect))
                {
                    effect = PolicyEffect.Allow;
                }
                else if (!Enum.TryParse(statement.Effect, ignoreCase: true, out effect) || !Enum.IsDefined(effect))
                {
                    throw new InvalidOperationException($"{path}: Effect must be Allow or Deny.");
                }

                if (statement.Actions.Count == 0 || statement.Resources.Count == 0)
                {
                    throw new InvalidOperationException($"{path} needs at least one action and one resource.");
                }

                statements.Add(new PolicyStatement(effect, [.. statement.Actions], [.. statement.Resources]));
            }

            byPrincipal[principal.Name] = byPrincipal.TryGetValue(principal.Name, out var earlier)
                ? [.. earlier, .. statements]
                : statements;
        }

        if (options.UseLocalDevelopmentKeys)
        {
            byPrincipal[LocalDevelopmentCredentials.Principal] = [FullAccess];
        }

        return new PermissionEvaluator(byPrincipal);
    }

    public bool IsAllowed(string principal, string action, string resource)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(resource);
        if (!_statements.TryGetValue(principal, out var statements))
        {
            return false;
        }

        var allowed = false;
        foreach (var statement in statements)
        {
            if (statement.Matches(action, resource))
            {
                if (statement.Effect == PolicyEffect.Deny)
                {
                    return false;
                }

                allowed = true;
            }
        }

        return allowed;
    }

    /// <summary>
    /// The check for one PartiQL action on a table (or <see cref="QldbArns.AllTables"/>) of a ledger:
    /// ALLOW_ALL ledgers skip it, STANDARD ledgers require it.
    /// </summary>
    public bool IsStatementAllowed(string principal, LedgerPermissionsMode mode, string partiQLAction, string tableResource)
    {
        if (!QldbActions.PartiQL.Contains(partiQLAction))
        {
            throw new ArgumentException($"{partiQLAction} is not a PartiQL action.", nameof(partiQLAction));
        }

        return mode == LedgerPermissionsMode.AllowAll || IsAllowed(principal, partiQLAction, tableResource);
    }
}
