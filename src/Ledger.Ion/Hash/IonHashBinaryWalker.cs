using Ledger.Ion.Binary;

namespace Ledger.Ion.Hash;

/// <summary>
/// Feeds the value an <see cref="IonBinaryReader"/> is positioned on straight to an <see cref="IonHashWriter"/>,
/// without materializing <see cref="IonValue"/>s: symbol text is taken as UTF-8 from the symbol table, strings
/// and lobs as spans of the input.
/// </summary>
internal static class IonHashBinaryWalker
{
    public static void Write(IonHashWriter writer, ref IonBinaryReader reader)
    {
        if (reader.HasAnnotations)
        {
            writer.BeginAnnotations();
            foreach (var sid in reader.GetAnnotationSids())
            {
                WriteSymbol(writer, ref reader, sid);
            }

            WriteContent(writer, ref reader);
            writer.EndAnnotations();
        }
        else
        {
            WriteContent(writer, ref reader);
        }
    }

    private static void WriteSymbol(IonHashWriter writer, ref IonBinaryReader reader, int sid)
    {
        if (sid == 0)
        {
            writer.WriteSymbolZero();
        }
        else
        {
            writer.WriteSymbolUtf8(reader.HasSymbolText(sid) ? reader.GetSymbolTextUtf8(sid) : throw IonHashTreeWalker.UnknownText(sid));
        }
    }

    private static void WriteContent(IonHashWriter writer, ref IonBinaryReader reader)
    {
        if (reader.IsNull)
        {
            writer.WriteNull(IonBinaryPrimitives.TypeCode(reader.Type));
            return;
        }

        switch (reader.Type)
        {
            case IonType.Bool:
                writer.WriteBool(reader.GetBool());
                break;
            case IonType.Int:
                if (reader.TryGetIntMagnitude(out var magnitude, out var isNegative))
                {
                    writer.WriteInt(magnitude, isNegative);
                }
                else
                {
                    writer.WriteInt(reader.GetBigInteger());
                }

                break;
            case IonType.Float:
                writer.WriteFloat(reader.GetDouble());
                break;
            case IonType.Decimal:
                if (reader.TryGetDecimalParts(out var coefficient, out var negative, out var exponent))
                {
                    writer.WriteDecimal(coefficient, negative, exponent);
                }
                else
                {
                    var value = reader.GetDecimal();
                    writer.WriteDecimal(System.Numerics.BigInteger.Abs(value.Coefficient), value.IsNegative, value.Exponent);
                }

                break;
            case IonType.Timestamp:
                writer.WriteTimestamp(reader.GetTimestamp());
                break;
            case IonType.Symbol:
                WriteSymbol(writer, ref reader, reader.GetSymbolSid());
                break;
            case IonType.String:
                writer.WriteStringUtf8(reader.GetStringUtf8());
                break;
            case IonType.Clob:
                writer.WriteClob(reader.GetLobBytes());
                break;
            case IonType.Blob:
                writer.WriteBlob(reader.GetLobBytes());
                break;
            case IonType.List:
            case IonType.Sexp:
                writer.BeginSequence(isSexp: reader.Type == IonType.Sexp);
                reader.StepIn();
                while (reader.MoveNext())
                {
                    Write(writer, ref reader);
                }

                reader.StepOut();
                writer.EndSequence();
                break;
            case IonType.Struct:
                writer.BeginStruct();
                reader.StepIn();
                while (reader.MoveNext())
                {
                    var fieldSid = reader.FieldNameSid;
                    if (fieldSid == 0)
                    {
                        writer.BeginFieldSymbolZero();
                    }
                    else
                    {
                        writer.BeginFieldUtf8(reader.HasSymbolText(fieldSid) ? reader.GetSymbolTextUtf8(fieldSid) : throw IonHashTreeWalker.UnknownText(fieldSid));
                    }

                    Write(writer, ref reader);
                    writer.EndField();
                }

                reader.StepOut();
                writer.EndStruct();
                break;
            default:
                throw new InvalidOperationException($"Unexpected Ion type {reader.Type}.");
        }
    }
}
