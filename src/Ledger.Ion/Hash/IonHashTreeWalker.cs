using System.Numerics;
using Ledger.Ion.Binary;

namespace Ledger.Ion.Hash;

/// <summary>Feeds an <see cref="IonValue"/> tree to an <see cref="IonHashWriter"/>.</summary>
internal static class IonHashTreeWalker
{
    /// <summary>Deepest nesting hashed; deeper trees (only constructible in code) fail instead of overflowing the stack.</summary>
    public const int MaxDepth = 1000;

    public static void Write(IonHashWriter writer, IonValue value) => Write(writer, value, 0);

    private static void Write(IonHashWriter writer, IonValue value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new IonException($"Cannot hash values nested deeper than {MaxDepth} levels.");
        }

        if (value.HasAnnotations)
        {
            writer.BeginAnnotations();
            foreach (var annotation in value.Annotations)
            {
                WriteSymbolToken(writer, annotation);
            }

            WriteContent(writer, value, depth);
            writer.EndAnnotations();
        }
        else
        {
            WriteContent(writer, value, depth);
        }
    }

    public static void WriteSymbolToken(IonHashWriter writer, SymbolToken token)
    {
        if (token.Text is { } text)
        {
            writer.WriteSymbol(text);
        }
        else if (token.Sid == 0)
        {
            writer.WriteSymbolZero();
        }
        else
        {
            throw UnknownText(token.Sid);
        }
    }

    public static IonException UnknownText(int sid) =>
        new($"Cannot hash symbol ${sid}: its text is unknown (only $0 may be hashed without text).");

    private static void WriteContent(IonHashWriter writer, IonValue value, int depth)
    {
        switch (value)
        {
            case IonNull:
                writer.WriteNull(IonBinaryPrimitives.TypeCode(value.Type));
                break;
            case IonBool b:
                writer.WriteBool(b.Value);
                break;
            case IonInt i:
                if (i.TryGetInt64(out var small))
                {
                    writer.WriteInt(small);
                }
                else
                {
                    writer.WriteInt(i.Value);
                }

                break;
            case IonFloat f:
                writer.WriteFloat(f.Value);
                break;
            case IonDecimalValue d:
                WriteDecimal(writer, d.Value);
                break;
            case IonTimestampValue t:
                writer.WriteTimestamp(t.Value);
                break;
            case IonSymbol s:
                WriteSymbolToken(writer, s.Token);
                break;
            case IonString s:
                writer.WriteString(s.Value);
                break;
            case IonClob c:
                writer.WriteClob(c.Span);
                break;
            case IonBlob b:
                writer.WriteBlob(b.Span);
                break;
            case IonSequence sequence:
                writer.BeginSequence(isSexp: sequence.Type == IonType.Sexp);
                foreach (var element in sequence.Elements)
                {
                    Write(writer, element, depth + 1);
                }

                writer.EndSequence();
                break;
            case IonStruct s:
                writer.BeginStruct();
                foreach (var field in s.Fields)
                {
                    if (field.Name.Text is { } name)
                    {
                        writer.BeginField(name);
                    }
                    else if (field.Name.Sid == 0)
                    {
                        writer.BeginFieldSymbolZero();
                    }
                    else
                    {
                        throw UnknownText(field.Name.Sid);
                    }

                    Write(writer, field.Value, depth + 1);
                    writer.EndField();
                }

                writer.EndStruct();
                break;
            default:
                throw new ArgumentException($"Unsupported Ion value type {value.GetType().Name}.", nameof(value));
        }
    }

    private static void WriteDecimal(IonHashWriter writer, IonDecimal value)
    {
        var coefficient = value.Coefficient;
        var isNegative = value.IsNegative;
        if (coefficient >= long.MinValue + 1 && coefficient <= long.MaxValue)
        {
            var small = (long)coefficient;
            writer.WriteDecimal((ulong)Math.Abs(small), isNegative, value.Exponent);
        }
        else
        {
            writer.WriteDecimal(BigInteger.Abs(coefficient), isNegative, value.Exponent);
        }
    }
}
