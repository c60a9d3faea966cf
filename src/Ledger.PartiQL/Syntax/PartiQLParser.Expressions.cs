using Ledger.Ion;
using Ledger.PartiQL.Syntax.Ast;
using Ledger.PartiQL.Syntax.Diagnostics;

namespace Ledger.PartiQL.Syntax;

/// <summary>
/// Expressions, lowest to highest precedence: OR, AND, NOT, equality (<c>= &lt;&gt; != IS IN</c>), relational
/// (<c>&lt; &lt;= &gt; &gt;= BETWEEN LIKE</c>), additive (<c>+ - ||</c>), multiplicative, unary, path steps, primary.
/// </summary>
public sealed partial class PartiQLParser
{
    private Expression ParseExpression()
    {
        if (!EnterNesting())
        {
            return MissingHere();
        }

        try
        {
            return ParseOr();
        }
        finally
        {
            depth--;
        }
    }

    /// <summary>A function argument, where a bare SELECT is a subquery (<c>EXISTS(SELECT …)</c>).</summary>
    private Expression ParseArgument()
    {
        if (!AtKeyword(Keyword.Select))
        {
            return ParseExpression();
        }

        if (!EnterNesting())
        {
            return MissingHere();
        }

        try
        {
            var start = Current.Span.Start;
            return Subquery(ParseSelect(), start);
        }
        finally
        {
            depth--;
        }
    }

    private Expression ParseOr()
    {
        var left = ParseAnd();
        while (TryEatKeyword(Keyword.Or))
        {
            var right = ParseAnd();
            left = Binary(BinaryOperator.Or, left, right);
        }

        return left;
    }

    private Expression ParseAnd()
    {
        var left = ParseNot();
        while (TryEatKeyword(Keyword.And))
        {
            var right = ParseNot();
            left = Binary(BinaryOperator.And, left, right);
        }

        return left;
    }

    private Expression ParseNot()
    {
        if (!AtKeyword(Keyword.Not))
        {
            return ParseEquality();
        }

        var start = Current.Span.Start;
        if (!EnterNesting())
        {
            return MissingHere();
        }

        try
        {
            Next();
            var operand = ParseNot();
            return Located(new UnaryExpression(UnaryOperator.Not, operand), start);
        }
        finally
        {
            depth--;
        }
    }

    private static BinaryExpression Binary(BinaryOperator op, Expression left, Expression right) =>
        new(op, left, right) { Span = left.Span.Cover(right.Span) };

    private Expression ParseEquality()
    {
        var left = ParseRelational();
        while (true)
        {
            var start = left.Span.Start;
            switch (Current.Kind)
            {
                case TokenKind.Equal:
                    Next();
                    left = Binary(BinaryOperator.Equal, left, ParseRelational());
                    continue;
                case TokenKind.NotEqual or TokenKind.BangEqual:
                    Next();
                    left = Binary(BinaryOperator.NotEqual, left, ParseRelational());
                    continue;
            }

            if (TryEatKeyword(Keyword.Is))
            {
                var negated = TryEatKeyword(Keyword.Not);
                var type = ParseTypeName();
                left = Located(new IsExpression(left, type, negated), start);
                continue;
            }

            var notIn = AtKeyword(Keyword.Not) && Peek(1).IsKeyword(Keyword.In);
            if (notIn || AtKeyword(Keyword.In))
            {
                if (notIn)
                {
                    Next();
                }

                Next();
                left = ParseInTail(left, notIn, start);
                continue;
            }

            return left;
        }
    }

    private Expression ParseInTail(Expression operand, bool negated, int start)
    {
        if (At(TokenKind.OpenParen) && !Peek(1).IsKeyword(Keyword.Select))
        {
            Next();
            var items = new List<Expression>();
            do
            {
                items.Add(ParseExpression());
            }
            while (TryEat(TokenKind.Comma));

            Expect(TokenKind.CloseParen, "')'");
            return Located(new InListExpression(operand, items, negated), start);
        }

        // Without parentheses the collection is a single postfix expression (a parameter, path, list, bag or
        // subquery); "x IN (e)" is always a one-item list, so a compound collection can only be written as a list.
        var collection = ParsePostfix();
        return Located(new InCollectionExpression(operand, collection, negated), start);
    }

