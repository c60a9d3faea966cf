using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using Ledger.Ion;
using Ledger.PartiQL.Syntax.Ast;

namespace Ledger.PartiQL.Evaluation;

/// <summary>
/// Evaluates scalar expressions over <see cref="Bindings"/> with PartiQL semantics: MISSING versus NULL,
/// three-valued logic, Ion equivalence and cross-type comparison (<see cref="ValueSemantics"/>). Subqueries are
/// delegated to <see cref="Query.SubqueryEvaluator"/>, aggregates to <see cref="Aggregates"/> over the scope's
/// group; the functions not implemented yet are rejected with <see cref="NotSupportedException"/>.
/// </summary>
public static class ExpressionEvaluator
{
    public static Datum Evaluate(Expression expression, Bindings bindings)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(bindings);
        return expression switch
        {
            LiteralExpression literal => Literal(literal),
            IonLiteralExpression { Value: { } value } => Datum.Of(value),
            ParameterExpression parameter => parameter.Index < bindings.Parameters.Count
                ? Datum.Of(bindings.Parameters[parameter.Index])
                : throw new EvaluationException($"no value was supplied for parameter {parameter.Index + 1}"),
            VariableReference variable => Variable(variable, bindings),
            PathExpression path => Path(path, bindings),
            UnaryExpression unary => Unary(unary, bindings),
            BinaryExpression binary => Binary(binary, bindings),
            IsExpression isExpression => Is(isExpression, bindings),
            InListExpression inList => In(Evaluate(inList.Operand, bindings), inList.Items.Select(i => Evaluate(i, bindings)), inList.Negated),
            InCollectionExpression inCollection => InCollection(inCollection, bindings),
            BetweenExpression between => Between(between, bindings),
            LikeExpression like => Like(like, bindings),
            StructExpression structExpression => Struct(structExpression, bindings),
            ListExpression list => Datum.Of(IonList.Of(list.Items.Select(i => Storable(Evaluate(i, bindings))).OfType<IonValue>())),
            BagExpression bag => Datum.Bag([.. bag.Items.Select(i => Evaluate(i, bindings)).Where(d => !d.IsMissing)]),
            CaseExpression caseExpression => Case(caseExpression, bindings),
            FunctionCall call => Function(call, bindings),
            TrimExpression trim => StringFunctions.Trim(
                trim.Specification,
                trim.Characters is null ? Datum.Missing : Evaluate(trim.Characters, bindings),
                trim.Characters is not null,
                Evaluate(trim.Source, bindings)),
            CastExpression cast => Casts.Cast(Evaluate(cast.Operand, bindings), cast.Type),
            DateArithmeticExpression date => DateTimeFunctions.Arithmetic(
                date.Name,
                date.Part,
                Evaluate(date.First, bindings),
                Evaluate(date.Second, bindings)),
            ExtractExpression extract => DateTimeFunctions.Extract(extract.Part, Evaluate(extract.Source, bindings)),
            SubqueryExpression subquery => Query.SubqueryEvaluator.Evaluate(subquery.Query, bindings),
            AggregateCall aggregate => Aggregates.Compute(aggregate, bindings.Group
                ?? throw new EvaluationException("an aggregate is only allowed in the select list of a query")),
            _ => throw new NotSupportedException($"{expression.GetType().Name} is not evaluated by the expression evaluator yet"),
        };
    }

    // ------------------------------------------------------------------ literals and names

    // A literal's value is the same at every evaluation; a scan evaluates it once per row, so it is made once per
    // syntax node (held weakly: the cache lives as long as the parsed statement).
    private static readonly ConditionalWeakTable<LiteralExpression, IonValue> LiteralValues = [];

    private static Datum Literal(LiteralExpression literal) => literal.Kind switch
    {
        LiteralKind.String or LiteralKind.Integer or LiteralKind.Decimal => Datum.Of(LiteralValues.GetValue(literal, static l => LiteralValue(l).Ion!)),
        _ => LiteralValue(literal),
    };

    private static Datum LiteralValue(LiteralExpression literal) => literal.Kind switch
    {
        LiteralKind.Null => Datum.Null,
        LiteralKind.Missing => Datum.Missing,
        LiteralKind.True => Datum.True,
        LiteralKind.False => Datum.False,
        LiteralKind.String => Datum.Of(IonString.Of(literal.Text)),
        LiteralKind.Integer => Datum.Of(long.TryParse(literal.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var small)
            ? IonInt.Of(small)
            : IonInt.Of(BigInteger.Parse(literal.Text, CultureInfo.InvariantCulture))),
        _ => Datum.Of(IonDecimalValue.Of(ParseDecimal(literal.Text))),
    };

    /// <summary>Reads a PartiQL decimal literal keeping its written scale (<c>1.50</c> has exponent -2; an
    /// exponent makes <c>1e3</c> the decimal 1d3).</summary>
    internal static IonDecimal ParseDecimal(string text)
    {
        var exponentAt = text.IndexOfAny(['e', 'E']);
        var mantissa = exponentAt < 0 ? text : text[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(text.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? mantissa : string.Concat(mantissa.AsSpan(0, dot), mantissa.AsSpan(dot + 1));
        var scale = dot < 0 ? 0 : mantissa.Length - dot - 1;
        return new IonDecimal(BigInteger.Parse(digits.Length == 0 ? "0" : digits, CultureInfo.InvariantCulture), exponent - scale);
    }

    private static Datum Variable(VariableReference variable, Bindings bindings)
    {
        if (bindings.TryGet(variable.Name.Name, out var bound))
        {
            return bound;
        }

        return variable.IsLocal ? Datum.Missing : bindings.ResolveAttribute(variable.Name.Name);
    }

    // ------------------------------------------------------------------ paths

    /// <summary>Navigates step by step. A missing field, an out-of-range index or a step into a non-container
    /// yields MISSING, never an error (spec §6.4); a wildcard turns the result into a bag.</summary>
    private static Datum Path(PathExpression path, Bindings bindings)
    {
        if (IsSingleValuePath(path))
        {
            return SingleValuePath(path, bindings);
        }

        var current = new List<Datum> { Evaluate(path.Root, bindings) };
        var isBag = false;
        foreach (var step in path.Steps)
        {
            var next = new List<Datum>(current.Count);
            foreach (var value in current)
            {
                switch (step)
                {
                    case FieldStep field:
                        next.Add(Field(value, field.Field.Name));
                        break;
                    case IndexStep index:
                        next.Add(Index(value, Evaluate(index.Index, bindings)));
                        break;
                    case AllElementsStep:
                        isBag = true;
                        if (value.Ion is IonSequence { IsNull: false } sequence)
                        {
                            next.AddRange(sequence.Elements.Select(Datum.Of));
                        }
                        else if (value.Kind == DatumKind.Bag)
                        {
                            next.AddRange(value.Items);
                        }

                        break;
                    case AllFieldsStep:
                        isBag = true;
                        if (value.Ion is IonStruct { IsNull: false } fields)
                        {
                            next.AddRange(fields.Fields.Select(f => Datum.Of(f.Value)));
                        }

                        break;
                }
            }

            current = next;
        }

        return isBag ? Datum.Bag([.. current.Where(d => !d.IsMissing)]) : current[0];
    }

    // Without wildcards a path denotes one value: walk it without building the intermediate lists (the per-row cost
    // of every WHERE over document fields).
    private static bool IsSingleValuePath(PathExpression path)
    {
        for (var i = 0; i < path.Steps.Count; i++)
        {
            if (path.Steps[i] is not (FieldStep or IndexStep))
            {
                return false;
            }
        }

        return true;
    }

    private static Datum SingleValuePath(PathExpression path, Bindings bindings)
    {
        var current = Evaluate(path.Root, bindings);
        for (var i = 0; i < path.Steps.Count; i++)
        {
            var step = path.Steps[i];
            current = step is FieldStep field ? Field(current, field.Field.Name) : Index(current, Evaluate(((IndexStep)step).Index, bindings));
        }

        return current;
    }

    private static Datum Field(Datum value, string name) =>
        value.Ion is IonStruct { IsNull: false } s && s.TryGetField(name, out var found) ? Datum.Of(found) : Datum.Missing;

    private static Datum Index(Datum value, Datum index)
    {
        switch (index.Ion)
        {
            case IonInt i when value.Ion is IonSequence { IsNull: false } sequence:
                return i.TryGetInt64(out var at) && at >= 0 && at < sequence.Count ? Datum.Of(sequence[(int)at]) : Datum.Missing;
            case IonString or IonSymbol:
                return Field(value, ValueSemantics.TextOf(index.Ion)!);
            default:
                return Datum.Missing;
        }
    }

    // ------------------------------------------------------------------ operators

    private static Datum Unary(UnaryExpression unary, Bindings bindings)
    {
        var operand = Evaluate(unary.Operand, bindings);
        if (unary.Operator == UnaryOperator.Not)
        {
            return ValueSemantics.Not(operand);
        }

        if (operand.IsAbsent)
        {
            return operand.IsMissing ? Datum.Missing : Datum.Null;
        }

        var value = operand.Ion!;
        if (unary.Operator == UnaryOperator.Plus)
        {
            return ValueSemantics.IsNumber(value) ? operand : throw new EvaluationException($"unary + expects a number, got {ValueSemantics.Describe(operand)}");
        }

        return value switch
        {
            IonInt i => Datum.Of(IonInt.Of(-i.Value)),
            IonFloat f => Datum.Of(IonFloat.Of(-f.Value)),
            IonDecimalValue d => Datum.Of(IonDecimalValue.Of(new IonDecimal(-d.Value.Coefficient, d.Value.Exponent, d.Value.Coefficient.IsZero && !d.Value.IsNegative))),
            _ => throw new EvaluationException($"unary - expects a number, got {ValueSemantics.Describe(operand)}"),
        };
    }

    private static Datum Binary(BinaryExpression binary, Bindings bindings)
    {
        var left = Evaluate(binary.Left, bindings);
        var right = Evaluate(binary.Right, bindings);
        return binary.Operator switch
        {
            BinaryOperator.And => ValueSemantics.And(left, right),
            BinaryOperator.Or => ValueSemantics.Or(left, right),
            BinaryOperator.Equal => ValueSemantics.Equal(left, right),
            BinaryOperator.NotEqual => ValueSemantics.Equal(left, right) is var equal && equal.IsAbsent ? equal : ValueSemantics.Not(equal),
            BinaryOperator.Less => ValueSemantics.Compare(left, right, c => c < 0, "<"),
            BinaryOperator.LessOrEqual => ValueSemantics.Compare(left, right, c => c <= 0, "<="),
            BinaryOperator.Greater => ValueSemantics.Compare(left, right, c => c > 0, ">"),
            BinaryOperator.GreaterOrEqual => ValueSemantics.Compare(left, right, c => c >= 0, ">="),
            BinaryOperator.Concat => Concat(left, right),
            _ => Arithmetic.Apply(binary.Operator, left, right),
        };
    }

    private static Datum Concat(Datum left, Datum right)
    {
        if (left.IsMissing || right.IsMissing)
        {
            return Datum.Missing;
        }

        if (left.IsNull || right.IsNull)
        {
            return Datum.Null;
        }

        var a = ValueSemantics.TextOf(left.Ion!);
        var b = ValueSemantics.TextOf(right.Ion!);
        return a is not null && b is not null
            ? Datum.Of(IonString.Of(a + b))
            : throw new EvaluationException($"|| expects text operands, got {ValueSemantics.Describe(left)} and {ValueSemantics.Describe(right)}");
    }

    /// <summary><c>IS NULL</c> is true for NULL and MISSING; <c>IS MISSING</c> only for MISSING (spec §6.5).</summary>
    private static Datum Is(IsExpression isExpression, Bindings bindings)
    {
        var value = Evaluate(isExpression.Operand, bindings);
        var result = isExpression.Type switch
        {
            TypeName.Missing => value.IsMissing,
            TypeName.Null => value.IsAbsent,
            _ when value.IsAbsent => false,
            TypeName.Bag => value.Kind == DatumKind.Bag,
            var type => value.Ion!.Type == ToIonType(type),
        };
        return Datum.Of(result != isExpression.Negated);
    }

    private static IonType ToIonType(TypeName type) => type switch
    {
        TypeName.Bool => IonType.Bool,
        TypeName.Int => IonType.Int,
        TypeName.Float => IonType.Float,
        TypeName.Decimal => IonType.Decimal,
        TypeName.Timestamp => IonType.Timestamp,
        TypeName.String => IonType.String,
        TypeName.Symbol => IonType.Symbol,
        TypeName.Blob => IonType.Blob,
        TypeName.Clob => IonType.Clob,
        TypeName.Struct => IonType.Struct,
        TypeName.List => IonType.List,
        TypeName.Sexp => IonType.Sexp,
        _ => IonType.Null,
    };

    /// <summary>True if some element equals; else NULL if a comparison was unknown; else false (spec §6.5).</summary>
    private static Datum In(Datum operand, IEnumerable<Datum> candidates, bool negated)
    {
        var unknown = false;
        foreach (var candidate in candidates)
        {
            var equal = ValueSemantics.Equal(operand, candidate);
            if (ValueSemantics.IsTrue(equal))
            {
                return Datum.Of(!negated);
            }

            unknown |= equal.IsAbsent;
        }

        return unknown ? Datum.Null : Datum.Of(negated);
    }

    private static Datum InCollection(InCollectionExpression inCollection, Bindings bindings)
    {
        var operand = Evaluate(inCollection.Operand, bindings);
        var collection = Evaluate(inCollection.Collection, bindings);
        if (collection.IsAbsent)
        {
            return collection.IsMissing ? Datum.Missing : Datum.Null;
        }

        IEnumerable<Datum> items = collection.Kind == DatumKind.Bag
            ? collection.Items
            : collection.Ion is IonSequence sequence
                ? sequence.Elements.Select(Datum.Of)
                : throw new EvaluationException($"IN expects a collection, got {ValueSemantics.Describe(collection)}");
        return In(operand, items, inCollection.Negated);
    }

    private static Datum Between(BetweenExpression between, Bindings bindings)
    {
        var value = Evaluate(between.Value, bindings);
        var low = ValueSemantics.Compare(value, Evaluate(between.Low, bindings), c => c >= 0, "BETWEEN");
        var high = ValueSemantics.Compare(value, Evaluate(between.High, bindings), c => c <= 0, "BETWEEN");
        var result = ValueSemantics.And(low, high);
        return between.Negated ? ValueSemantics.Not(result) : result;
    }

    private static Datum Like(LikeExpression like, Bindings bindings)
    {
        var value = Evaluate(like.Value, bindings);
        var pattern = Evaluate(like.Pattern, bindings);
        var escape = like.Escape is null ? Datum.Of(IonString.Of(string.Empty)) : Evaluate(like.Escape, bindings);
        if (value.IsMissing || pattern.IsMissing || escape.IsMissing)
        {
            return Datum.Missing;
        }

        if (value.IsNull || pattern.IsNull || escape.IsNull)
        {
            return Datum.Null;
        }

        var text = ValueSemantics.TextOf(value.Ion!);
        var patternText = ValueSemantics.TextOf(pattern.Ion!);
        var escapeText = ValueSemantics.TextOf(escape.Ion!);
        if (text is null || patternText is null || escapeText is null || escapeText.Length > 1)
        {
            throw new EvaluationException("LIKE expects text operands and an escape of at most one character");
        }

        var matched = LikeMatcher.Matches(text, patternText, escapeText.Length == 1 ? escapeText[0] : null);
        return Datum.Of(matched != like.Negated);
    }

    // ------------------------------------------------------------------ constructors and CASE

    /// <summary>Struct keys must be text; a field whose value is MISSING is left out (spec §6.3).</summary>
    private static Datum Struct(StructExpression structExpression, Bindings bindings)
    {
        var fields = ImmutableArray.CreateBuilder<IonField>(structExpression.Fields.Count);
        foreach (var field in structExpression.Fields)
        {
            var key = Evaluate(field.Key, bindings);
            var name = key.Ion is null or { IsNull: true } ? null : ValueSemantics.TextOf(key.Ion);
            if (name is null)
            {
                throw new EvaluationException($"a struct field name must be a string, got {ValueSemantics.Describe(key)}");
            }

            if (Storable(Evaluate(field.Value, bindings)) is { } value)
            {
                fields.Add(new IonField(SymbolToken.Of(name), value));
            }
        }

        return Datum.Of(IonStruct.Of(fields.ToImmutable()));
    }

    /// <summary>The Ion form of a value placed inside a container: MISSING disappears, a bag becomes a list.</summary>
    private static IonValue? Storable(Datum value) => value.Kind switch
    {
        DatumKind.Missing => null,
        DatumKind.Bag => IonList.Of(value.Items.Select(Storable).OfType<IonValue>()),
        _ => value.Ion,
    };

    private static Datum Case(CaseExpression caseExpression, Bindings bindings)
    {
        var operand = caseExpression.Operand is null ? (Datum?)null : Evaluate(caseExpression.Operand, bindings);
        foreach (var branch in caseExpression.Branches)
        {
            var when = Evaluate(branch.When, bindings);
            var matches = operand is { } value ? ValueSemantics.IsTrue(ValueSemantics.Equal(value, when)) : ValueSemantics.IsTrue(when);
            if (matches)
            {
                return Evaluate(branch.Then, bindings);
            }
        }

        return caseExpression.Else is null ? Datum.Null : Evaluate(caseExpression.Else, bindings);
    }

    // ------------------------------------------------------------------ functions

    /// <summary>QLDB rule: unless stated otherwise a NULL or MISSING argument makes the result NULL (spec §6.5).</summary>
    private static Datum Function(FunctionCall call, Bindings bindings)
    {
        var arguments = call.Arguments.Select(a => Evaluate(a, bindings)).ToArray();
        switch (call.Name)
        {
            case "COALESCE":
                return arguments.FirstOrDefault(a => !a.IsAbsent) is { Kind: not DatumKind.Missing } first ? first : Datum.Null;
            case "NULLIF":
                return ValueSemantics.IsTrue(ValueSemantics.Equal(arguments[0], arguments[1])) ? Datum.Null : arguments[0];
            case "EXISTS":
                return Datum.Of(arguments[0] switch
                {
                    { Kind: DatumKind.Bag } bag => bag.Items.Length > 0,
                    { Ion: IonSequence { IsNull: false } sequence } => sequence.Count > 0,
                    { Ion: IonStruct { IsNull: false } fields } => fields.Count > 0,
                    _ => false,
                });
            case "UTCNOW":
                return Datum.Of(IonTimestampValue.Of((bindings.Context ?? throw new EvaluationException("UTCNOW needs the statement's evaluation context")).UtcNow));
            case "TXID":
                return bindings.Context?.TransactionId is { } txId
                    ? Datum.Of(IonString.Of(txId))
                    : throw new EvaluationException("TXID needs the statement's evaluation context");
            case "SUBSTRING":
                return StringFunctions.Substring(arguments);
            case "SIZE":
                return arguments[0] switch
                {
                    { IsAbsent: true } => Datum.Null,
                    { Kind: DatumKind.Bag } bag => Datum.Of(IonInt.Of(bag.Items.Length)),
                    { Ion: IonSequence sequence } => Datum.Of(IonInt.Of(sequence.Count)),
                    { Ion: IonStruct fields } => Datum.Of(IonInt.Of(fields.Count)),
                    var other => throw new EvaluationException($"SIZE expects a container, got {ValueSemantics.Describe(other)}"),
                };
        }

        if (arguments.Any(a => a.IsAbsent))
        {
            return Datum.Null;
        }

        var text = arguments.Length == 1 ? ValueSemantics.TextOf(arguments[0].Ion!) : null;
        return call.Name switch
        {
            "UPPER" when text is not null => Datum.Of(IonString.Of(text.ToUpperInvariant())),
            "LOWER" when text is not null => Datum.Of(IonString.Of(text.ToLowerInvariant())),
            "CHAR_LENGTH" or "CHARACTER_LENGTH" when text is not null => Datum.Of(IonInt.Of(CodePoints(text))),
            "TO_STRING" when arguments is [{ Ion: IonTimestampValue ts }, { Ion: IonString format }] =>
                Datum.Of(IonString.Of(TimestampFormat.Format(ts.Value, format.Value))),
            "TO_TIMESTAMP" when arguments is [{ Ion: IonString only }] =>
                IonTimestamp.TryParse(only.Value, out var parsed) ? Datum.Of(IonTimestampValue.Of(parsed))
                    : throw new EvaluationException($"'{only.Value}' is not an Ion timestamp"),
            "TO_TIMESTAMP" when arguments is [{ Ion: IonString input }, { Ion: IonString pattern }] =>
                Datum.Of(IonTimestampValue.Of(TimestampFormat.Parse(input.Value, pattern.Value))),
            "TO_STRING" or "TO_TIMESTAMP" =>
                throw new EvaluationException($"{call.Name} got arguments of the wrong type: {string.Join(", ", arguments.Select(ValueSemantics.Describe))}"),
            "UPPER" or "LOWER" or "CHAR_LENGTH" or "CHARACTER_LENGTH" =>
                throw new EvaluationException($"{call.Name} expects a string, got {ValueSemantics.Describe(arguments[0])}"),
            _ => throw new NotSupportedException($"function {call.Name} is not evaluated by the expression evaluator yet"),
        };
    }

    private static long CodePoints(string text)
    {
        long count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
