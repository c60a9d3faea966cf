using Ledger.Engine;
using Ledger.Engine.Statements;
using Ledger.Functions.Protocol.Session;
using Ledger.Ion;

namespace Ledger.Functions.Auth.Permissions;

/// <summary>
/// QLDB's permission checks for the session protocol: <c>qldb:SendCommand</c> on the ledger for every ledger, and in
/// STANDARD ledgers each statement's PartiQL actions on the tables it touches. Refusals are AccessDeniedException
/// naming principal, action and resource, and are decided before the statement runs, so a refused statement changes
/// nothing and is not part of the transaction's CommitDigest.
/// ARNs carry the deployment's configured region and account, as the control plane's do.
/// </summary>
public sealed class SessionAuthorizer(PermissionEvaluator permissions, string region, string accountId)
{
    public const string StandardMode = "STANDARD";

    /// <summary>Null when <paramref name="principal"/> may send commands to the ledger, else the refusal.</summary>
    public SessionError? CheckSendCommand(string principal, string ledgerName)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var resource = QldbArns.Ledger(region, accountId, ledgerName);
        return permissions.IsAllowed(principal, QldbActions.SendCommand, resource)
            ? null
            : Denied(principal, QldbActions.SendCommand, resource);
    }

    /// <summary>
    /// Null when <paramref name="principal"/> may run the statement in its session's ledger, else the refusal. Also
    /// fails like ExecuteStatement would (InvalidSession, "No open transaction") when the session or transaction is
    /// not usable.
    /// </summary>
    public async Task<SessionError?> CheckStatementAsync(
        LedgerEngine engine, string principal, string sessionToken, string transactionId, string statement,
        IReadOnlyList<IonValue> parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(statement);
        // The engine executes this same parse (ParsedStatements), so the statement is parsed once.
        var required = StatementPermissions.Required(ParsedStatements.Parse(statement), parameters);
        var tableNames = required.Where(access => access.Kind == AccessTargetKind.TableName)
            .Select(access => access.Table!).Distinct(StringComparer.Ordinal).ToList();
        var scope = await engine.DescribeStatementScopeAsync(sessionToken, transactionId, tableNames, cancellationToken);
        var ledgerName = scope.Ledger.Name;
        if (CheckSendCommand(principal, ledgerName) is { } refused)
        {
            return refused;
        }

        if (!string.Equals(scope.Ledger.PermissionsMode, StandardMode, StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var access in required)
        {
            var resource = access.Kind switch
            {
                AccessTargetKind.TableName => scope.TableIds.TryGetValue(access.Table!, out var tableId)
                    ? QldbArns.Table(region, accountId, ledgerName, tableId)
                    : null,
                AccessTargetKind.TableId => QldbArns.Table(region, accountId, ledgerName, access.Table!),
                AccessTargetKind.UserTables => QldbArns.UserTables(region, accountId, ledgerName),
                _ => QldbArns.AllTables(region, accountId, ledgerName),
            };

            // A name of no active table: the statement fails on its own without touching any table.
            if (resource is null)
            {
                continue;
            }

            var allowed = QldbActions.PartiQL.Contains(access.Action)
                ? permissions.IsStatementAllowed(principal, LedgerPermissionsMode.Standard, access.Action, resource)
                : permissions.IsAllowed(principal, access.Action, resource);
            if (!allowed)
            {
                return Denied(principal, access.Action, resource);
            }
        }

        return null;
    }

    private static SessionError Denied(string principal, string action, string resource) =>
        SessionError.AccessDenied(LedgerAuth.AccessDeniedMessage(principal, action, resource));
}
