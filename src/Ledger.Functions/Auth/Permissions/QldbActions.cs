namespace Ledger.Functions.Auth.Permissions;

/// <summary>The IAM action names QLDB checks, with the same spelling, so existing policies carry over.</summary>
public static class QldbActions
{
    public const string SendCommand = "qldb:SendCommand";

    public const string PartiQLCreateTable = "qldb:PartiQLCreateTable";
    public const string PartiQLCreateIndex = "qldb:PartiQLCreateIndex";
    public const string PartiQLDropTable = "qldb:PartiQLDropTable";
    public const string PartiQLDropIndex = "qldb:PartiQLDropIndex";
    public const string PartiQLUndropTable = "qldb:PartiQLUndropTable";
    public const string PartiQLDelete = "qldb:PartiQLDelete";
    public const string PartiQLInsert = "qldb:PartiQLInsert";
    public const string PartiQLUpdate = "qldb:PartiQLUpdate";
    public const string PartiQLRedact = "qldb:PartiQLRedact";
    public const string PartiQLHistoryFunction = "qldb:PartiQLHistoryFunction";
    public const string PartiQLSelect = "qldb:PartiQLSelect";

    public const string CreateLedger = "qldb:CreateLedger";
    public const string DescribeLedger = "qldb:DescribeLedger";
    public const string ListLedgers = "qldb:ListLedgers";
    public const string UpdateLedger = "qldb:UpdateLedger";
    public const string UpdateLedgerPermissionsMode = "qldb:UpdateLedgerPermissionsMode";
    public const string DeleteLedger = "qldb:DeleteLedger";
    public const string GetDigest = "qldb:GetDigest";
    public const string GetBlock = "qldb:GetBlock";
    public const string GetRevision = "qldb:GetRevision";
    public const string ExportJournalToS3 = "qldb:ExportJournalToS3";
    public const string DescribeJournalS3Export = "qldb:DescribeJournalS3Export";
    public const string ListJournalS3Exports = "qldb:ListJournalS3Exports";
    public const string ListJournalS3ExportsForLedger = "qldb:ListJournalS3ExportsForLedger";
    public const string StreamJournalToKinesis = "qldb:StreamJournalToKinesis";
    public const string DescribeJournalKinesisStream = "qldb:DescribeJournalKinesisStream";
    public const string ListJournalKinesisStreamsForLedger = "qldb:ListJournalKinesisStreamsForLedger";
    public const string CancelJournalKinesisStream = "qldb:CancelJournalKinesisStream";
    public const string TagResource = "qldb:TagResource";
    public const string UntagResource = "qldb:UntagResource";
    public const string ListTagsForResource = "qldb:ListTagsForResource";

    /// <summary>The PartiQL actions: checked per table only in STANDARD ledgers.</summary>
    public static IReadOnlySet<string> PartiQL { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        PartiQLCreateTable, PartiQLCreateIndex, PartiQLDropTable, PartiQLDropIndex, PartiQLUndropTable,
        PartiQLDelete, PartiQLInsert, PartiQLUpdate, PartiQLRedact, PartiQLHistoryFunction, PartiQLSelect,
    };
}
