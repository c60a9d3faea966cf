using System.Text.Json.Serialization;

namespace Ledger.Functions.Protocol.ControlPlane;

// Shapes of the QLDB control plane (model qldb 2019-01-02, REST-JSON). Names are explicit; absent members
// are omitted on output; timestamps are epoch seconds.

/// <summary><c>POST /ledgers</c>.</summary>
public sealed class CreateLedgerRequest
{
    [JsonPropertyName("Name")] public string? Name { get; init; }

    [JsonPropertyName("PermissionsMode")] public string? PermissionsMode { get; init; }

    /// <summary>Defaults to true when absent.</summary>
    [JsonPropertyName("DeletionProtection")] public bool? DeletionProtection { get; init; }

    [JsonPropertyName("KmsKey")] public string? KmsKey { get; init; }

    [JsonPropertyName("Tags")] public IReadOnlyDictionary<string, string?>? Tags { get; init; }
}

/// <summary><c>PATCH /ledgers/{name}</c>.</summary>
public sealed class UpdateLedgerRequest
{
    [JsonPropertyName("DeletionProtection")] public bool? DeletionProtection { get; init; }

    [JsonPropertyName("KmsKey")] public string? KmsKey { get; init; }
}

/// <summary><c>PATCH /ledgers/{name}/permissions-mode</c>.</summary>
public sealed class UpdateLedgerPermissionsModeRequest
{
    [JsonPropertyName("PermissionsMode")] public string? PermissionsMode { get; init; }
}

public sealed class UpdateLedgerPermissionsModeResponse
{
    [JsonPropertyName("Name")] public required string Name { get; init; }

    [JsonPropertyName("Arn")] public required string Arn { get; init; }

    [JsonPropertyName("PermissionsMode")] public required string PermissionsMode { get; init; }
}

/// <summary>The answer of CreateLedger, DescribeLedger and UpdateLedger (each uses a subset of the members).</summary>
public sealed class LedgerDescription
{
    [JsonPropertyName("Name")] public required string Name { get; init; }

    [JsonPropertyName("Arn")] public required string Arn { get; init; }

    /// <summary>CREATING, ACTIVE, DELETING or DELETED.</summary>
    [JsonPropertyName("State")] public required string State { get; init; }

    [JsonPropertyName("CreationDateTime")]
    [JsonConverter(typeof(EpochSecondsConverter))]
    public required DateTimeOffset CreationDateTime { get; init; }

    [JsonPropertyName("PermissionsMode")] public string? PermissionsMode { get; init; }

    [JsonPropertyName("DeletionProtection")] public bool? DeletionProtection { get; init; }

    /// <summary>CreateLedger's member.</summary>
    [JsonPropertyName("KmsKeyArn")] public string? KmsKeyArn { get; init; }

    /// <summary>DescribeLedger's and UpdateLedger's member.</summary>
    [JsonPropertyName("EncryptionDescription")] public LedgerEncryptionDescription? EncryptionDescription { get; init; }
}

public sealed class LedgerEncryptionDescription
{
    /// <summary><c>AWS_OWNED_KMS_KEY</c> or a key ARN.</summary>
    [JsonPropertyName("KmsKeyArn")] public required string KmsKeyArn { get; init; }

    /// <summary>ENABLED, UPDATING or KMS_KEY_INACCESSIBLE.</summary>
    [JsonPropertyName("EncryptionStatus")] public required string EncryptionStatus { get; init; }

    [JsonPropertyName("InaccessibleKmsKeyDateTime")]
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? InaccessibleKmsKeyDateTime { get; init; }
}

/// <summary><c>GET /ledgers</c>; <see cref="NextToken"/> absent on the last page.</summary>
public sealed class ListLedgersResponse
{
    [JsonPropertyName("Ledgers")] public required IReadOnlyList<LedgerSummary> Ledgers { get; init; }

    [JsonPropertyName("NextToken")] public string? NextToken { get; init; }
}

public sealed class LedgerSummary
{
    [JsonPropertyName("Name")] public required string Name { get; init; }

    [JsonPropertyName("State")] public required string State { get; init; }

    [JsonPropertyName("CreationDateTime")]
    [JsonConverter(typeof(EpochSecondsConverter))]
    public required DateTimeOffset CreationDateTime { get; init; }
}

/// <summary>An Ion value as text, the control plane's <c>ValueHolder</c>.</summary>
public sealed class IonTextHolder
{
    [JsonPropertyName("IonText")] public string? IonText { get; init; }

    public static IonTextHolder Of(string ionText) => new() { IonText = ionText };
}

/// <summary><c>POST /ledgers/{name}/digest</c>.</summary>
public sealed class GetDigestResponse
{
    /// <summary>The 32-byte digest, serialized as base64.</summary>
    [JsonPropertyName("Digest")] public required byte[] Digest { get; init; }

    [JsonPropertyName("DigestTipAddress")] public required IonTextHolder DigestTipAddress { get; init; }
}

/// <summary><c>POST /ledgers/{name}/block</c>.</summary>
public sealed class GetBlockRequest
{
    [JsonPropertyName("BlockAddress")] public IonTextHolder? BlockAddress { get; init; }

    [JsonPropertyName("DigestTipAddress")] public IonTextHolder? DigestTipAddress { get; init; }
}

public sealed class GetBlockResponse
{
    [JsonPropertyName("Block")] public required IonTextHolder Block { get; init; }

    /// <summary>Present only when the request gave a digest tip.</summary>
    [JsonPropertyName("Proof")] public IonTextHolder? Proof { get; init; }
}

/// <summary><c>POST /ledgers/{name}/revision</c>.</summary>
public sealed class GetRevisionRequest
{
    [JsonPropertyName("BlockAddress")] public IonTextHolder? BlockAddress { get; init; }

    [JsonPropertyName("DocumentId")] public string? DocumentId { get; init; }

    [JsonPropertyName("DigestTipAddress")] public IonTextHolder? DigestTipAddress { get; init; }
}

public sealed class GetRevisionResponse
{
    [JsonPropertyName("Revision")] public required IonTextHolder Revision { get; init; }

    [JsonPropertyName("Proof")] public IonTextHolder? Proof { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ControlPlaneErrorBody))]
[JsonSerializable(typeof(CreateLedgerRequest))]
[JsonSerializable(typeof(UpdateLedgerRequest))]
[JsonSerializable(typeof(UpdateLedgerPermissionsModeRequest))]
[JsonSerializable(typeof(UpdateLedgerPermissionsModeResponse))]
[JsonSerializable(typeof(LedgerDescription))]
[JsonSerializable(typeof(ListLedgersResponse))]
[JsonSerializable(typeof(GetDigestResponse))]
[JsonSerializable(typeof(GetBlockRequest))]
[JsonSerializable(typeof(GetBlockResponse))]
[JsonSerializable(typeof(GetRevisionRequest))]
[JsonSerializable(typeof(GetRevisionResponse))]
public sealed partial class ControlPlaneJsonContext : JsonSerializerContext;
