namespace Ledger.Functions.Auth.Permissions;

/// <summary>QLDB resource ARNs, spelled as QLDB spells them so IAM-style policies carry over.</summary>
public static class QldbArns
{
    public static string Ledger(string region, string account, string ledgerName) =>
        $"arn:aws:qldb:{region}:{account}:ledger/{ledgerName}";

    /// <summary>A table by its id (not its name: a dropped and recreated table is a different resource).</summary>
    public static string Table(string region, string account, string ledgerName, string tableId) =>
        $"{Ledger(region, account, ledgerName)}/table/{tableId}";

    /// <summary>The resource of CREATE TABLE and of statements granted on every table.</summary>
    public static string AllTables(string region, string account, string ledgerName) =>
        $"{Ledger(region, account, ledgerName)}/table/*";

    /// <summary>The resource of <c>SELECT … FROM information_schema.user_tables</c>.</summary>
    public static string UserTables(string region, string account, string ledgerName) =>
        $"{Ledger(region, account, ledgerName)}/information_schema/user_tables";

    public static string Stream(string region, string account, string ledgerName, string streamId) =>
        $"arn:aws:qldb:{region}:{account}:stream/{ledgerName}/{streamId}";
}
