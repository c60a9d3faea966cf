using System.Diagnostics;
using System.Text;
using Ledger.PartiQL.Syntax;
using Ledger.PartiQL.Tests.Support;

namespace Ledger.PartiQL.Tests.Syntax;

/// <summary>
/// Seeded fuzzing of the parser: real statements mutated at the token level (deletion, duplication, swap,
/// insertion), random characters, truncation, random token soup and pathological nesting. Every input must parse
/// or fail with diagnostics: no exception, no hang, no stack overflow (the run happens on a thread with a 1 MB
/// stack, the usual size for .NET worker threads). A statement that parses cleanly must also round-trip.
/// </summary>
public class FuzzTests
{
    private const int Iterations = 100_000;
    private const int Seed = 20261122;

    private static readonly string[] Vocabulary =
    [
        "SELECT", "VALUE", "FROM", "WHERE", "AS", "AT", "BY", "INSERT", "INTO", "UPDATE", "SET", "REMOVE", "DELETE",
        "CREATE", "DROP", "UNDROP", "TABLE", "INDEX", "ON", "WITH", "EXEC", "redact_revision", "history",
        "information_schema", "user_tables", "_ql_committed_T", "JOIN", "INNER", "CROSS", "LEFT", "AND", "OR", "NOT",
        "IN", "IS", "NULL", "MISSING", "TRUE", "FALSE", "LIKE", "ESCAPE", "BETWEEN", "CASE", "WHEN", "THEN", "ELSE",
        "END", "CAST", "COUNT", "SUM", "SUBSTRING", "TRIM", "EXTRACT", "DATE_ADD", "UPPER", "ABS", "DISTINCT",
        "ORDER", "LIMIT", "UNION", "PIVOT", "purge", "aws_tags", "T", "x", "\"q\"", "'s'", "'it''s'", "1", "2.50",
        "1e3", "`{a: 1}`", "`2019T`", "?", "@", "(", ")", "[", "]", "{", "}", "<<", ">>", ",", ".", ":", ";", "*",
        "+", "-", "/", "%", "||", "=", "<>", "!=", "<", "<=", ">", ">=", "--c\n", "/*c*/", ".*", "[*]",
    ];

