using System.Globalization;
using System.Text;
using Ledger.Engine.Errors;
using Ledger.Ion;

namespace Ledger.Engine.Tests.Conformance;

/// <summary>A case whose run did not go as the case says; the message names the step and what differed.</summary>
internal sealed class ConformanceFailure(string message) : Exception(message);

/// <summary>
/// Runs one conformance case through <see cref="LedgerEngine"/>'s session API on a fresh ledger, the way a driver
/// does (testdata README §3): fixture steps, then <c>setup</c>, then the main step and <c>then</c> (or <c>steps</c>).
/// A step without a transaction label runs alone in its own committed transaction; labelled steps share an open
/// transaction until its <c>commit</c>/<c>abort</c> step. Captures, <c>${v}</c> and <c>qdb_var</c> substitution,
/// <c>statement_repeat</c> and <c>qdb_repeat</c> are resolved here.
/// </summary>
internal sealed class ConformanceRunner : IAsyncDisposable
{
    // Cases that compare commit times need every commit strictly later than the one before (README §3); the
    // manual clock moves by this much before each step.
    private static readonly TimeSpan StepInterval = TimeSpan.FromMilliseconds(5);

    private readonly EngineFixture _engine;
    private readonly Dictionary<string, IonValue> _variables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpenTransaction> _open = new(StringComparer.Ordinal);

    private ConformanceRunner(EngineFixture engine)
    {
        _engine = engine;
    }

    public static async Task RunAsync(ConformanceCase testCase)
    {
        await using var runner = new ConformanceRunner(await EngineFixture.CreateAsync());
        await runner.RunCaseAsync(testCase.Definition);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var open in _open.Values)
        {
            await _engine.Engine.EndSessionAsync(open.Session);
        }