    private Expression ParseRelational()
    {
        var left = ParseAdditive();
        while (true)
        {
            var start = left.Span.Start;
            BinaryOperator? op = Current.Kind switch
            {
                TokenKind.Less => BinaryOperator.Less,
                TokenKind.LessOrEqual => BinaryOperator.LessOrEqual,
                TokenKind.Greater => BinaryOperator.Greater,
                TokenKind.GreaterOrEqual => BinaryOperator.GreaterOrEqual,
                _ => null,
            };
            if (op is { } comparison)
            {
                Next();
                left = Binary(comparison, left, ParseAdditive());
                continue;
            }

            var negated = AtKeyword(Keyword.Not) && (Peek(1).IsKeyword(Keyword.Between) || Peek(1).IsKeyword(Keyword.Like));
            if (negated)
            {
                Next();
            }

            if (TryEatKeyword(Keyword.Between))
            {
                var low = ParseAdditive();
                ExpectKeyword(Keyword.And);
                var high = ParseAdditive();
                left = Located(new BetweenExpression(left, low, high, negated), start);
                continue;
            }

            if (TryEatKeyword(Keyword.Like))
            {
                var pattern = ParseAdditive();
                var escape = TryEatKeyword(Keyword.Escape) ? ParseAdditive() : null;
                left = Located(new LikeExpression(left, pattern, escape, negated), start);
                continue;
            }

            return left;
        }
    }