    [Fact]
    public void Parser_survives_random_and_mutated_statements()
    {
        var seeds = SharedData.AllStatements.Select(s => s.Text).Where(t => t.Length < 400).Distinct().ToArray();
        Exception? failure = null;
        var counts = new int[3];
        var worker = new Thread(() =>
        {
            try
            {
                Run(seeds, counts);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failure = e;
            }
        }, maxStackSize: 1024 * 1024);

        var stopwatch = Stopwatch.StartNew();
        worker.Start();
        Assert.True(worker.Join(TimeSpan.FromSeconds(120)), "the fuzz run hung");
        if (failure is not null)
        {
            throw new Xunit.Sdk.XunitException($"fuzz failure: {failure}");
        }

        Assert.Equal(Iterations, counts[0] + counts[1]);
        Assert.True(counts[0] > 1_000, $"too few inputs parsed cleanly ({counts[0]}): the mutations are too destructive");
        Assert.True(counts[1] > 10_000, $"too few inputs failed ({counts[1]}): the mutations are too gentle");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60), $"fuzz run took {stopwatch.Elapsed}");
    }

    private static void Run(string[] seeds, int[] counts)
    {
        var random = new Random(Seed);
        for (var i = 0; i < Iterations; i++)
        {
            var input = Generate(random, seeds, i);
            ParseResult result;
            try
            {
                result = PartiQLParser.Parse(input);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"iteration {i} threw on input: {Truncate(input)}", e);
            }

            if (result.HasErrors)
            {
                counts[1]++;
                Assert.All(result.Diagnostics, d => Assert.InRange(d.Span.Start, 0, input.Length));
            }
            else
            {
                counts[0]++;
                if (PrintedFormIsTooDeep(result))
                {
                    continue;
                }

                try
                {
                    RoundTripTests.AssertRoundTrip(input);
                }
                catch (Exception e)
                {
                    throw new InvalidOperationException($"iteration {i}: clean input does not round-trip: {Truncate(input)}", e);
                }
            }
        }
    }

    /// <summary>The printer parenthesises every compound expression, so a statement near the nesting limit can
    /// print as one beyond it; that is the limit working, not a round-trip failure.</summary>
    private static bool PrintedFormIsTooDeep(ParseResult result)
    {
        var reparsed = PartiQLParser.Parse(result.Statement.ToString());
        return reparsed.Diagnostics.Any(d => d.Code == Ledger.PartiQL.Syntax.Diagnostics.DiagnosticFacts.NestingTooDeepCode);
    }

    private static string Truncate(string input) => input.Length > 300 ? input[..300] + "…" : input;

    private static string Generate(Random random, string[] seeds, int iteration)
    {
        // Every thousandth input is pathological nesting; the rest mix mutations of real statements with noise.
        if (iteration % 1000 == 0)
        {
            return Nesting(random);
        }

        var seed = seeds[random.Next(seeds.Length)];
        return random.Next(10) switch
        {
            0 or 1 or 2 => MutateTokens(random, seed),
            3 => MutateCharacters(random, seed),
            4 => seed[..random.Next(seed.Length + 1)],
            5 => TokenSoup(random),
            6 => RandomCharacters(random),
            7 => MutateTokens(random, MutateTokens(random, seed)),
            _ => seed,
        };
    }

    private static List<string> Split(string statement)
    {
        var tokens = PartiQLLexer.Lex(statement).Tokens;
        return tokens.Where(t => t.Kind != TokenKind.EndOfText).Select(t => statement.Substring(t.Span.Start, t.Span.Length)).ToList();
    }

    private static string MutateTokens(Random random, string statement)
    {
        var tokens = Split(statement);
        if (tokens.Count == 0)
        {
            return statement;
        }

        var mutations = 1 + random.Next(3);
        for (var m = 0; m < mutations && tokens.Count > 0; m++)
        {
            var at = random.Next(tokens.Count);
            switch (random.Next(4))
            {
                case 0:
                    tokens.RemoveAt(at);
                    break;
                case 1:
                    tokens.Insert(at, tokens[at]);
                    break;
                case 2:
                    var other = random.Next(tokens.Count);
                    (tokens[at], tokens[other]) = (tokens[other], tokens[at]);
                    break;
                default:
                    tokens.Insert(at, Vocabulary[random.Next(Vocabulary.Length)]);
                    break;
            }
        }

        return string.Join(random.Next(4) == 0 ? string.Empty : " ", tokens);
    }

    private static string MutateCharacters(Random random, string statement)
    {
        var builder = new StringBuilder(statement);
        var mutations = 1 + random.Next(4);
        for (var m = 0; m < mutations; m++)
        {
            var at = random.Next(builder.Length + 1);
            switch (random.Next(3))
            {
                case 0 when builder.Length > 0 && at < builder.Length:
                    builder.Remove(at, 1);
                    break;
                case 1:
                    builder.Insert(at, (char)random.Next(0, 0x3000));
                    break;
                default:
                    builder.Insert(at, "'\"`()[]{}<>;?@*-/\\\0"[random.Next(19)]);
                    break;
            }
        }

        return builder.ToString();
    }

    private static string TokenSoup(Random random)
    {
        var count = random.Next(1, 40);
        var builder = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            builder.Append(Vocabulary[random.Next(Vocabulary.Length)]).Append(' ');
        }

        return builder.ToString();
    }

    private static string RandomCharacters(Random random)
    {
        var length = random.Next(0, 80);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = random.Next(3) == 0 ? (char)random.Next(0, 0xFFFF) : (char)random.Next(32, 127);
        }

        return new string(chars);
    }

    private static string Nesting(Random random)
    {
        var opener = random.Next(9) switch
        {
            0 => "(",
            1 => "[",
            2 => "<<",
            3 => "{'a': ",
            4 => "-",
            5 => "NOT ",
            6 => "(SELECT VALUE ",
            7 => "a[",
            _ => "CASE WHEN ",
        };
        var depth = random.Next(2) == 0 ? 10_000 : random.Next(50, 400);
        var builder = new StringBuilder("SELECT VALUE ");
        builder.Insert(builder.Length, opener, depth).Append('1');
        return builder.Append(" FROM << 0 >>").ToString();
    }
}