        await _engine.DisposeAsync();
    }

    private async Task RunCaseAsync(IonStruct definition)
    {
        var steps = new List<(string Phase, IonStruct Step)>();
        if (definition["fixture"] is IonSymbol { Text: { } fixture })
        {
            steps.AddRange(ConformanceSuite.FixtureSteps(fixture).Select(s => ("fixture " + fixture, s)));
        }

        steps.AddRange(Steps(definition, "setup").Select(s => ("setup", s)));
        if (definition["statement"] is not null || definition["statement_repeat"] is not null)
        {
            steps.Add(("main", definition));
            steps.AddRange(Steps(definition, "then").Select(s => ("then", s)));
        }
        else
        {
            steps.AddRange(Steps(definition, "steps").Select(s => ("steps", s)));
        }

        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (phase, step) in steps)
        {
            var index = counters[phase] = counters.GetValueOrDefault(phase) + 1;
            try
            {
                await RunStepAsync(step);
            }
            catch (ConformanceFailure failure)
            {
                throw new ConformanceFailure($"{phase} step {index}: {failure.Message}");
            }
        }

        // Transactions still open when the case ends are aborted (README §3): DisposeAsync ends their sessions.
    }

    private static IEnumerable<IonStruct> Steps(IonStruct definition, string field) =>
        definition[field] is IonList { IsNull: false } list ? list.Elements.Cast<IonStruct>() : [];

    private async Task RunStepAsync(IonStruct step)
    {
        _engine.Clock.Advance(StepInterval);
        if (step["commit"] is IonString { Value: var commitLabel })
        {
            await CommitLabelledAsync(commitLabel, step);
            return;
        }

        if (step["abort"] is IonString { Value: var abortLabel })
        {
            await AbortLabelledAsync(abortLabel);
            return;
        }

        var statement = StatementText(step);
        var parameters = step["params"] is IonList { IsNull: false } given ? given.Elements.Select(ResolveParameter).ToList() : [];
        var label = step["transaction"] is IonString { Value: var name } ? name : null;

        IReadOnlyList<IonValue>? rows;
        LedgerException? error;
        if (label is null)
        {
            (rows, error) = await RunAloneAsync(statement, parameters);
        }
        else
        {
            (rows, error) = await RunInLabelledAsync(label, statement, parameters);
        }

        Check(step, statement, rows, error);
        if (rows is not null && step["capture"] is IonStruct { IsNull: false } capture)
        {
            foreach (var field in capture.Fields)
            {
                _variables[field.Name.Text!] = Capture(rows, ((IonString)field.Value).Value, statement);
            }
        }
    }

    private async Task<(IReadOnlyList<IonValue>? Rows, LedgerException? Error)> RunAloneAsync(string statement, IReadOnlyList<IonValue> parameters)
    {
        var engine = _engine.Engine;
        var session = await engine.StartSessionAsync(_engine.LedgerName);
        try
        {
            var transactionId = await engine.StartTransactionAsync(session);
            IReadOnlyList<IonValue> rows;
            try
            {
                rows = await ExecuteAsync(session, transactionId, statement, parameters);
                var digest = engine.GetOpenTransaction(session)!.Digest;
                await engine.CommitTransactionAsync(session, transactionId, digest);
            }
            catch (LedgerException error)
            {
                // After an error the step's transaction is aborted (README §3), whether the statement or the
                // commit raised it.
                await AbortIfOpenAsync(session);
                return (null, error);
            }

            return (rows, null);
        }
        finally
        {
            await EndIfAliveAsync(session);
        }
    }

    private async Task<(IReadOnlyList<IonValue>? Rows, LedgerException? Error)> RunInLabelledAsync(string label, string statement, IReadOnlyList<IonValue> parameters)
    {
        if (!_open.TryGetValue(label, out var open))
        {
            var session = await _engine.Engine.StartSessionAsync(_engine.LedgerName);
            open = _open[label] = new OpenTransaction(session, await _engine.Engine.StartTransactionAsync(session));
        }

        try
        {
            // A failing statement inside an open transaction does not end it (QLDB behaviour, README §3).
            return (await ExecuteAsync(open.Session, open.TransactionId, statement, parameters), null);
        }
        catch (LedgerException error)
        {
            return (null, error);
        }
    }

    private async Task CommitLabelledAsync(string label, IonStruct step)
    {
        if (!_open.Remove(label, out var open))
        {
            throw new ConformanceFailure($"commit of transaction '{label}', which is not open");
        }

        LedgerException? error = null;
        try
        {
            var digest = _engine.Engine.GetOpenTransaction(open.Session)?.Digest ?? default;
            await _engine.Engine.CommitTransactionAsync(open.Session, open.TransactionId, digest);
        }
        catch (LedgerException failure)
        {
            error = failure;
            await AbortIfOpenAsync(open.Session);
        }
        finally
        {
            await EndIfAliveAsync(open.Session);
        }

        Check(step, $"commit {label}", error is null ? [] : null, error);
    }

    private async Task AbortLabelledAsync(string label)
    {
        if (!_open.Remove(label, out var open))
        {
            throw new ConformanceFailure($"abort of transaction '{label}', which is not open");
        }

        await AbortIfOpenAsync(open.Session);
        await EndIfAliveAsync(open.Session);
    }

    private async Task AbortIfOpenAsync(string session)
    {
        try
        {
            await _engine.Engine.AbortTransactionAsync(session);
        }
        catch (InvalidSessionException)
        {
            // The session was discarded along with the transaction (an expired transaction); nothing to abort.
        }
    }

    private async Task EndIfAliveAsync(string session)
    {
        try
        {
            await _engine.Engine.EndSessionAsync(session);
        }
        catch (InvalidSessionException)
        {
            // Already discarded by the engine.
        }
    }

    // Every page, as a driver reads a result.
    private async Task<IReadOnlyList<IonValue>> ExecuteAsync(string session, string transactionId, string statement, IReadOnlyList<IonValue> parameters)
    {
        var page = await _engine.Engine.ExecuteStatementAsync(session, transactionId, statement, parameters);
        var rows = new List<IonValue>(page.Values);
        while (page.NextPageToken is { } token)
        {
            page = await _engine.Engine.FetchPageAsync(session, transactionId, token);
            rows.AddRange(page.Values);
        }

        return rows;
    }

    private void Check(IonStruct step, string statement, IReadOnlyList<IonValue>? rows, LedgerException? error)
    {
        if (step["expect_error"] is IonStruct { IsNull: false } expectedError)
        {
            var category = ((IonSymbol)expectedError["category"]!).Text!;
            if (error is null)
            {
                throw new ConformanceFailure($"{Describe(statement)}\nexpected error {category}, got rows [{string.Join(", ", rows!)}]");
            }

            var actualCategory = CategoryOf(error);
            if (actualCategory != category)
            {
                throw new ConformanceFailure($"{Describe(statement)}\nexpected error {category}, got {actualCategory}: {error.Message}");
            }

            if (expectedError["message_contains"] is IonString { Value: var fragment } && !error.Message.Contains(fragment, StringComparison.Ordinal))
            {
                throw new ConformanceFailure($"{Describe(statement)}\nexpected the message to contain \"{fragment}\", got: {error.Message}");
            }

            return;
        }

        if (error is not null)
        {
            throw new ConformanceFailure($"{Describe(statement)}\nunexpected {CategoryOf(error)} error: {error.Message}");
        }

        if (step["expect"] is IonList { IsNull: false } expected)
        {
            var ordered = step["ordered"] is IonBool { IsNull: false, Value: true };
            var byValue = step["compare"] is IonSymbol { Text: "partiql" };
            var matcher = new ResultMatcher(_variables, byValue);
            if (!matcher.MatchRows(expected.Elements, rows!, ordered))
            {
                throw new ConformanceFailure(
                    $"{Describe(statement)}\nexpected{(ordered ? " (ordered)" : string.Empty)}: [{string.Join(", ", expected.Elements)}]\nactual:   [{string.Join(", ", rows!)}]");
            }
        }
    }

    /// <summary>The suite's error category for an engine error (README §5).</summary>
    public static string CategoryOf(LedgerException error) => error switch
    {
        OccConflictException => "occ",
        BadRequestException { Kind: var kind } => kind switch
        {
            StatementErrorKind.Syntax => "syntax",
            StatementErrorKind.Unsupported => "unsupported",
            StatementErrorKind.Semantic => "semantic",
            StatementErrorKind.Evaluation => "evaluation",
            StatementErrorKind.Path => "path",
            StatementErrorKind.Constraint => "constraint",
            StatementErrorKind.Limit => "limit",
            _ => "request",
        },
        _ => error.ErrorType,
    };

    private static string Describe(string statement) => statement.Length > 300 ? statement[..300] + $"… ({statement.Length} chars)" : statement;

    private string StatementText(IonStruct step)
    {
        string text;
        if (step["statement"] is IonString { Value: var statement })
        {
            text = statement;
        }
        else if (step["statement_repeat"] is IonStruct repeat)
        {
            var builder = new StringBuilder(((IonString)repeat["prefix"]!).Value);
            builder.Insert(builder.Length, ((IonString)repeat["text"]!).Value, (int)((IonInt)repeat["count"]!).ToInt64());
            builder.Append(((IonString)repeat["suffix"]!).Value);
            text = builder.ToString();
        }
        else
        {
            throw new InvalidDataException($"a step without statement: {step}");
        }

        return SubstituteVariables(text);
    }

    // ${v}: strings and symbols as their raw text, other values as Ion text (README §3).
    private string SubstituteVariables(string text)
    {
        var builder = new StringBuilder(text.Length);
        var position = 0;
        while (text.IndexOf("${", position, StringComparison.Ordinal) is var open and >= 0)
        {
            var close = text.IndexOf('}', open);
            builder.Append(text, position, open - position);
            var name = text[(open + 2)..close];
            var value = _variables.TryGetValue(name, out var captured) ? captured : throw new ConformanceFailure($"variable '{name}' was not captured");
            builder.Append(value switch
            {
                IonString { IsNull: false } s => s.Value,
                IonSymbol { IsNull: false } s => s.Text,
                _ => IonText.Write(value),
            });
            position = close + 1;
        }

        builder.Append(text, position, text.Length - position);
        return builder.ToString();
    }

    // qdb_var::"v" → the captured value, qdb_repeat::{text, count} → the repeated string, at any depth.
    private IonValue ResolveParameter(IonValue value)
    {
        if (value.HasAnnotation("qdb_var"))
        {
            var name = ((IonString)value).Value;
            return _variables.TryGetValue(name, out var captured) ? captured : throw new ConformanceFailure($"variable '{name}' was not captured");
        }

        if (value.HasAnnotation("qdb_repeat"))
        {
            var repeat = (IonStruct)value;
            var count = (int)((IonInt)repeat["count"]!).ToInt64();
            return IonString.Of(new StringBuilder().Insert(0, ((IonString)repeat["text"]!).Value, count).ToString());
        }

        return value switch
        {
            IonStruct { IsNull: false } structure => IonStruct.Of(structure.Fields.Select(f => new IonField(f.Name, ResolveParameter(f.Value)))).WithAnnotations(structure.Annotations),
            IonList { IsNull: false } list => IonList.Of(list.Elements.Select(ResolveParameter)).WithAnnotations(list.Annotations),
            IonSexp { IsNull: false } sexp => IonSexp.Of(sexp.Elements.Select(ResolveParameter)).WithAnnotations(sexp.Annotations),
            _ => value,
        };
    }

    // "[i]" then any number of ".field" or "[n]" steps, over the rows in the order the server returned them.
    private static IonValue Capture(IReadOnlyList<IonValue> rows, string path, string statement)
    {
        IonValue? current = null;
        var position = 0;
        while (position < path.Length)
        {
            if (path[position] == '[')
            {
                var close = path.IndexOf(']', position);
                var index = int.Parse(path[(position + 1)..close], CultureInfo.InvariantCulture);
                current = current is null
                    ? (index < rows.Count ? rows[index] : null)
                    : current is IonSequence { IsNull: false } sequence && index < sequence.Count ? sequence[index] : null;
                position = close + 1;
            }
            else if (path[position] == '.')
            {
                var end = path.IndexOfAny(['.', '['], position + 1);
                end = end < 0 ? path.Length : end;
                current = (current as IonStruct)?[path[(position + 1)..end]];
                position = end;
            }
            else
            {
                throw new InvalidDataException($"bad capture path '{path}'");
            }

            if (current is null)
            {
                throw new ConformanceFailure($"{Describe(statement)}\ncapture path {path} found nothing in [{string.Join(", ", rows)}]");
            }
        }

        return current ?? throw new ConformanceFailure($"empty capture path '{path}'");
    }

    private sealed record OpenTransaction(string Session, string TransactionId);
}
