namespace Ledger.Ion;

/// <summary>
/// A symbol token: the text of a symbol value, field name or annotation, or unknown text.
/// </summary>
/// <remarks>
/// <para><see cref="Text"/> is <see langword="null"/> when the text is unknown (<c>$0</c>, a gap in a local
/// symbol table, or an import missing from the catalog). <see cref="Sid"/> is the symbol ID the token was read
/// with, or <c>-1</c> when it has none; it is a serialization detail only.</para>
/// <para>Equality follows Ion: two tokens are equal when their texts are equal (ordinal), regardless of SID;
/// all tokens with unknown text are equal to each other.</para>
/// </remarks>
/// <param name="Text">The symbol text, or <see langword="null"/> for unknown text.</param>
/// <param name="Sid">The symbol ID, or <see cref="NoSid"/>.</param>
public readonly record struct SymbolToken(string? Text, int Sid)
{
    /// <summary>The SID value meaning "no symbol ID".</summary>
    public const int NoSid = -1;

    /// <summary><c>$0</c>: the symbol with unknown text and SID 0.</summary>
    public static SymbolToken Zero => new(null, 0);

    /// <summary>Creates a token with the given text and no SID.</summary>
    public static SymbolToken Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new SymbolToken(text, NoSid);
    }

    /// <summary>Converts text to a token with no SID.</summary>
    public static implicit operator SymbolToken(string text) => Of(text);

    /// <summary>True when the text of this token is unknown.</summary>
    public bool IsUnknownText => Text is null;

    /// <summary>Returns <see cref="Text"/> or throws when it is unknown.</summary>
    public string RequireText() =>
        Text ?? throw new InvalidOperationException($"Symbol ${Sid} has unknown text.");

    /// <summary>Ion equality: same text, or both unknown.</summary>
    public bool Equals(SymbolToken other) => string.Equals(Text, other.Text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => Text is null ? 0 : StringComparer.Ordinal.GetHashCode(Text);

    /// <summary>The text, or <c>$sid</c> when the text is unknown.</summary>
    public override string ToString() => Text ?? "$" + (Sid < 0 ? 0 : Sid).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
