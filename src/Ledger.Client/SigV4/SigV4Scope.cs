namespace Ledger.Client.SigV4;

/// <summary>A credential scope: <c>&lt;yyyyMMdd&gt;/&lt;region&gt;/&lt;service&gt;/aws4_request</c>.</summary>
public sealed record SigV4Scope(string Date, string Region, string Service)
{
    public override string ToString() => $"{Date}/{Region}/{Service}/{SigV4Signer.Terminator}";
}
