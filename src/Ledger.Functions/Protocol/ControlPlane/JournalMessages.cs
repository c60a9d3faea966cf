using System.Text.Json.Serialization;

namespace Ledger.Functions.Protocol.ControlPlane;

// Shapes of the journal export, stream and tagging operations of the QLDB control plane (REST-JSON).

public sealed class S3EncryptionConfiguration
{
    /// <summary>SSE_KMS, SSE_S3 or NO_ENCRYPTION.</summary>
    [JsonPropertyName("ObjectEncryptionType")] public string? ObjectEncryptionType { get; init; }

    [JsonPropertyName("KmsKeyArn")] public string? KmsKeyArn { get; init; }
}

public sealed class S3ExportConfiguration
{
    [JsonPropertyName("Bucket")] public string? Bucket { get; init; }

    [JsonPropertyName("Prefix")] public string? Prefix { get; init; }

    [JsonPropertyName("EncryptionConfiguration")] public S3EncryptionConfiguration? EncryptionConfiguration { get; init; }
}

/// <summary><c>POST /ledgers/{name}/journal-s3-exports</c>.</summary>
public sealed class ExportJournalToS3Request
{
    [JsonPropertyName("InclusiveStartTime")]
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? InclusiveStartTime { get; init; }

    [JsonPropertyName("ExclusiveEndTime")]
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? ExclusiveEndTime { get; init; }

    [JsonPropertyName("S3ExportConfiguration")] public S3ExportConfiguration? S3ExportConfiguration { get; init; }

    [JsonPropertyName("RoleArn")] public string? RoleArn { get; init; }

    /// <summary>ION_BINARY, ION_TEXT (default) or JSON.</summary>
    [JsonPropertyName("OutputFormat")] public string? OutputFormat { get; init; }
}

public sealed class ExportJournalToS3Response
{
    [JsonPropertyName("ExportId")] public required string ExportId { get; init; }
}

public sealed class JournalS3ExportDescription
{
    [JsonPropertyName("LedgerName")] public required string LedgerName { get; init; }

    [JsonPropertyName("ExportId")] public required string ExportId { get; init; }

    [JsonPropertyName("ExportCreationTime")]
    [JsonConverter(typeof(EpochSecondsConverter))]
    public required DateTimeOffset ExportCreationTime { get; init; }

    /// <summary>IN_PROGRESS, COMPLETED or CANCELLED.</summary>
    [JsonPropertyName("Status")] public required string Status { get; init; }

    [JsonPropertyName("InclusiveStartTime")]
    [JsonConverter(typeof(EpochSecondsConverter))]
    public required DateTimeOffset InclusiveStartTime { get; init; }

    [JsonPropertyName("ExclusiveEndTime")]
    [JsonConverter(typeof(EpochSecondsConverter))]
    public required DateTimeOffset ExclusiveEndTime { get; init; }

    [JsonPropertyName("S3ExportConfiguration")] public required S3ExportConfiguration S3ExportConfiguration { get; init; }

    [JsonPropertyName("RoleArn")] public required string RoleArn { get; init; }

    [JsonPropertyName("OutputFormat")] public string? OutputFormat { get; init; }
}

public sealed class DescribeJournalS3ExportResponse
{
    [JsonPropertyName("ExportDescription")] public required JournalS3ExportDescription ExportDescription { get; init; }
}

public sealed class ListJournalS3ExportsResponse
{
    [JsonPropertyName("JournalS3Exports")] public required IReadOnlyList<JournalS3ExportDescription> JournalS3Exports { get; init; }

    [JsonPropertyName("NextToken")] public string? NextToken { get; init; }
}

public sealed class KinesisConfiguration
{
    [JsonPropertyName("StreamArn")] public string? StreamArn { get; init; }

    /// <summary>Defaults to true when absent.</summary>
    [JsonPropertyName("AggregationEnabled")] public bool? AggregationEnabled { get; init; }
}

/// <summary><c>POST /ledgers/{name}/journal-kinesis-streams</c>.</summary>
public sealed class StreamJournalToKinesisRequest
{
    [JsonPropertyName("RoleArn")] public string? RoleArn { get; init; }

