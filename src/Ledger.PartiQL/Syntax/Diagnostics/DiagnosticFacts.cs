namespace Ledger.PartiQL.Syntax.Diagnostics;

/// <summary>
/// The one place diagnostics are made. Codes are stable: clients and tests may depend on them, so a code is
/// never reused for a different meaning. PQL00xx are lexical and syntax errors, PQL01xx unsupported features,
/// PQL02xx semantic errors (found while parsing or planning).
/// </summary>
public static class DiagnosticFacts
{
    public const string UnexpectedCharacterCode = "PQL0001";
    public const string UnterminatedStringCode = "PQL0002";
    public const string UnterminatedQuotedIdentifierCode = "PQL0003";
    public const string UnterminatedIonLiteralCode = "PQL0004";
    public const string UnterminatedCommentCode = "PQL0005";
    public const string InvalidIonLiteralCode = "PQL0006";
    public const string InvalidNumberCode = "PQL0007";
    public const string ExpectedTokenCode = "PQL0010";
    public const string ExpectedExpressionCode = "PQL0011";
    public const string UnexpectedTokenCode = "PQL0012";
    public const string MultipleStatementsCode = "PQL0013";
    public const string ReservedWordCode = "PQL0014";
    public const string NestingTooDeepCode = "PQL0015";
    public const string ExpectedStatementCode = "PQL0016";
    public const string StarWithOtherItemsCode = "PQL0017";
    public const string InvalidDmlTargetCode = "PQL0018";
    public const string InvalidOptionCode = "PQL0019";
    public const string InvalidDateTimePartCode = "PQL0020";
    public const string EmptyStatementCode = "PQL0021";
    public const string UnsupportedStatementCode = "PQL0100";
    public const string UnsupportedFeatureCode = "PQL0101";
    public const string UnsupportedFunctionCode = "PQL0102";
    public const string WrongArityCode = "PQL0200";
    public const string UnknownProcedureCode = "PQL0201";
    public const string NoSuchVariableCode = "PQL0202";
    public const string ReadOnlyViewCode = "PQL0203";
    public const string SubqueryReadsTableCode = "PQL0204";
    public const string AggregateWithoutGroupCode = "PQL0205";
    public const string ParameterCountCode = "PQL0206";
    public const string DmlReadsAnotherSourceCode = "PQL0207";

    public static DiagnosticInfo UnexpectedCharacter(char c) =>
        Syntax(UnexpectedCharacterCode, $"unexpected character '{Printable(c)}'");

    public static DiagnosticInfo UnterminatedString() =>
        Syntax(UnterminatedStringCode, "unterminated string literal, expected a closing '");

    public static DiagnosticInfo UnterminatedQuotedIdentifier() =>
        Syntax(UnterminatedQuotedIdentifierCode, "unterminated quoted identifier, expected a closing \"");

    public static DiagnosticInfo UnterminatedIonLiteral() =>
        Syntax(UnterminatedIonLiteralCode, "unterminated Ion literal, expected a closing `");

    public static DiagnosticInfo UnterminatedComment() =>
        Syntax(UnterminatedCommentCode, "unterminated comment, expected */");

    public static DiagnosticInfo InvalidIonLiteral(string reason) =>
        Syntax(InvalidIonLiteralCode, $"invalid Ion literal: {reason}");

    public static DiagnosticInfo InvalidNumber(string text) =>
        Syntax(InvalidNumberCode, $"invalid number '{text}'");

    public static DiagnosticInfo ExpectedToken(string expected, string found) =>
        Syntax(ExpectedTokenCode, $"expected {expected}, found {found}");

    public static DiagnosticInfo ExpectedExpression(string found) =>
        Syntax(ExpectedExpressionCode, $"expected an expression, found {found}");

    public static DiagnosticInfo UnexpectedToken(string found) =>
        Syntax(UnexpectedTokenCode, $"unexpected {found}");

    public static DiagnosticInfo MultipleStatements() =>
        Syntax(MultipleStatementsCode, "only one statement is allowed per request");