    private Expression ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (true)
        {
            BinaryOperator op;
            switch (Current.Kind)
            {
                case TokenKind.Plus:
                    op = BinaryOperator.Add;
                    break;
                case TokenKind.Minus:
                    op = BinaryOperator.Subtract;
                    break;
                case TokenKind.Concat:
                    op = BinaryOperator.Concat;
                    break;
                default:
                    return left;
            }

            Next();
            left = Binary(op, left, ParseMultiplicative());
        }
    }

    private Expression ParseMultiplicative()
    {
        var left = ParseUnary();
        while (true)
        {
            BinaryOperator op;
            switch (Current.Kind)
            {
                case TokenKind.Star:
                    op = BinaryOperator.Multiply;
                    break;
                case TokenKind.Slash:
                    op = BinaryOperator.Divide;
                    break;
                case TokenKind.Percent:
                    op = BinaryOperator.Modulo;
                    break;
                default:
                    return left;
            }

            Next();
            left = Binary(op, left, ParseUnary());
        }
    }

    private Expression ParseUnary()
    {
        if (Current.Kind is not (TokenKind.Plus or TokenKind.Minus))
        {
            return ParsePostfix();
        }

        var start = Current.Span.Start;
        if (!EnterNesting())
        {
            return MissingHere();
        }

        try
        {
            var op = Next().Kind == TokenKind.Plus ? UnaryOperator.Plus : UnaryOperator.Minus;
            var operand = ParseUnary();
            return Located(new UnaryExpression(op, operand), start);
        }
        finally
        {
            depth--;
        }
    }

    private Expression ParsePostfix()
    {
        var start = Current.Span.Start;
        var root = ParsePrimary();
        if (!At(TokenKind.Dot) && !At(TokenKind.OpenBracket))
        {
            return root;
        }

        // "(a.b).c" is the same path as "a.b.c"; keep one flat path so equal paths have equal trees.
        var steps = new List<PathStep>();
        if (root is PathExpression inner)
        {
            steps.AddRange(inner.Steps);
            root = inner.Root;
        }

        while (true)
        {
            var stepStart = Current.Span.Start;
            if (TryEat(TokenKind.Dot))
            {
                if (TryEat(TokenKind.Star))
                {
                    steps.Add(Located(new AllFieldsStep(), stepStart));
                }
                else
                {
                    var field = ParseIdentifier("a field name");
                    steps.Add(Located(new FieldStep(field), stepStart));
                }
            }
            else if (TryEat(TokenKind.OpenBracket))
            {
                if (At(TokenKind.Star) && Peek(1).Kind == TokenKind.CloseBracket)
                {
                    Next();
                    Next();
                    steps.Add(Located(new AllElementsStep(), stepStart));
                    continue;
                }

                var index = ParseExpression();
                Expect(TokenKind.CloseBracket, "']'");
                steps.Add(Located(new IndexStep(index), stepStart));
            }
            else
            {
                return Located(new PathExpression(root, steps), start);
            }
        }
    }

    private Expression ParsePrimary()
    {
        var token = Current;
        var start = token.Span.Start;
        switch (token.Kind)
        {
            case TokenKind.IntegerLiteral:
                Next();
                return new LiteralExpression(LiteralKind.Integer, TextOf(token)) { Span = token.Span };
            case TokenKind.DecimalLiteral:
                Next();
                return new LiteralExpression(LiteralKind.Decimal, TextOf(token)) { Span = token.Span };
            case TokenKind.StringLiteral:
                Next();
                return new LiteralExpression(LiteralKind.String, Unquote(token, '\'')) { Span = token.Span };
            case TokenKind.IonLiteral:
                return ParseIonLiteral();
            case TokenKind.Parameter:
                Next();
                return new ParameterExpression(parameterCount++) { Span = token.Span };
            case TokenKind.At:
                Next();
                if (!AtName)
                {
                    ReportExpected("a name after '@'");
                    return MissingHere();
                }

                return Located(new VariableReference(ParseIdentifier("a name"), IsLocal: true), start);
            case TokenKind.Identifier when Peek(1).Kind == TokenKind.OpenParen:
                return ParseFunctionCall();
            case TokenKind.Identifier or TokenKind.QuotedIdentifier:
                var name = ParseIdentifier("a name");
                return new VariableReference(name, IsLocal: false) { Span = name.Span };
            case TokenKind.OpenParen:
                return ParseParenthesized();
            case TokenKind.OpenBracket:
                Next();
                return Located(new ListExpression(ParseItems(TokenKind.CloseBracket, "']'")), start);
            case TokenKind.OpenBag:
                Next();
                return Located(new BagExpression(ParseItems(TokenKind.CloseBag, "'>>'")), start);
            case TokenKind.OpenBrace:
                return ParseStruct();
            case TokenKind.Keyword:
                return ParseKeywordPrimary(token);
            default:
                Report(DiagnosticFacts.ExpectedExpression(Describe(token)), new TextSpan(start, 0));
                return MissingHere();
        }
    }

    private IonLiteralExpression ParseIonLiteral()
    {
        var token = Next();
        var raw = text.AsSpan(token.Span.Start, token.Span.Length);
        var closed = raw.Length >= 2 && raw[^1] == '`';
        var content = (closed ? raw[1..^1] : raw[1..]).ToString();
        IonValue? value = null;
        if (closed)
        {
            value = ParseIonValue(content, token.Span);
        }

        return new IonLiteralExpression(content, value) { Span = token.Span };
    }

    /// <summary>Reads the single Ion value of a backtick literal with the Ion text reader, turning its error into a
    /// diagnostic. Ion positions are relative to the literal; the diagnostic points at the literal itself.</summary>
    private IonValue? ParseIonValue(string content, TextSpan span)
    {
        try
        {
            return IonText.Parse(content);
        }
        catch (IonException e)
        {
            Report(DiagnosticFacts.InvalidIonLiteral(e.Message), span);
            return null;
        }
    }

    private Expression ParseParenthesized()
    {
        var start = Current.Span.Start;
        Next();
        if (AtKeyword(Keyword.Select))
        {
            if (!EnterNesting())
            {
                return MissingHere();
            }

            try
            {
                var query = ParseSelect();
                Expect(TokenKind.CloseParen, "')'");
                return Subquery(query, start);
            }
            finally
            {
                depth--;
            }
        }

        var inner = ParseExpression();
        Expect(TokenKind.CloseParen, "')'");
        return inner;
    }

    private List<Expression> ParseItems(TokenKind close, string closeDescription)
    {
        var items = new List<Expression>();
        if (!At(close))
        {
            do
            {
                items.Add(ParseExpression());
            }
            while (TryEat(TokenKind.Comma));
        }

        Expect(close, closeDescription);
        return items;
    }

    private StructExpression ParseStruct()
    {
        var start = Current.Span.Start;
        Next();
        var fields = new List<StructField>();
        if (!At(TokenKind.CloseBrace))
        {
            do
            {
                var fieldStart = Current.Span.Start;
                var key = ParseExpression();
                Expect(TokenKind.Colon, "':'");
                var value = ParseExpression();
                fields.Add(Located(new StructField(key, value), fieldStart));
            }
            while (TryEat(TokenKind.Comma));
        }

        Expect(TokenKind.CloseBrace, "'}'");
        return Located(new StructExpression(fields), start);
    }

    private static bool IsFunctionKeyword(Keyword keyword) => keyword is Keyword.Count or Keyword.Sum or Keyword.Avg
        or Keyword.Min or Keyword.Max or Keyword.Size or Keyword.Exists or Keyword.Coalesce or Keyword.Nullif
        or Keyword.CharLength or Keyword.CharacterLength or Keyword.Lower or Keyword.Upper or Keyword.Substring or Keyword.Trim or Keyword.Extract or Keyword.DateAdd
        or Keyword.DateDiff;

    private Expression ParseKeywordPrimary(Token token)
    {
        var start = token.Span.Start;
        var followedByParen = Peek(1).Kind == TokenKind.OpenParen;
        switch (token.Keyword)
        {
            case Keyword.Null:
                Next();
                return new LiteralExpression(LiteralKind.Null, string.Empty) { Span = token.Span };
            case Keyword.Missing:
                Next();
                return new LiteralExpression(LiteralKind.Missing, string.Empty) { Span = token.Span };
            case Keyword.True:
                Next();
                return new LiteralExpression(LiteralKind.True, string.Empty) { Span = token.Span };
            case Keyword.False:
                Next();
                return new LiteralExpression(LiteralKind.False, string.Empty) { Span = token.Span };
            case Keyword.Case:
                return ParseCase();
            case Keyword.Cast when followedByParen:
                return ParseCast();
            case Keyword.Count or Keyword.Sum or Keyword.Avg or Keyword.Min or Keyword.Max when followedByParen:
                return ParseAggregate();
            case Keyword.Substring when followedByParen:
                return ParseSubstring();
            case Keyword.Trim when followedByParen:
                return ParseTrim();
            case Keyword.Extract when followedByParen:
                return ParseExtract();
            case Keyword.DateAdd or Keyword.DateDiff when followedByParen:
                return ParseDateArithmetic();
            case var k when IsFunctionKeyword(k) && followedByParen:
                return ParseFunctionCall();
            case Keyword.Date or Keyword.Time or Keyword.Timestamp when Peek(1).Kind == TokenKind.StringLiteral:
                Next();
                Next();
                Report(DiagnosticFacts.UnsupportedFeature($"{TextOf(token).ToUpperInvariant()} literals (write an Ion timestamp in backticks)"),
                    SpanFrom(start));
                return new MissingExpression { Span = SpanFrom(start) };
            case Keyword.CurrentDate or Keyword.CurrentTime or Keyword.CurrentTimestamp or Keyword.CurrentUser
                or Keyword.SessionUser or Keyword.SystemUser or Keyword.User when !followedByParen:
                Next();
                Report(DiagnosticFacts.UnsupportedFunction(TextOf(token).ToUpperInvariant()), token.Span);
                return new MissingExpression { Span = token.Span };
            case Keyword.Select:
                Report(DiagnosticFacts.ExpectedExpression("'SELECT' (a subquery must be in parentheses)"), new TextSpan(start, 0));
                return MissingHere();
            default:
                if (followedByParen)
                {
                    // A reserved word used as a function: an SQL function QLDB does not have (POSITION, CONVERT…).
                    return ParseFunctionCall();
                }

                Report(DiagnosticFacts.ExpectedExpression(Describe(token)), new TextSpan(start, 0));
                return MissingHere();
        }
    }

    /// <summary>A plain call <c>name(args)</c>; the name must be in <see cref="FunctionCatalog"/>.</summary>
    private Expression ParseFunctionCall()
    {
        var nameToken = Next();
        var name = TextOf(nameToken).ToUpperInvariant();
        Next(); // '('
        var arguments = new List<Expression>();
        if (!At(TokenKind.CloseParen))
        {
            do
            {
                arguments.Add(ParseArgument());
            }
            while (TryEat(TokenKind.Comma));
        }

        Expect(TokenKind.CloseParen, "')'");
        if (!FunctionCatalog.ScalarFunctions.TryGetValue(name, out var arity))
        {
            Report(DiagnosticFacts.UnsupportedFunction(name), nameToken.Span);
        }
        else if (arguments.Count < arity.Min || (arity.Max >= 0 && arguments.Count > arity.Max))
        {
            Report(DiagnosticFacts.WrongArity(name, FunctionCatalog.DescribeArity(arity), arguments.Count), nameToken.Span);
        }

        return Located(new FunctionCall(name, arguments), nameToken.Span.Start);
    }

    private SubqueryExpression Subquery(SelectStatement query, int start)
    {
        sawSubquery = true;
        return Located(new SubqueryExpression(query), start);
    }

    private AggregateCall ParseAggregate()
    {
        sawAggregate = true;
        var nameToken = Next();
        var function = nameToken.Keyword switch
        {
            Keyword.Count => AggregateFunction.Count,
            Keyword.Sum => AggregateFunction.Sum,
            Keyword.Avg => AggregateFunction.Avg,
            Keyword.Min => AggregateFunction.Min,
            _ => AggregateFunction.Max,
        };
        Next(); // '('
        Expression? argument = null;
        var distinct = false;
        if (function == AggregateFunction.Count && At(TokenKind.Star))
        {
            Next();
        }
        else
        {
            distinct = TryEatKeyword(Keyword.Distinct);
            if (!distinct)
            {
                TryEatKeyword(Keyword.All);
            }

            argument = ParseExpression();
        }

        Expect(TokenKind.CloseParen, "')'");
        return Located(new AggregateCall(function, distinct, argument), nameToken.Span.Start);
    }

    private CastExpression ParseCast()
    {
        var start = Next().Span.Start;
        Next(); // '('
        var operand = ParseExpression();
        ExpectKeyword(Keyword.As);
        var type = ParseTypeName();
        Expect(TokenKind.CloseParen, "')'");
        return Located(new CastExpression(operand, type), start);
    }

    private TypeName ParseTypeName()
    {
        var token = Current;
        TypeName? type = token.Kind == TokenKind.Identifier ? ContextualTypeName(token) : token.Kind != TokenKind.Keyword ? null : token.Keyword switch
        {
            Keyword.Null => TypeName.Null,
            Keyword.Missing => TypeName.Missing,
            Keyword.Bool or Keyword.Boolean => TypeName.Bool,
            Keyword.Int or Keyword.Integer or Keyword.Smallint => TypeName.Int,
            Keyword.Float or Keyword.Real or Keyword.Double => TypeName.Float,
            Keyword.Decimal or Keyword.Dec or Keyword.Numeric => TypeName.Decimal,
            Keyword.Timestamp => TypeName.Timestamp,
            Keyword.Varchar or Keyword.Char or Keyword.Character => TypeName.String,
            Keyword.Blob => TypeName.Blob,
            Keyword.Clob => TypeName.Clob,
            Keyword.List => TypeName.List,
            Keyword.Bag => TypeName.Bag,
            _ => null,
        };
        if (type is null)
        {
            if (token.IsKeyword(Keyword.Date) || token.IsKeyword(Keyword.Time))
            {
                Report(DiagnosticFacts.UnsupportedFeature($"the {TextOf(token).ToUpperInvariant()} type (QLDB types are Ion types)"), token.Span);
                Next();
            }
            else
            {
                ReportExpected("a type name");
            }

            return TypeName.Null;
        }

        Next();
        if (token.IsKeyword(Keyword.Double))
        {
            ExpectKeyword(Keyword.Precision);
        }
        else if (token.Keyword is Keyword.Character or Keyword.Char && AtKeyword(Keyword.Varying))
        {
            Next();
        }

        return type.Value;
    }

    /// <summary>Ion type names that are not reserved words (spec §12 lists them only as inferred).</summary>
    private TypeName? ContextualTypeName(Token token)
    {
        var word = text.AsSpan(token.Span.Start, token.Span.Length);
        return word switch
        {
            _ when word.Equals("string", StringComparison.OrdinalIgnoreCase) => TypeName.String,
            _ when word.Equals("symbol", StringComparison.OrdinalIgnoreCase) => TypeName.Symbol,
            _ when word.Equals("struct", StringComparison.OrdinalIgnoreCase) => TypeName.Struct,
            _ when word.Equals("tuple", StringComparison.OrdinalIgnoreCase) => TypeName.Struct,
            _ when word.Equals("sexp", StringComparison.OrdinalIgnoreCase) => TypeName.Sexp,
            _ => null,
        };
    }

    private FunctionCall ParseSubstring()
    {
        var start = Next().Span.Start;
        Next(); // '('
        var arguments = new List<Expression> { ParseExpression() };
        if (TryEat(TokenKind.Comma))
        {
            arguments.Add(ParseExpression());
            if (TryEat(TokenKind.Comma))
            {
                arguments.Add(ParseExpression());
            }
        }
        else if (TryEatKeyword(Keyword.From))
        {
            arguments.Add(ParseExpression());
            if (TryEatKeyword(Keyword.For))
            {
                arguments.Add(ParseExpression());
            }
        }
        else
        {
            ReportExpected("',' or FROM");
        }

        Expect(TokenKind.CloseParen, "')'");
        return Located(new FunctionCall("SUBSTRING", arguments), start);
    }

    private TrimExpression ParseTrim()
    {
        var start = Next().Span.Start;
        Next(); // '('
        TrimSpecification? specification = Current.Kind != TokenKind.Keyword ? null : Current.Keyword switch
        {
            Keyword.Leading => TrimSpecification.Leading,
            Keyword.Trailing => TrimSpecification.Trailing,
            Keyword.Both => TrimSpecification.Both,
            _ => null,
        };
        if (specification is not null)
        {
            Next();
        }

        Expression? characters = null;
        Expression source;
        if (TryEatKeyword(Keyword.From))
        {
            source = ParseExpression();
        }
        else
        {
            var first = ParseExpression();
            if (TryEatKeyword(Keyword.From))
            {
                characters = first;
                source = ParseExpression();
            }
            else
            {
                if (specification is not null)
                {
                    ReportExpected("FROM");
                }

                source = first;
            }
        }

        Expect(TokenKind.CloseParen, "')'");
        return Located(new TrimExpression(specification ?? TrimSpecification.Both, specification is not null, characters, source), start);
    }

    private ExtractExpression ParseExtract()
    {
        var start = Next().Span.Start;
        Next(); // '('
        var part = ParseDateTimePart();
        ExpectKeyword(Keyword.From);
        var source = ParseExpression();
        Expect(TokenKind.CloseParen, "')'");
        return Located(new ExtractExpression(part, source), start);
    }

    private DateArithmeticExpression ParseDateArithmetic()
    {
        var nameToken = Next();
        Next(); // '('
        var part = ParseDateTimePart();
        Expect(TokenKind.Comma, "','");
        var first = ParseExpression();
        Expect(TokenKind.Comma, "','");
        var second = ParseExpression();
        Expect(TokenKind.CloseParen, "')'");
        var name = nameToken.IsKeyword(Keyword.DateAdd) ? "DATE_ADD" : "DATE_DIFF";
        return Located(new DateArithmeticExpression(name, part, first, second), nameToken.Span.Start);
    }

    private DateTimePart ParseDateTimePart()
    {
        var token = Current;
        if (token.Kind is TokenKind.Identifier or TokenKind.Keyword)
        {
            var word = text.AsSpan(token.Span.Start, token.Span.Length);
            DateTimePart? part = word switch
            {
                _ when word.Equals("year", StringComparison.OrdinalIgnoreCase) => DateTimePart.Year,
                _ when word.Equals("month", StringComparison.OrdinalIgnoreCase) => DateTimePart.Month,
                _ when word.Equals("day", StringComparison.OrdinalIgnoreCase) => DateTimePart.Day,
                _ when word.Equals("hour", StringComparison.OrdinalIgnoreCase) => DateTimePart.Hour,
                _ when word.Equals("minute", StringComparison.OrdinalIgnoreCase) => DateTimePart.Minute,
                _ when word.Equals("second", StringComparison.OrdinalIgnoreCase) => DateTimePart.Second,
                _ when word.Equals("timezone_hour", StringComparison.OrdinalIgnoreCase) => DateTimePart.TimezoneHour,
                _ when word.Equals("timezone_minute", StringComparison.OrdinalIgnoreCase) => DateTimePart.TimezoneMinute,
                _ => null,
            };
            Next();
            if (part is { } found)
            {
                return found;
            }
        }

        Report(DiagnosticFacts.InvalidDateTimePart(Describe(token)), token.Span);
        return DateTimePart.Year;
    }

    private CaseExpression ParseCase()
    {
        var start = Next().Span.Start;
        var operand = AtKeyword(Keyword.When) ? null : ParseExpression();
        var branches = new List<CaseWhen>();
        while (AtKeyword(Keyword.When))
        {
            var branchStart = Next().Span.Start;
            var when = ParseExpression();
            ExpectKeyword(Keyword.Then);
            var then = ParseExpression();
            branches.Add(Located(new CaseWhen(when, then), branchStart));
        }

        if (branches.Count == 0)
        {
            ReportExpected("WHEN");
        }

        var otherwise = TryEatKeyword(Keyword.Else) ? ParseExpression() : null;
        ExpectKeyword(Keyword.End);
        return Located(new CaseExpression(operand, branches, otherwise), start);
    }
}