    [JsonPropertyName("InclusiveStartTime")]
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? InclusiveStartTime { get; init; }

    [JsonPropertyName("ExclusiveEndTime")]
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? ExclusiveEndTime { get; init; }

    [JsonPropertyName("KinesisConfiguration")] public KinesisConfiguration? KinesisConfiguration { get; init; }

    [JsonPropertyName("StreamName")] public string? StreamName { get; init; }

    [JsonPropertyName("Tags")] public IReadOnlyDictionary<string, string?>? Tags { get; init; }

    /// <summary>Our extension (QLDB always wrote Ion binary): <c>ION_BINARY</c> (default) or <c>JSON</c>.</summary>
    [JsonPropertyName("RecordFormat")] public string? RecordFormat { get; init; }
}

/// <summary>The answer of StreamJournalToKinesis and CancelJournalKinesisStream.</summary>
public sealed class StreamIdResponse
{
    [JsonPropertyName("StreamId")] public required string StreamId { get; init; }
}

public sealed class JournalKinesisStreamDescription
{
    [JsonPropertyName("LedgerName")] public required string LedgerName { get; init; }

    [JsonPropertyName("CreationTime")]
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? CreationTime { get; init; }

    [JsonPropertyName("InclusiveStartTime")]
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? InclusiveStartTime { get; init; }

    [JsonPropertyName("ExclusiveEndTime")]
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? ExclusiveEndTime { get; init; }

    [JsonPropertyName("RoleArn")] public required string RoleArn { get; init; }

    [JsonPropertyName("StreamId")] public required string StreamId { get; init; }

    [JsonPropertyName("Arn")] public string? Arn { get; init; }

    /// <summary>ACTIVE, COMPLETED, CANCELED, FAILED or IMPAIRED.</summary>
    [JsonPropertyName("Status")] public required string Status { get; init; }

    [JsonPropertyName("KinesisConfiguration")] public required KinesisConfiguration KinesisConfiguration { get; init; }

    /// <summary>KINESIS_STREAM_NOT_FOUND or IAM_PERMISSION_REVOKED.</summary>
    [JsonPropertyName("ErrorCause")] public string? ErrorCause { get; init; }

    [JsonPropertyName("StreamName")] public required string StreamName { get; init; }

    /// <summary>Our extension: the records' format, <c>ION_BINARY</c> or <c>JSON</c>.</summary>
    [JsonPropertyName("RecordFormat")] public string? RecordFormat { get; init; }
}

public sealed class DescribeJournalKinesisStreamResponse
{
    [JsonPropertyName("Stream")] public required JournalKinesisStreamDescription Stream { get; init; }
}

public sealed class ListJournalKinesisStreamsResponse
{
    [JsonPropertyName("Streams")] public required IReadOnlyList<JournalKinesisStreamDescription> Streams { get; init; }

    [JsonPropertyName("NextToken")] public string? NextToken { get; init; }
}

/// <summary>The body of TagResource and the answer of ListTagsForResource.</summary>
public sealed class TagsBody
{
    [JsonPropertyName("Tags")] public IReadOnlyDictionary<string, string?>? Tags { get; init; }
}

/// <summary>The empty JSON object TagResource and UntagResource answer with.</summary>
public sealed class EmptyResponse;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ExportJournalToS3Request))]
[JsonSerializable(typeof(ExportJournalToS3Response))]
[JsonSerializable(typeof(DescribeJournalS3ExportResponse))]
[JsonSerializable(typeof(ListJournalS3ExportsResponse))]
[JsonSerializable(typeof(StreamJournalToKinesisRequest))]
[JsonSerializable(typeof(StreamIdResponse))]
[JsonSerializable(typeof(DescribeJournalKinesisStreamResponse))]
[JsonSerializable(typeof(ListJournalKinesisStreamsResponse))]
[JsonSerializable(typeof(TagsBody))]
[JsonSerializable(typeof(EmptyResponse))]
public sealed partial class JournalJsonContext : JsonSerializerContext;
