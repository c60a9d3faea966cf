using System.Text.RegularExpressions;

namespace Ledger.Functions.Protocol.ControlPlane;

/// <summary>The model's input rules for ExportJournalToS3; every refusal names its parameter.</summary>
public static partial class ExportValidation
{
    public const int MaxPrefixLength = 128;

    public static void Validate(ExportJournalToS3Request request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var start = request.InclusiveStartTime ?? throw Jobs.Invalid("InclusiveStartTime is required.", "InclusiveStartTime");
        var end = request.ExclusiveEndTime ?? throw Jobs.Invalid("ExclusiveEndTime is required.", "ExclusiveEndTime");
        if (start >= end)
        {
            throw Jobs.Invalid("InclusiveStartTime must be earlier than ExclusiveEndTime.", "InclusiveStartTime");
        }

        if (end > now)
        {
            throw Jobs.Invalid("ExclusiveEndTime must not be in the future.", "ExclusiveEndTime");
        }

        var s3 = request.S3ExportConfiguration ?? throw Jobs.Invalid("S3ExportConfiguration is required.", "S3ExportConfiguration");
        if (s3.Bucket is not { Length: >= 3 and <= 255 } bucket || !BucketRegex().IsMatch(bucket))
        {
            throw Jobs.Invalid("S3ExportConfiguration.Bucket must be 3 to 255 letters, digits, hyphens, underscores and dots.", "Bucket");
        }

        if (s3.Prefix is not { Length: <= MaxPrefixLength })
        {
            throw Jobs.Invalid($"S3ExportConfiguration.Prefix is required and at most {MaxPrefixLength} characters.", "Prefix");
        }

        var encryption = s3.EncryptionConfiguration
            ?? throw Jobs.Invalid("S3ExportConfiguration.EncryptionConfiguration is required.", "EncryptionConfiguration");
        if (encryption.ObjectEncryptionType is not ("SSE_KMS" or "SSE_S3" or "NO_ENCRYPTION"))
        {
            throw Jobs.Invalid("ObjectEncryptionType must be SSE_KMS, SSE_S3 or NO_ENCRYPTION.", "ObjectEncryptionType");
        }

        if (encryption.ObjectEncryptionType == "SSE_KMS" && Jobs.Arn(encryption.KmsKeyArn) is null)
        {
            throw Jobs.Invalid("KmsKeyArn is required (20 to 1600 characters) when ObjectEncryptionType is SSE_KMS.", "KmsKeyArn");
        }

        Jobs.RequireArn(request.RoleArn, "RoleArn");
        if (request.OutputFormat is not (null or "ION_BINARY" or "ION_TEXT" or "JSON"))
        {
            throw Jobs.Invalid("OutputFormat must be ION_BINARY, ION_TEXT or JSON.", "OutputFormat");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex BucketRegex();
}

/// <summary>The model's input rules for StreamJournalToKinesis.</summary>
public static class StreamValidation
{
    /// <summary>Returns the validated role, start time, destination ARN and stream name.</summary>
    public static (string RoleArn, DateTimeOffset InclusiveStartTime, string StreamArn, string StreamName) Validate(
        StreamJournalToKinesisRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var roleArn = Jobs.RequireArn(request.RoleArn, "RoleArn");
        var start = request.InclusiveStartTime ?? throw Jobs.Invalid("InclusiveStartTime is required.", "InclusiveStartTime");
        if (start > now)
        {
            throw Jobs.Invalid("InclusiveStartTime must not be in the future.", "InclusiveStartTime");
        }

        if (request.ExclusiveEndTime is { } end && end <= start)
        {
            throw Jobs.Invalid("ExclusiveEndTime must be later than InclusiveStartTime.", "ExclusiveEndTime");
        }

        var kinesis = request.KinesisConfiguration ?? throw Jobs.Invalid("KinesisConfiguration is required.", "KinesisConfiguration");
        var streamArn = Jobs.RequireArn(kinesis.StreamArn, "StreamArn");
        var streamName = ControlPlaneValidation.LedgerName(request.StreamName, "StreamName");
        if (ControlPlaneTags.Validate(request.Tags).Count > 0)
        {
            // Streams keep no tags yet; dropping them silently would tell the caller they were stored.
            throw new ControlPlaneProtocolException(ControlPlaneError.NotImplemented(
                "Tags on journal streams are not supported yet; create the stream without Tags."));
        }

        return (roleArn, start, streamArn, streamName);
    }
}

internal static class Jobs
{
    public static string? Arn(string? value) => value is { Length: >= 20 and <= 1600 } ? value : null;

    public static string RequireArn(string? value, string parameterName) =>
        Arn(value) ?? throw Invalid($"{parameterName} is required: an ARN of 20 to 1600 characters.", parameterName);

    public static ControlPlaneProtocolException Invalid(string message, string parameterName) =>
        new(ControlPlaneError.InvalidParameter(message, parameterName));
}
