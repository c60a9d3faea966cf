using Ledger.PartiQL.Syntax.Ast;
using Ledger.PartiQL.Syntax.Diagnostics;

namespace Ledger.PartiQL.Syntax;

/// <summary>Statements: SELECT, DML, DDL and EXEC (spec §3).</summary>
public sealed partial class PartiQLParser
{
    private Statement ParseStatement()
    {
        var token = Current;
        var start = token.Span.Start;
        if (token.Kind == TokenKind.Keyword)
        {
            switch (token.Keyword)
            {
                case Keyword.Select:
                    return ParseSelect();
                case Keyword.Insert:
                    return ParseInsert();
                case Keyword.Update:
                    return ParseUpdate();
                case Keyword.Delete:
                    return ParseDelete();
                case Keyword.From:
                    return ParseFromDml();
                case Keyword.Create:
                    return ParseCreate();
                case Keyword.Drop:
                    return ParseDrop();
                case Keyword.Exec or Keyword.Execute:
                    return ParseExec();
                case Keyword.Pivot or Keyword.Unpivot:
                    Report(DiagnosticFacts.UnsupportedFeature(TextOf(token).ToUpperInvariant()), token.Span);
                    SkipClause();
                    return new ErrorStatement { Span = SpanFrom(start) };
            }
        }

        if (AtWord("UNDROP"))
        {
            return ParseUndrop();
        }

        if (token.Kind == TokenKind.EndOfText)
        {
            Report(DiagnosticFacts.EmptyStatement(), token.Span);
            return new ErrorStatement { Span = token.Span };
        }

        if (!StartsExpression(token))
        {
            Report(DiagnosticFacts.ExpectedStatement(Describe(token)), token.Span);
            return new ErrorStatement { Span = new TextSpan(start, 0) };
        }

        // QLDB parses a bare expression and then refuses it as a statement; report that only when the expression
        // itself is well formed, otherwise the syntax error is the more useful message.
        var errorsBefore = ErrorCount;
        var expression = ParseExpression();
        var statement = new ExpressionStatement(expression) { Span = SpanFrom(start) };
        var clean = ErrorCount == errorsBefore
            && (At(TokenKind.EndOfText) || (At(TokenKind.Semicolon) && Peek(1).Kind == TokenKind.EndOfText));
        if (clean)
        {
            Report(DiagnosticFacts.UnsupportedStatement(), statement.Span);
        }

        return statement;
    }

    private bool StartsExpression(Token token) => token.Kind switch
    {
        TokenKind.Identifier or TokenKind.QuotedIdentifier or TokenKind.StringLiteral or TokenKind.IntegerLiteral
            or TokenKind.DecimalLiteral or TokenKind.IonLiteral or TokenKind.Parameter or TokenKind.OpenParen
            or TokenKind.OpenBracket or TokenKind.OpenBrace or TokenKind.OpenBag or TokenKind.At or TokenKind.Plus
            or TokenKind.Minus => true,
        TokenKind.Keyword => token.Keyword is Keyword.Null or Keyword.Missing or Keyword.True or Keyword.False
            or Keyword.Not or Keyword.Case or Keyword.Cast
            || IsFunctionKeyword(token.Keyword),
        _ => false,
    };

    // ------------------------------------------------------------------ SELECT

    private SelectStatement ParseSelect()
    {
        var start = Current.Span.Start;
        ExpectKeyword(Keyword.Select);
        var distinct = TryEatKeyword(Keyword.Distinct);
        if (!distinct)
        {
            TryEatKeyword(Keyword.All);
        }

        var projection = ParseProjection();
        FromSource from;
        if (TryEatKeyword(Keyword.From))
        {
            from = ParseFromClause();
        }
        else
        {
            ReportExpected("FROM");
            from = new FromItem(MissingHere(), null, null, null) { Span = new TextSpan(Current.Span.Start, 0) };
        }

        var where = TryEatKeyword(Keyword.Where) ? ParseExpression() : null;
        if (TryReportUnsupportedClause())
        {
            SkipClause();
        }

        return Located(new SelectStatement(distinct, projection, from, where), start);
    }

