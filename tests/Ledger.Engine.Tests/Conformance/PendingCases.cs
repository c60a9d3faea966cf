namespace Ledger.Engine.Tests.Conformance;

/// <summary>
/// The one list of conformance cases that do not pass yet, each with the reason. A listed case that starts passing
/// fails its test, so this list is always exactly the set of failing cases (docs/partiql-conformance.md).
/// </summary>
internal static class PendingCases
{
    public static readonly IReadOnlyDictionary<string, string> Reasons = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["catalog.insert_rejected"] = "INSERT INTO a non-table source is reported as unsupported, the case expects a semantic error (DML against a non-user view)",
        ["ddl.create_table_quoted_reserved_word_name"] = "CREATE TABLE does not refuse a reserved word written as a quoted identifier",
        ["dml.from_insert_into_struct_at_key"] = "DmlEvaluator: INSERT INTO ... AT is not evaluated",
        ["dml.from_nested_collection_remove_element"] = "DmlEvaluator: REMOVE through a nested FROM alias is not applied",
        ["dml.from_nested_collection_set"] = "DmlEvaluator: SET through a nested FROM alias is not applied",
        ["dml.from_remove_document"] = "DmlEvaluator: REMOVE alias (a delete) is not evaluated",
        ["dml.update_insert_into_list_at_position"] = "DmlEvaluator: INSERT INTO ... AT is not evaluated",
        ["dml.update_insert_into_missing_path_error"] = "DmlEvaluator: an unresolvable INSERT INTO target is an evaluation error, not a path error",
        ["dml.update_insert_into_struct_at_key"] = "DmlEvaluator: INSERT INTO ... AT is not evaluated",
        ["dml.update_insert_into_struct_existing_key_error"] = "DmlEvaluator: INSERT INTO ... AT is not evaluated",
        ["dml.update_list_element"] = "DmlEvaluator: list index steps in SET targets are not supported",
        ["dml.update_list_index_out_of_range_error"] = "DmlEvaluator: list index steps in SET targets are not supported",
        ["dml.update_nested_missing_parent_error"] = "DmlEvaluator: a missing parent in a SET target is an evaluation error, not a path error",
        ["dml.update_remove_list_element"] = "DmlEvaluator: list index steps in REMOVE targets are not supported",
        ["dml.update_remove_missing_field_error"] = "DmlEvaluator: REMOVE of a missing field succeeds instead of a path error",
        ["dml.update_remove_whole_document"] = "DmlEvaluator: REMOVE alias (a delete) is not evaluated",
        ["dml.update_replace_whole_document_by_id"] = "DmlEvaluator: SET alias = value (replace the document) is not evaluated",
        ["dml.update_set_through_scalar_error"] = "DmlEvaluator: a scalar parent in a SET target is an evaluation error, not a path error",
        ["functions.utcnow_in_insert"] = "INSERT values are evaluated without the statement's evaluation context (UTCNOW, TXID)",
        ["select.path_into_scalar"] = "the parser rejects a reserved word ('first') as a field name after a dot",
        ["unsupported.insert_select_from_table"] = "INSERT of a subquery that reads a table is not refused",
    };
}
