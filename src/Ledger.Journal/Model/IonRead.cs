using System.Collections.Immutable;
using Ledger.Ion;
using Ledger.Ion.Hash;

namespace Ledger.Journal.Model;

/// <summary>Thrown when Ion handed to the journal types does not have QLDB's journal shape.</summary>
public sealed class JournalFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public JournalFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public JournalFormatException()
        : base("The Ion value does not have the journal shape.")
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    public JournalFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Typed access to the fields of journal Ion structs, with errors that name the field.</summary>
internal static class IonRead
{
    public static IonStruct Struct(IonValue? value, string what) =>
        value is IonStruct { IsNull: false } s ? s : throw new JournalFormatException($"{what} must be a struct.");

    public static IonValue Required(IonStruct owner, string field, string what) =>
        owner[field] ?? throw new JournalFormatException($"{what} has no field '{field}'.");

    public static IonValue? Optional(IonStruct owner, string field) =>
        owner[field] is { IsNull: false } value ? value : null;

    public static string String(IonStruct owner, string field, string what) =>
        Required(owner, field, what) is IonString { IsNull: false } s ? s.Value : throw new JournalFormatException($"{what}.{field} must be a string.");

    public static long Int(IonStruct owner, string field, string what) =>
        Required(owner, field, what) is IonInt { IsNull: false } i && i.TryGetInt64(out var value) ? value : throw new JournalFormatException($"{what}.{field} must be an int.");

    public static IonTimestamp Timestamp(IonStruct owner, string field, string what) =>
        Required(owner, field, what) is IonTimestampValue { IsNull: false } t ? t.Value : throw new JournalFormatException($"{what}.{field} must be a timestamp.");

    public static Hash32 Hash(IonValue value, string what) =>
        value is IonBlob { IsNull: false } blob && blob.Bytes.Length == Hash32.Length
            ? new Hash32(blob.Span)
            : throw new JournalFormatException($"{what} must be a {Hash32.Length}-byte blob.");

    public static Hash32 Hash(IonStruct owner, string field, string what) => Hash(Required(owner, field, what), $"{what}.{field}");

    public static Hash32? OptionalHash(IonStruct owner, string field, string what) =>
        Optional(owner, field) is { } value ? Hash(value, $"{what}.{field}") : null;

    public static ImmutableArray<Hash32> HashList(IonValue value, string what) =>
        value is IonList { IsNull: false } list
            ? [.. list.Select((element, i) => Hash(element, $"{what}[{i}]"))]
            : throw new JournalFormatException($"{what} must be a list of blobs.");

    public static IonBlob Blob(in Hash32 hash)
    {
        Span<byte> bytes = stackalloc byte[Hash32.Length];
        hash.CopyTo(bytes);
        return IonBlob.Of(bytes);
    }

    public static IonList BlobList(IEnumerable<Hash32> hashes) => IonList.Of(hashes.Select(h => (IonValue)Blob(h)));
}

/// <summary>Ion Hash (SHA-256) of journal values as <see cref="Hash32"/>.</summary>
public static class JournalIonHash
{
    /// <summary>The Ion Hash 1.0 SHA-256 digest of <paramref name="value"/> (annotations included).</summary>
    public static Hash32 Of(IonValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Span<byte> digest = stackalloc byte[Hash32.Length];
        IonHash.Compute(value, digest);
        return new Hash32(digest);
    }
}