    private Projection ParseProjection()
    {
        var start = Current.Span.Start;
        if (At(TokenKind.Star))
        {
            Next();
            var star = Located(new ProjectStar(), start);
            if (At(TokenKind.Comma))
            {
                Report(DiagnosticFacts.StarWithOtherItems(), Current.Span);
                while (TryEat(TokenKind.Comma))
                {
                    ParseSelectItem();
                }
            }

            return star;
        }

        if (TryEatKeyword(Keyword.Value))
        {
            return Located(new ProjectValue(ParseExpression()), start);
        }

        var items = new List<SelectItem>();
        do
        {
            if (At(TokenKind.Star))
            {
                Report(DiagnosticFacts.StarWithOtherItems(), Current.Span);
                Next();
                continue;
            }

            items.Add(ParseSelectItem());
        }
        while (TryEat(TokenKind.Comma));

        return Located(new ProjectList(items), start);
    }

    private SelectItem ParseSelectItem()
    {
        var start = Current.Span.Start;
        var expression = ParseExpression();
        if (expression is PathExpression { Steps: [.., AllFieldsStep] } path)
        {
            // "x.*" in a select list means "all fields of x", not a wildcard path.
            var source = path.Steps.Count == 1
                ? path.Root
                : path with { Steps = path.Steps.Take(path.Steps.Count - 1).ToArray(), Span = TextSpan.FromBounds(path.Span.Start, path.Steps[^2].Span.End) };
            return Located(new SelectAllFieldsItem(source), start);
        }

        var alias = ParseOptionalAlias();
        return Located(new SelectExpressionItem(expression, alias), start);
    }

    private FromSource ParseFromClause()
    {
        var start = Current.Span.Start;
        FromSource left = ParseFromItem();
        while (true)
        {
            JoinKind kind;
            Expression? condition = null;
            if (TryEat(TokenKind.Comma))
            {
                kind = JoinKind.Comma;
            }
            else if (TryEatKeyword(Keyword.Cross))
            {
                ExpectKeyword(Keyword.Join);
                kind = JoinKind.Cross;
            }
            else if (AtKeyword(Keyword.Inner) || AtKeyword(Keyword.Join))
            {
                TryEatKeyword(Keyword.Inner);
                ExpectKeyword(Keyword.Join);
                kind = JoinKind.Inner;
            }
            else if (Current.Kind == TokenKind.Keyword
                && Current.Keyword is Keyword.Left or Keyword.Right or Keyword.Full or Keyword.Outer or Keyword.Natural)
            {
                var joinStart = Current.Span.Start;
                while (Current.Kind == TokenKind.Keyword
                    && Current.Keyword is Keyword.Left or Keyword.Right or Keyword.Full or Keyword.Outer or Keyword.Natural)
                {
                    Next();
                }

                var words = text[joinStart..previousEnd].ToUpperInvariant();
                Report(DiagnosticFacts.UnsupportedFeature($"{words} JOIN (only inner joins are supported)"), SpanFrom(joinStart));
                ExpectKeyword(Keyword.Join);
                kind = JoinKind.Inner;
            }
            else
            {
                return left;
            }

            var right = ParseFromItem();
            if (kind == JoinKind.Inner)
            {
                if (TryEatKeyword(Keyword.On))
                {
                    condition = ParseExpression();
                }
                else
                {
                    ReportExpected("ON");
                    condition = MissingHere();
                }
            }

            left = Located(new JoinSource(kind, left, right, condition), start);
        }
    }

    private FromItem ParseFromItem()
    {
        var start = Current.Span.Start;
        var source = ParseFromSourceExpression();
        var alias = ParseOptionalAlias();
        var atAlias = TryEatKeyword(Keyword.At) ? ParseIdentifier("an AT alias") : null;
        var byAlias = TryEatKeyword(Keyword.By) ? ParseIdentifier("a BY alias") : null;
        return Located(new FromItem(source, alias, atAlias, byAlias), start);
    }

    private Expression ParseFromSourceExpression()
    {
        if (AtWord("history") && Peek(1).Kind == TokenKind.OpenParen)
        {
            return ParseHistory();
        }

        return TryParseUserTables() ?? ParseExpression();
    }

