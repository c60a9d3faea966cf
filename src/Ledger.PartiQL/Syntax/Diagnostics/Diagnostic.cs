namespace Ledger.PartiQL.Syntax.Diagnostics;

/// <summary>The error classes of the conformance suite that the front end can raise.</summary>
public enum DiagnosticCategory
{
    /// <summary>The statement cannot be parsed.</summary>
    Syntax,
    /// <summary>Valid PartiQL that QLDB rejects (ORDER BY, outer joins, unlisted functions, bare expressions, …).</summary>
    Unsupported,
    /// <summary>Well-formed but meaningless: wrong function arity, unknown procedure.</summary>
    Semantic,
}

/// <summary>A diagnostic before it is placed in the text: stable code, category and detail.</summary>
public sealed record DiagnosticInfo(string Code, DiagnosticCategory Category, string Detail)
{
    /// <summary>Places the diagnostic at <paramref name="span"/> of <paramref name="text"/> and formats the
    /// QLDB-like message for it.</summary>
    public Diagnostic WithLocation(string text, TextSpan span)
    {
        var position = LinePosition.FromOffset(text, span.Start);
        var message = Category switch
        {
            DiagnosticCategory.Syntax => $"Syntax Error: at line {position.Line}, column {position.Column}: {Detail}",
            DiagnosticCategory.Unsupported when Code == DiagnosticFacts.UnsupportedStatementCode =>
                $"{Detail}, Errors at: line {position.Line}, column {position.Column}",
            DiagnosticCategory.Unsupported =>
                $"Unsupported PartiQL feature: {Detail}, at line {position.Line}, column {position.Column}",
            _ => $"Semantic Error: at line {position.Line}, column {position.Column}: {Detail}",
        };
        return new Diagnostic(Code, Category, Detail, message, span, position);
    }
}

/// <summary>A located diagnostic. <see cref="Message"/> is the text a client sees in the BadRequestException.</summary>
public sealed record Diagnostic(
    string Code,
    DiagnosticCategory Category,
    string Detail,
    string Message,
    TextSpan Span,
    LinePosition Position)
{
    public override string ToString() => $"{Code}: {Message}";
}
