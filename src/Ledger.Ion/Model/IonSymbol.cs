using System.Collections.Immutable;

namespace Ledger.Ion;

/// <summary>An Ion symbol value.</summary>
public sealed class IonSymbol : IonValue
{
    private IonSymbol(SymbolToken token, ImmutableArray<SymbolToken> annotations)
        : base(annotations)
    {
        Token = token;
    }

    /// <summary>The symbol token.</summary>
    public SymbolToken Token { get; }

    /// <summary>The text, or <see langword="null"/> when unknown.</summary>
    public string? Text => Token.Text;

    /// <inheritdoc/>
    public override IonType Type => IonType.Symbol;

    /// <summary>Creates a symbol with the given text.</summary>
    public static IonSymbol Of(string text) => new(SymbolToken.Of(text), []);

    /// <summary>Creates a symbol from a token.</summary>
    public static IonSymbol Of(SymbolToken token) => new(token, []);

    private protected override IonValue WithAnnotationsCore(ImmutableArray<SymbolToken> annotations) => new IonSymbol(Token, annotations);

    private protected override bool ContentEquals(IonValue other) => Token.Equals(((IonSymbol)other).Token);

    private protected override int ContentHashCode() => Token.GetHashCode();
}