    private UserTablesExpression? TryParseUserTables()
    {
        if (!AtWord("information_schema") || Peek(1).Kind != TokenKind.Dot || !IsWord(Peek(2), "user_tables"))
        {
            return null;
        }

        var start = Current.Span.Start;
        Next();
        Next();
        Next();
        return Located(new UserTablesExpression(), start);
    }

    private HistoryExpression ParseHistory()
    {
        var start = Current.Span.Start;
        Next();
        Expect(TokenKind.OpenParen, "'('");
        Identifier? table = null;
        string? tableId = null;
        if (At(TokenKind.StringLiteral))
        {
            tableId = Unquote(Next(), '\'');
        }
        else
        {
            table = ParseIdentifier("a table name or a table id");
        }

        Expression? from = null;
        Expression? to = null;
        if (TryEat(TokenKind.Comma))
        {
            from = ParseExpression();
            if (TryEat(TokenKind.Comma))
            {
                to = ParseExpression();
            }
        }

        Expect(TokenKind.CloseParen, "')'");
        return Located(new HistoryExpression(table, tableId, from, to), start);
    }

    // ------------------------------------------------------------------ DML

    /// <summary>The table of a DML statement: a name, or the catalog (rejected later as read-only).</summary>
    private Expression ParseDmlTable()
    {
        if (TryParseUserTables() is { } catalog)
        {
            return catalog;
        }

        var name = ParseIdentifier("a table name");
        return new VariableReference(name, IsLocal: false) { Span = name.Span };
    }

    private DmlTarget ParseDmlTarget()
    {
        var start = Current.Span.Start;
        var table = ParseDmlTable();
        var alias = ParseOptionalAlias();
        var byAlias = TryEatKeyword(Keyword.By) ? ParseIdentifier("a BY alias") : null;
        return Located(new DmlTarget(table, alias, byAlias), start);
    }

    private InsertStatement ParseInsert()
    {
        var start = Current.Span.Start;
        Next();
        ExpectKeyword(Keyword.Into);
        var table = ParseDmlTable();
        var isValueForm = TryEatKeyword(Keyword.Value);
        Expression value;
        if (!isValueForm && AtKeyword(Keyword.Select))
        {
            // INSERT … SELECT parses; the planner rejects it because the subquery reads a table.
            var queryStart = Current.Span.Start;
            value = Subquery(ParseSelect(), queryStart);
        }
        else
        {
            value = ParseExpression();
        }

        return Located(new InsertStatement(table, isValueForm, value), start);
    }

    private UpdateStatement ParseUpdate()
    {
        var start = Current.Span.Start;
        Next();
        var target = ParseDmlTarget();
        var operation = ParseDmlOperation();
        RejectExtraDmlOperations();
        var where = TryEatKeyword(Keyword.Where) ? ParseExpression() : null;
        return Located(new UpdateStatement(DmlForm.Update, target, [], where, operation), start);
    }

    private UpdateStatement ParseFromDml()
    {
        var start = Current.Span.Start;
        Next();
        var target = ParseDmlTarget();
        var nested = new List<FromItem>();
        while (TryEat(TokenKind.Comma))
        {
            nested.Add(ParseFromItem());
        }

        var where = TryEatKeyword(Keyword.Where) ? ParseExpression() : null;
        var operation = ParseDmlOperation();
        RejectExtraDmlOperations();
        if (where is null && TryEatKeyword(Keyword.Where))
        {
            where = ParseExpression();
        }

        return Located(new UpdateStatement(DmlForm.From, target, nested, where, operation), start);
    }

    private bool AtDmlOperation => AtKeyword(Keyword.Set) || AtKeyword(Keyword.Insert) || AtKeyword(Keyword.Remove);

    /// <summary>QLDB documents exactly one SET, INSERT or REMOVE per statement (spec §3 notes).</summary>
    private void RejectExtraDmlOperations()
    {
        while (AtDmlOperation)
        {
            Report(DiagnosticFacts.UnsupportedFeature("more than one SET, INSERT or REMOVE operation in one statement"), Current.Span);
            ParseDmlOperation();
        }
    }

