using Ledger.Ion;
using Ledger.Ion.Binary;

namespace Ledger.Functions.Protocol.Session;

/// <summary>
/// Ion values on the wire: statement parameters in (Ion binary or Ion text, one value each) and result values out
/// (each a standalone Ion binary stream, as the drivers load them). Refusals name the member and the position of the
/// fault but never quote the value.
/// </summary>
public static class SessionValues
{
    /// <summary>The decoded parameters, in order; throws <see cref="SessionProtocolException"/> for bad Ion.</summary>
    public static IReadOnlyList<IonValue> DecodeParameters(IReadOnlyList<StatementParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var values = new IonValue[parameters.Count];
        for (var index = 0; index < parameters.Count; index++)
        {
            values[index] = Decode(parameters[index], $"executeStatement.parameters.{index + 1}.member");
        }

        return values;
    }

    /// <summary>A result value as the drivers read it: its own version marker and local symbol table.</summary>
    public static ValueHolder Encode(IonValue value) => ValueHolder.FromIonBinary(IonBinary.Write(value));

    private static IonValue Decode(StatementParameter parameter, string member)
    {
        IReadOnlyList<IonValue> values;
        if (parameter.IonBinary is { } binary)
        {
            member += ".ionBinary";
            if (!IonBinary.IsIonBinary(binary.Span))
            {
                throw Fail($"Value at '{member}' failed to satisfy constraint: Member must be an Ion binary stream starting with the Ion version marker.");
            }

            values = Read(() => IonBinary.ReadAll(binary.Span), member);
        }
        else
        {
            member += ".ionText";
            values = Read(() => IonText.ParseAll(parameter.IonText!), member);
        }

        return values.Count == 1
            ? values[0]
            : throw Fail($"Value at '{member}' failed to satisfy constraint: Member must hold exactly one Ion value, not {values.Count}.");
    }

    private static IReadOnlyList<IonValue> Read(Func<IReadOnlyList<IonValue>> read, string member)
    {
        try
        {
            return read();
        }
        catch (Exception invalid) when (invalid is IonException or ArgumentException or OverflowException or FormatException)
        {
            // Values the readers refuse outright (an unpaired surrogate, an out-of-range number) are invalid Ion too.
            var position = invalid switch
            {
                IonException { Line: { } line, Column: { } column } => $" (line {line}, column {column})",
                IonException { Offset: { } offset } => $" (byte offset {offset})",
                _ => string.Empty,
            };
            throw Fail($"Value at '{member}' failed to satisfy constraint: Member must be valid Ion{position}.");
        }
    }

    private static SessionProtocolException Fail(string message) => new(SessionError.BadRequest(message));
}
