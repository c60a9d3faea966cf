using Ledger.Ion;

namespace Ledger.Engine.Tests.Conformance;

/// <summary>
/// Cases in the shared suite's format for rules of the spec that the shared cases do not exercise (DML through
/// position parameters and AT aliases, read-only targets of every DML form, history bound checks, limits on UPDATE,
/// a second table in FROM-DML, error categories of unknown names and functions), run by the same runner.
/// </summary>
public sealed class LocalRuleCaseTests
{
    private const string CasesIon = """
        { suite: "local", cases: [
         { name: "local.set_param_index", setup: [ { statement: "CREATE TABLE T" }, { statement: "INSERT INTO T VALUE {'id': 1, 'l': ['a','b']}" } ],
           statement: "UPDATE T AS t SET t.l[?] = 'z'", params: [1], expect: [ { documentId: qdb_id::null } ],
           then: [ { statement: "SELECT VALUE t.l FROM T AS t", expect: [ ["a","z"] ] } ] },
         { name: "local.insert_at_out_of_range", setup: [ { statement: "CREATE TABLE T" }, { statement: "INSERT INTO T VALUE {'id': 1, 'l': ['a','b']}" } ],
           statement: "UPDATE T AS t INSERT INTO t.l VALUE 'x' AT 5", expect_error: { category: path } },
         { name: "local.nested_scalar_set", setup: [ { statement: "CREATE TABLE T" }, { statement: "INSERT INTO T VALUE {'id': 1, 'l': ['a','b']}" } ],
           statement: "FROM T AS t, @t.l AS e WHERE e = 'b' SET e = 'B'", expect: [ { documentId: qdb_id::null } ],
           then: [ { statement: "SELECT VALUE t.l FROM T AS t", expect: [ ["a","B"] ] } ] },
         { name: "local.delete_committed", setup: [ { statement: "CREATE TABLE T" } ], statement: "DELETE FROM _ql_committed_T", expect_error: { category: semantic } },
         { name: "local.update_catalog", setup: [ { statement: "CREATE TABLE T" } ], statement: "UPDATE information_schema.user_tables SET name = 'x'", expect_error: { category: semantic } },
         { name: "local.insert_committed", setup: [ { statement: "CREATE TABLE T" } ], statement: "INSERT INTO _ql_committed_T VALUE {'a': 1}", expect_error: { category: semantic } },
         { name: "local.history_non_utc", setup: [ { statement: "CREATE TABLE T" } ], statement: "SELECT * FROM history(T, `2020-01-01T00:00:00+01:00`)", expect_error: { category: evaluation } },
         { name: "local.history_start_after_end", setup: [ { statement: "CREATE TABLE T" } ], statement: "SELECT * FROM history(T, `2020-01-02T00:00:00Z`, `2020-01-01T00:00:00Z`)", expect_error: { category: evaluation } },
         { name: "local.redact_unknown_table", setup: [ { statement: "CREATE TABLE T" } ], statement: "EXEC redact_revision `{strandId: \"AAAAAAAAAAAAAAAAAAAAAA\", sequenceNo: 1}`, 'AAAAAAAAAAAAAAAAAAAAAA', 'AAAAAAAAAAAAAAAAAAAAAA'", expect_error: { category: constraint } },
         { name: "local.insert_scalar", setup: [ { statement: "CREATE TABLE T" } ], statement: "INSERT INTO T VALUE 1", expect_error: { category: evaluation } },
         { name: "local.insert_empty_bag", setup: [ { statement: "CREATE TABLE T" } ], statement: "INSERT INTO T << >>", expect: [] },
         { name: "local.param_count", setup: [ { statement: "CREATE TABLE T" } ], statement: "SELECT * FROM T WHERE a = ?", expect_error: { category: semantic } },
         { name: "local.remove_nested", setup: [ { statement: "CREATE TABLE T" }, { statement: "INSERT INTO T VALUE {'o': {'x': 1, 'y': 2}}" } ],
           statement: "UPDATE T AS t REMOVE t.o.x", expect: [ { documentId: qdb_id::null } ], then: [ { statement: "SELECT VALUE t.o FROM T AS t", expect: [ {y: 2} ] } ] },
         { name: "local.drop_index_no_purge", setup: [ { statement: "CREATE TABLE T" } ], statement: "DROP INDEX \"abc\" ON T", expect_error: { category: syntax } },
         { name: "local.count_history", setup: [ { statement: "CREATE TABLE T" }, { statement: "INSERT INTO T VALUE {'a': 1}" }, { statement: "UPDATE T SET a = 2" } ], statement: "SELECT COUNT(*) FROM history(T)", expect: [ {_1: 2} ] },
         { name: "local.unknown_function", statement: "SELECT VALUE ABS(-1) FROM << 0 >>", expect_error: { category: unsupported } },
         { name: "local.wrong_arity", statement: "SELECT VALUE UPPER('a', 'b') FROM << 0 >>", expect_error: { category: semantic } },
         { name: "local.div_zero", statement: "SELECT VALUE 1 / 0 FROM << 0 >>", expect_error: { category: evaluation } },
         { name: "local.update_unknown_table", statement: "UPDATE Nope SET a = 1", expect_error: { category: semantic, message_contains: "No such variable named 'Nope'" } },
         { name: "local.delete_unknown_table", statement: "DELETE FROM Nope", expect_error: { category: semantic, message_contains: "No such variable named 'Nope'" } },
         { name: "local.drop_unknown_table", statement: "DROP TABLE Nope", expect_error: { category: semantic } },
         { name: "local.index_on_unknown", statement: "CREATE INDEX ON Nope (a)", expect_error: { category: semantic } },
         { name: "local.set_alias_non_struct", setup: [ { statement: "CREATE TABLE T" }, { statement: "INSERT INTO T VALUE {'a': 1}" } ], statement: "UPDATE T AS t SET t = 5", expect_error: { category: evaluation } },
         { name: "local.insert_doc_too_big", setup: [ { statement: "CREATE TABLE T" } ], statement: "INSERT INTO T VALUE ?", params: [ { a: qdb_repeat::{ text: "x", count: 140000 } } ], expect_error: { category: limit } },
         { name: "local.update_doc_too_big", setup: [ { statement: "CREATE TABLE T" }, { statement: "INSERT INTO T VALUE {'a': 1}" } ], statement: "UPDATE T SET a = ?", params: [ qdb_repeat::{ text: "x", count: 140000 } ], expect_error: { category: limit } },
         { name: "local.from_insert_nested_list", setup: [ { statement: "CREATE TABLE T" }, { statement: "INSERT INTO T VALUE {'l': [{'k': [1]}, {'k': [2]}]}" } ],
           statement: "FROM T AS t, @t.l AS e WHERE e.k[0] = 2 INSERT INTO e.k VALUE 3", expect: [ { documentId: qdb_id::null } ], then: [ { statement: "SELECT VALUE t.l FROM T AS t", expect: [ [{k: [1]}, {k: [2, 3]}] ] } ] },
         { name: "local.update_with_at_alias", setup: [ { statement: "CREATE TABLE T" }, { statement: "INSERT INTO T VALUE {'l': ['a', 'b', 'c']}" } ],
           statement: "FROM T AS t, @t.l AS e AT i WHERE i = 1 REMOVE e", expect: [ { documentId: qdb_id::null } ], then: [ { statement: "SELECT VALUE t.l FROM T AS t", expect: [ ["a", "c"] ] } ] },
         { name: "local.two_tables_dml", setup: [ { statement: "CREATE TABLE A" }, { statement: "CREATE TABLE B" } ], statement: "FROM A AS a, B AS b SET a.x = 1", expect_error: { category: semantic } },
        ]}
        """;

    private static readonly Lazy<Dictionary<string, ConformanceCase>> Cases = new(() =>
        ((IonList)((IonStruct)IonText.Parse(CasesIon))["cases"]!).Elements.Cast<IonStruct>()
            .Select(c => new ConformanceCase(((IonString)c["name"]!).Value, Inferred: true, c))
            .ToDictionary(c => c.Name, StringComparer.Ordinal));

    public static TheoryData<string> CaseNames() => ConformanceTests.TheoryRows(Cases.Value.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Case(string name)
    {
        var failure = await ConformanceTests.TryRunAsync(Cases.Value[name]);
        Assert.True(failure is null, $"{name}: {failure}");
    }
}