    private DmlOperation ParseDmlOperation()
    {
        var start = Current.Span.Start;
        if (TryEatKeyword(Keyword.Set))
        {
            var assignments = new List<Assignment>();
            do
            {
                var assignmentStart = Current.Span.Start;
                var target = ParseDmlPath();
                Expect(TokenKind.Equal, "'='");
                var value = ParseExpression();
                assignments.Add(Located(new Assignment(target, value), assignmentStart));
            }
            while (TryEat(TokenKind.Comma));

            return Located(new SetOperation(assignments), start);
        }

        if (TryEatKeyword(Keyword.Insert))
        {
            ExpectKeyword(Keyword.Into);
            var target = ParseDmlPath();
            ExpectKeyword(Keyword.Value);
            var value = ParseExpression();
            var at = TryEatKeyword(Keyword.At) ? ParseExpression() : null;
            return Located(new InsertIntoOperation(target, value, at), start);
        }

        if (TryEatKeyword(Keyword.Remove))
        {
            return Located(new RemoveOperation(ParseDmlPath()), start);
        }

        ReportExpected("SET, INSERT INTO or REMOVE");
        return new SetOperation([]) { Span = new TextSpan(start, 0) };
    }

    /// <summary>A DML target: an alias (or the table name) followed by field and index steps, no wildcards.</summary>
    private Expression ParseDmlPath()
    {
        var start = Current.Span.Start;
        if (!AtName && !At(TokenKind.At))
        {
            if (Current.Kind == TokenKind.Keyword)
            {
                return new VariableReference(ParseIdentifier("a document path"), IsLocal: false) { Span = SpanFrom(start) };
            }

            ReportExpected("a document path");
            return MissingHere();
        }

        var path = ParsePostfix();
        var valid = path switch
        {
            VariableReference => true,
            PathExpression { Root: VariableReference } p => p.Steps.All(s => s is FieldStep or IndexStep),
            _ => false,
        };
        if (!valid)
        {
            Report(DiagnosticFacts.InvalidDmlTarget(), path.Span);
        }

        return path;
    }

    private DeleteStatement ParseDelete()
    {
        var start = Current.Span.Start;
        Next();
        ExpectKeyword(Keyword.From);
        var target = ParseDmlTarget();
        var where = TryEatKeyword(Keyword.Where) ? ParseExpression() : null;
        return Located(new DeleteStatement(target, where), start);
    }

    // ------------------------------------------------------------------ DDL

    private Statement ParseCreate()
    {
        var start = Current.Span.Start;
        Next();
        if (TryEatKeyword(Keyword.Table))
        {
            var table = ParseIdentifier("a table name");
            IonLiteralExpression? tags = null;
            if (TryEatKeyword(Keyword.With))
            {
                Expect(TokenKind.OpenParen, "'('");
                if (AtWord("aws_tags"))
                {
                    Next();
                }
                else
                {
                    Report(DiagnosticFacts.InvalidOption("aws_tags", Describe(Current)), new TextSpan(Current.Span.Start, 0));
                    if (AtName)
                    {
                        Next();
                    }
                }

                Expect(TokenKind.Equal, "'='");
                if (At(TokenKind.IonLiteral))
                {
                    tags = ParseIonLiteral();
                }
                else
                {
                    ReportExpected("an Ion struct literal in backticks");
                }

                Expect(TokenKind.CloseParen, "')'");
            }

            return Located(new CreateTableStatement(table, tags), start);
        }

        if (TryEatKeyword(Keyword.Index))
        {
            ExpectKeyword(Keyword.On);
            var table = ParseIdentifier("a table name");
            Expect(TokenKind.OpenParen, "'('");
            var fields = new List<Expression>();
            do
            {
                fields.Add(ParseIndexField());
            }
            while (TryEat(TokenKind.Comma));

            Expect(TokenKind.CloseParen, "')'");
            return Located(new CreateIndexStatement(table, fields), start);
        }

        ReportExpected("TABLE or INDEX");
        return new ErrorStatement { Span = SpanFrom(start) };
    }