    public static DiagnosticInfo ReservedWord(string word) =>
        Syntax(ReservedWordCode, $"'{word}' is a reserved word; use a double-quoted identifier to use it as a name");

    public static DiagnosticInfo NestingTooDeep(int limit) =>
        Syntax(NestingTooDeepCode, $"the statement is nested too deeply (the limit is {limit} levels)");

    public static DiagnosticInfo ExpectedStatement(string found) =>
        Syntax(ExpectedStatementCode, $"expected a statement, found {found}");

    public static DiagnosticInfo StarWithOtherItems() =>
        Syntax(StarWithOtherItemsCode, "SELECT * cannot be combined with other select items");

    public static DiagnosticInfo InvalidDmlTarget() =>
        Syntax(InvalidDmlTargetCode, "expected a document path such as alias.field or alias[0]");

    public static DiagnosticInfo InvalidOption(string expected, string found) =>
        Syntax(InvalidOptionCode, $"expected {expected}, found {found}");

    public static DiagnosticInfo InvalidDateTimePart(string found) =>
        Syntax(InvalidDateTimePartCode,
            $"expected a date/time part (year, month, day, hour, minute, second, timezone_hour, timezone_minute), found {found}");

    public static DiagnosticInfo EmptyStatement() => Syntax(EmptyStatementCode, "the statement is empty");

    /// <summary>QLDB's own text for a statement that is only an expression (QLDB shell issue 142).</summary>
    public static DiagnosticInfo UnsupportedStatement() =>
        new(UnsupportedStatementCode, DiagnosticCategory.Unsupported, "Unsupported PartiQL Statement");

    public static DiagnosticInfo UnsupportedFeature(string feature) =>
        new(UnsupportedFeatureCode, DiagnosticCategory.Unsupported, feature);

    public static DiagnosticInfo UnsupportedFunction(string name) =>
        new(UnsupportedFunctionCode, DiagnosticCategory.Unsupported, $"function '{name}' is not supported");

    public static DiagnosticInfo WrongArity(string function, string expected, int actual) =>
        new(WrongArityCode, DiagnosticCategory.Semantic,
            $"function '{function}' takes {expected} argument(s) but was given {actual}");

    public static DiagnosticInfo UnknownProcedure(string name) =>
        new(UnknownProcedureCode, DiagnosticCategory.Semantic, $"no such stored procedure '{name}'");

    /// <summary>QLDB's observed text for an unknown table or unbound name (Audit.NET matches on it).</summary>
    public static DiagnosticInfo NoSuchVariable(string name) =>
        new(NoSuchVariableCode, DiagnosticCategory.Semantic, $"No such variable named '{name}'");

    public static DiagnosticInfo ReadOnlyView(string view) =>
        new(ReadOnlyViewCode, DiagnosticCategory.Semantic,
            $"DML statements are only supported on the user view of a table, not on {view}");

    public static DiagnosticInfo SubqueryReadsTable(string name) =>
        new(SubqueryReadsTableCode, DiagnosticCategory.Semantic,
            $"only the outermost query may read a table or view; the nested query reads '{name}'");

    public static DiagnosticInfo AggregateWithoutGroup() =>
        new(AggregateWithoutGroupCode, DiagnosticCategory.Semantic,
            "aggregate functions cannot be mixed with non-aggregated expressions (GROUP BY is not supported)");

    public static DiagnosticInfo ParameterCount(int expected, int supplied) =>
        new(ParameterCountCode, DiagnosticCategory.Semantic,
            $"the statement has {expected} parameter(s) but {supplied} value(s) were supplied");

    public static DiagnosticInfo DmlReadsAnotherSource(string source) =>
        new(DmlReadsAnotherSourceCode, DiagnosticCategory.Semantic,
            $"a DML statement reads and modifies one table; its other FROM items must be paths from its aliases, not '{source}'");

    private static DiagnosticInfo Syntax(string code, string detail) => new(code, DiagnosticCategory.Syntax, detail);

    private static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString();
}
