using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Ledger.Ion;

/// <summary>
/// Converts between JSON and Ion. JSON → Ion is exact (numbers keep their digits); Ion → JSON is the lossy
/// down-conversion QLDB's JSON exports used. The full mapping is in <c>docs/ion-json-mapping.md</c>.
/// </summary>
public static class IonJson
{
    private static readonly JsonWriterOptions CompactOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    private static readonly JsonWriterOptions IndentedOptions = CompactOptions with { Indented = true };

    /// <summary>Parses one JSON value into Ion.</summary>
    /// <param name="json">JSON text.</param>
    /// <param name="maxDepth">The maximum nesting depth (default 100).</param>
    /// <exception cref="IonException">The JSON is invalid or too deep; line and column are given.</exception>
    public static IonValue FromJson(string json, int maxDepth = 100)
    {
        ArgumentNullException.ThrowIfNull(json);
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, buffer);
            return FromJson(buffer.AsSpan(0, length), maxDepth);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>Parses one UTF-8 JSON value into Ion.</summary>
    /// <param name="utf8Json">UTF-8 JSON text.</param>
    /// <param name="maxDepth">The maximum nesting depth (default 100).</param>
    /// <exception cref="IonException">The JSON is invalid or too deep; line and column are given.</exception>
    public static IonValue FromJson(ReadOnlySpan<byte> utf8Json, int maxDepth = 100)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = maxDepth, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read())
            {
                ThrowHelper.ThrowText("Expected a JSON value but found end of input", 1, 1);
            }

            var value = ReadValue(ref reader);
            if (reader.Read())
            {
                ThrowHelper.ThrowText("Unexpected data after the JSON value", 1, reader.TokenStartIndex + 1);
            }

            return value;
        }
        catch (JsonException error)
        {
            throw IonException.AtText("Invalid JSON: " + error.Message, (error.LineNumber ?? 0) + 1, (error.BytePositionInLine ?? 0) + 1);
        }
        catch (InvalidOperationException error)
        {
            throw new IonException("Invalid JSON: " + error.Message, error);
        }
    }

    private static IonValue ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return IonNull.Null;
            case JsonTokenType.True:
                return IonBool.True;
            case JsonTokenType.False:
                return IonBool.False;
            case JsonTokenType.String:
                return IonString.Of(reader.GetString()!);
            case JsonTokenType.Number:
                return ReadNumber(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
            case JsonTokenType.StartArray:
                {
                    var elements = ImmutableArray.CreateBuilder<IonValue>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        elements.Add(ReadValue(ref reader));
                    }

                    return IonList.Of(elements.DrainToImmutable());
                }

            case JsonTokenType.StartObject:
                {
                    var fields = ImmutableArray.CreateBuilder<IonField>();
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var name = reader.GetString()!;
                        reader.Read();
                        fields.Add(new IonField(SymbolToken.Of(name), ReadValue(ref reader)));
                    }

                    return IonStruct.Of(fields.DrainToImmutable());
                }

            default:
                throw new JsonException($"Unexpected JSON token {reader.TokenType}.");
        }
    }

    /// <summary>Integers become Ion ints, a fraction without exponent a decimal, an exponent a float.</summary>
    private static IonValue ReadNumber(ReadOnlySpan<byte> number)
    {
        Span<char> chars = number.Length <= 256 ? stackalloc char[number.Length] : new char[number.Length];
        for (var i = 0; i < number.Length; i++)
        {
            chars[i] = (char)number[i];
        }

        if (chars.IndexOfAny('e', 'E') >= 0)
        {
            return IonFloat.Of(double.Parse(chars, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        if (chars.Contains('.'))
        {
            return IonDecimalValue.Of(IonDecimal.TryParse(chars, out var decimalValue)
                ? decimalValue
                : throw new JsonException($"Invalid JSON number '{chars}'."));
        }

        return long.TryParse(chars, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var small)
            ? IonInt.Of(small)
            : IonInt.Of(BigInteger.Parse(chars, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
    }

    /// <summary>Down-converts an Ion value to JSON text (annotations dropped; see <c>docs/ion-json-mapping.md</c>).</summary>
    public static string ToJson(IonValue value, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(value);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, indented ? IndentedOptions : CompactOptions))
        {
            WriteTo(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Down-converts an Ion value to JSON into <paramref name="writer"/>.</summary>
    public static void WriteTo(Utf8JsonWriter writer, IonValue value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        if (value.IsNull)
        {
            writer.WriteNullValue();
            return;
        }

        switch (value)
        {
            case IonBool b:
                writer.WriteBooleanValue(b.Value);
                break;
            case IonInt i:
                if (i.TryGetInt64(out var small))
                {
                    writer.WriteNumberValue(small);
                }
                else
                {
                    writer.WriteRawValue(i.Value.ToString(CultureInfo.InvariantCulture));
                }

                break;
            case IonFloat f:
                if (double.IsFinite(f.Value))
                {
                    writer.WriteNumberValue(f.Value);
                }
                else
                {
                    writer.WriteNullValue();
                }

                break;
            case IonDecimalValue d:
                writer.WriteRawValue(DecimalToJsonNumber(d.Value));
                break;
            case IonTimestampValue t:
                writer.WriteStringValue(t.Value.ToString());
                break;
            case IonSymbol s:
                if (s.Text is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteStringValue(s.Text);
                }

                break;
            case IonString s:
                writer.WriteStringValue(s.Value);
                break;
            case IonLob lob:
                writer.WriteBase64StringValue(lob.Span);
                break;
            case IonSequence sequence:
                writer.WriteStartArray();
                foreach (var element in sequence)
                {
                    WriteTo(writer, element);
                }

                writer.WriteEndArray();
                break;
            case IonStruct structure:
                writer.WriteStartObject();
                foreach (var field in structure)
                {
                    writer.WritePropertyName(field.Name.ToString());
                    WriteTo(writer, field.Value);
                }

                writer.WriteEndObject();
                break;
            default:
                throw new InvalidOperationException($"Cannot convert Ion value of type {value.GetType()} to JSON.");
        }
    }

    /// <summary>
    /// The JSON number for an Ion decimal: plain digits with the exact fraction (<c>1.50</c>), no trailing point
    /// (<c>1.</c> → <c>1</c>), and an <c>e</c> exponent for positive or very small exponents (<c>5d300</c> → <c>5e300</c>).
    /// </summary>
    internal static string DecimalToJsonNumber(IonDecimal value)
    {
        var builder = new StringBuilder();
        if (value.IsNegative)
        {
            builder.Append('-');
        }

        var digits = BigInteger.Abs(value.Coefficient).ToString(CultureInfo.InvariantCulture);
        var exponent = value.Exponent;
        if (exponent == 0)
        {
            builder.Append(digits);
        }
        else if (exponent > 0)
        {
            builder.Append(digits).Append('e').Append(exponent.ToString(CultureInfo.InvariantCulture));
        }
        else if (-(long)exponent < digits.Length)
        {
            builder.Append(digits.AsSpan(0, digits.Length + exponent)).Append('.').Append(digits.AsSpan(digits.Length + exponent));
        }
        else if (-(long)exponent - digits.Length <= 6)
        {
            builder.Append("0.").Append('0', -exponent - digits.Length).Append(digits);
        }
        else
        {
            builder.Append(digits).Append('e').Append(exponent.ToString(CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