    /// <summary>A field name, possibly dotted; the engine rejects nested and composite indexes.</summary>
    private Expression ParseIndexField()
    {
        var start = Current.Span.Start;
        var name = ParseIdentifier("a field name");
        Expression field = new VariableReference(name, IsLocal: false) { Span = name.Span };
        if (!At(TokenKind.Dot))
        {
            return field;
        }

        var steps = new List<PathStep>();
        while (TryEat(TokenKind.Dot))
        {
            var step = ParseIdentifier("a field name");
            steps.Add(new FieldStep(step) { Span = step.Span });
        }

        return Located(new PathExpression(field, steps), start);
    }

    private Statement ParseDrop()
    {
        var start = Current.Span.Start;
        Next();
        if (TryEatKeyword(Keyword.Table))
        {
            return Located(new DropTableStatement(ParseIdentifier("a table name")), start);
        }

        if (TryEatKeyword(Keyword.Index))
        {
            var indexId = ParseQuotedId("a double-quoted index id");
            ExpectKeyword(Keyword.On);
            var table = ParseIdentifier("a table name");
            if (TryEatKeyword(Keyword.With))
            {
                Expect(TokenKind.OpenParen, "'('");
                // QLDB accepts only lower-case "purge" and only the value true (spec §4).
                if (At(TokenKind.Identifier) && TextOf(Current) == "purge")
                {
                    Next();
                }
                else
                {
                    Report(DiagnosticFacts.InvalidOption("purge (in lower case)", Describe(Current)), Current.Span);
                    if (AtName)
                    {
                        Next();
                    }
                }

                Expect(TokenKind.Equal, "'='");
                if (!TryEatKeyword(Keyword.True))
                {
                    Report(DiagnosticFacts.InvalidOption("true", Describe(Current)), Current.Span);
                    if (Current.Kind is not (TokenKind.CloseParen or TokenKind.EndOfText))
                    {
                        Next();
                    }
                }

                Expect(TokenKind.CloseParen, "')'");
            }
            else
            {
                ReportExpected("WITH (purge = true)");
            }

            return Located(new DropIndexStatement(indexId, table), start);
        }

        ReportExpected("TABLE or INDEX");
        return new ErrorStatement { Span = SpanFrom(start) };
    }

    private Statement ParseUndrop()
    {
        var start = Current.Span.Start;
        Next();
        ExpectKeyword(Keyword.Table);
        return Located(new UndropTableStatement(ParseQuotedId("a double-quoted table id")), start);
    }

    /// <summary>An object id, which QLDB requires in double quotes (UNDROP TABLE, DROP INDEX).</summary>
    private Identifier ParseQuotedId(string description)
    {
        var token = Current;
        if (token.Kind == TokenKind.QuotedIdentifier)
        {
            Next();
            return new Identifier(UnquoteIdentifier(token), IsQuoted: true) { Span = token.Span };
        }

        ReportExpected(description);
        if (token.Kind is TokenKind.StringLiteral or TokenKind.Identifier)
        {
            Next();
        }

        return new Identifier(string.Empty, IsQuoted: true) { Span = new TextSpan(token.Span.Start, 0) };
    }

    // ------------------------------------------------------------------ EXEC

    private ExecStatement ParseExec()
    {
        var start = Current.Span.Start;
        Next();
        var nameToken = Current;
        var name = ParseIdentifier("a stored procedure name");
        var procedure = name.Name.ToLowerInvariant();
        var arguments = new List<Expression>();
        if (!At(TokenKind.EndOfText) && !At(TokenKind.Semicolon))
        {
            do
            {
                arguments.Add(ParseExpression());
            }
            while (TryEat(TokenKind.Comma));
        }

        if (procedure.Length > 0 && procedure != "redact_revision")
        {
            Report(DiagnosticFacts.UnknownProcedure(name.Name), nameToken.Span);
        }
        else if (procedure.Length > 0 && arguments.Count != 3)
        {
            Report(DiagnosticFacts.WrongArity("redact_revision", "3", arguments.Count), nameToken.Span);
        }

        return Located(new ExecStatement(procedure, arguments), start);
    }
}
