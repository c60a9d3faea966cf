using System.Collections.Immutable;

namespace Ledger.Ion.Binary;

/// <summary>Entry points for Ion 1.0 binary: read a stream into values and write values as a stream.</summary>
public static partial class IonBinary
{
    /// <summary>True when <paramref name="data"/> starts with the Ion 1.0 binary version marker.</summary>
    public static bool IsIonBinary(ReadOnlySpan<byte> data) => IonBinaryReader.IsIonBinary(data);

    /// <summary>Encodes one value as a complete Ion binary stream (version marker, local symbol table, value).</summary>
    /// <exception cref="IonException">A string holds an unpaired surrogate.</exception>
    public static byte[] Write(IonValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new IonBinaryWriter().WriteStream([value]);
    }

    /// <summary>Encodes values as one Ion binary stream with a single local symbol table.</summary>
    public static byte[] WriteAll(IEnumerable<IonValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new IonBinaryWriter().WriteStream([.. values]);
    }

    /// <summary>Reads every top-level user value of a binary stream.</summary>
    /// <exception cref="IonException">The data is not valid Ion binary (the message carries the byte offset).</exception>
    public static IReadOnlyList<IonValue> ReadAll(ReadOnlySpan<byte> data, int maxDepth = IonBinaryReader.DefaultMaxDepth)
    {
        var reader = new IonBinaryReader(data, maxDepth);
        var values = new List<IonValue>();
        while (reader.MoveNext())
        {
            values.Add(ReadCurrent(ref reader));
        }

        return values;
    }

    /// <summary>Reads a binary stream that must hold exactly one top-level user value.</summary>
    public static IonValue Read(ReadOnlySpan<byte> data, int maxDepth = IonBinaryReader.DefaultMaxDepth)
    {
        var values = ReadAll(data, maxDepth);
        return values.Count == 1
            ? values[0]
            : throw new IonException($"Expected exactly one Ion value but found {values.Count}.");
    }

    /// <summary>Materializes the value the reader is positioned on (and, for containers, everything inside it).</summary>
    public static IonValue ReadCurrent(ref IonBinaryReader reader)
    {
        // Annotations first: reading a container's children moves the reader's current-value state.
        var annotations = reader.HasAnnotations ? ImmutableArray.Create(reader.GetAnnotations()) : [];
        var value = ReadContent(ref reader);
        return annotations.IsEmpty ? value : value.WithAnnotations(annotations);
    }

    private static IonValue ReadContent(ref IonBinaryReader reader)
    {
        if (reader.IsNull)
        {
            return IonNull.Of(reader.Type);
        }

        switch (reader.Type)
        {
            case IonType.Bool:
                return IonBool.Of(reader.GetBool());
            case IonType.Int:
                return reader.TryGetIntMagnitude(out var magnitude, out var isNegative) && magnitude <= long.MaxValue
                    ? IonInt.Of(isNegative ? -(long)magnitude : (long)magnitude)
                    : IonInt.Of(reader.GetBigInteger());
            case IonType.Float:
                return IonFloat.Of(reader.GetDouble());
            case IonType.Decimal:
                return IonDecimalValue.Of(reader.GetDecimal());
            case IonType.Timestamp:
                return IonTimestampValue.Of(reader.GetTimestamp());
            case IonType.Symbol:
                return IonSymbol.Of(reader.GetSymbol());
            case IonType.String:
                return IonString.Of(reader.GetString());
            case IonType.Clob:
                return IonClob.Of(reader.GetLobBytes());
            case IonType.Blob:
                return IonBlob.Of(reader.GetLobBytes());
            case IonType.List:
            case IonType.Sexp:
                {
                    var elements = ImmutableArray.CreateBuilder<IonValue>();
                    var isList = reader.Type == IonType.List;
                    reader.StepIn();
                    while (reader.MoveNext())
                    {
                        elements.Add(ReadCurrent(ref reader));
                    }

                    reader.StepOut();
                    return isList ? IonList.Of(elements.DrainToImmutable()) : IonSexp.Of(elements.DrainToImmutable());
                }

            case IonType.Struct:
                {
                    var fields = ImmutableArray.CreateBuilder<IonField>();
                    reader.StepIn();
                    while (reader.MoveNext())
                    {
                        var name = reader.GetFieldName();
                        fields.Add(new IonField(name, ReadCurrent(ref reader)));
                    }

                    reader.StepOut();
                    return IonStruct.Of(fields.DrainToImmutable());
                }

            default:
                throw new InvalidOperationException($"Unexpected Ion type {reader.Type}.");
        }
    }
}
