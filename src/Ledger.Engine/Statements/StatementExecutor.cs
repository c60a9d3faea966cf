using Ledger.Engine.Errors;
using Ledger.Engine.Model;
using Ledger.Engine.Sessions;
using Ledger.Engine.Transactions;
using Ledger.Ion;
using Ledger.Ion.Binary;
using Ledger.Journal.Model;
using Ledger.PartiQL.Evaluation;
using Ledger.PartiQL.Evaluation.Query;
using Ledger.PartiQL.Planning;
using Ledger.PartiQL.Syntax;
using Ledger.PartiQL.Syntax.Ast;
using Ledger.PartiQL.Syntax.Diagnostics;

namespace Ledger.Engine.Statements;

/// <summary>
/// Executes one parsed statement inside a transaction: DDL (the catalog is written through the journal as catalog
/// revisions), INSERT, EXEC redact_revision, and SELECT / DELETE / UPDATE / FROM-DML through the PartiQL evaluator
/// over <see cref="LedgerTransaction"/>'s document source (each DML change becomes a new revision).
/// </summary>
internal sealed class StatementExecutor(EngineLimits limits)
{
    /// <summary>Runs the statement; its result values and the IOs it consumed (documents read and written).</summary>
    public async ValueTask<StatementResult> ExecuteAsync(
        LedgerTransaction transaction, ParseResult parsed, IReadOnlyList<IonValue> parameters, int statementIndex, CancellationToken cancellationToken)
    {
        if (parsed.FirstError is { } error)
        {
            throw new BadRequestException(error.Message, KindOf(error.Category));
        }

        if (parsed.ParameterCount != parameters.Count)
        {
            throw new BadRequestException($"Evaluation Error: the statement has {parsed.ParameterCount} parameter(s) but {parameters.Count} value(s) were given", StatementErrorKind.Semantic);
        }

        // DDL writes one catalog entry; a redaction writes one redaction entry.
        return parsed.Statement switch
        {
            CreateTableStatement create => OneWrite(await CreateTableAsync(transaction, create, cancellationToken)),
            DropTableStatement drop => OneWrite(await DropTableAsync(transaction, drop, cancellationToken)),
            UndropTableStatement undrop => OneWrite(await UndropTableAsync(transaction, undrop, cancellationToken)),
            CreateIndexStatement index => OneWrite(await CreateIndexAsync(transaction, index, cancellationToken)),
            DropIndexStatement index => OneWrite(await DropIndexAsync(transaction, index, cancellationToken)),
            InsertStatement insert => await InsertAsync(transaction, parsed, insert, parameters, statementIndex, cancellationToken),
            ExecStatement exec => await ExecAsync(transaction, exec, parameters, cancellationToken),
            SelectStatement => await QueryAsync(transaction, parsed, parameters, cancellationToken),
            DeleteStatement or UpdateStatement => await DmlAsync(transaction, parsed, parameters, statementIndex, cancellationToken),
            _ => throw new BadRequestException($"Unsupported PartiQL feature: {parsed.Statement.GetType().Name.Replace("Statement", string.Empty, StringComparison.Ordinal)} statements are not available yet", StatementErrorKind.Unsupported),
        };
    }

    private static StatementResult OneWrite(IonValue row) => new([row], new ConsumedIOs(0, 1));

    private async ValueTask<StatementPlan> PlanAsync(LedgerTransaction transaction, ParseResult parsed, IReadOnlyList<IonValue> parameters, CancellationToken cancellationToken)
    {
        var catalog = await TransactionCatalog.LoadAsync(transaction, cancellationToken);
        var plan = PartiQLPlanner.Plan(parsed, catalog, parameters.Count);
        if (plan.Diagnostics.Count > 0)
        {
            throw new BadRequestException(plan.Diagnostics[0].Message, KindOf(plan.Diagnostics[0].Category));
        }

        return plan;
    }

    private EvaluationContext Context(LedgerTransaction transaction) => new(transaction.CurrentStatementTime, transaction.Id);

    private async ValueTask<StatementResult> QueryAsync(
        LedgerTransaction transaction, ParseResult parsed, IReadOnlyList<IonValue> parameters, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(transaction, parsed, parameters, cancellationToken);
        var source = new TransactionDocumentSource(transaction);
        var values = new List<IonValue>();
        try
        {
            await foreach (var value in QueryEvaluator.ExecuteAsync(plan, source, parameters, Context(transaction), cancellationToken))
            {
                values.Add(value);
            }
        }
        catch (Exception e) when (e is EvaluationException or DocumentPathException or NotSupportedException)
        {
            throw EvaluationError(e);
        }

        return new StatementResult(values, new ConsumedIOs(source.DocumentsRead, 0));
    }

    private async ValueTask<StatementResult> DmlAsync(
        LedgerTransaction transaction, ParseResult parsed, IReadOnlyList<IonValue> parameters, int statementIndex, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(transaction, parsed, parameters, cancellationToken);
        var target = plan.Statement switch
        {
            DeleteStatement delete => delete.Target,
            UpdateStatement update => update.Target,
            _ => throw new BadRequestException("Unsupported PartiQL feature: not a DML statement", StatementErrorKind.Unsupported),
        };
        var targetSource = plan.Sources.FirstOrDefault(s => ReferenceEquals(s.Source, target));
        if (targetSource?.Table is not { } tableName)
        {
            throw new BadRequestException("Unsupported PartiQL feature: DML targets a table by name", StatementErrorKind.Unsupported);
        }

        var table = await ResolveTableAsync(transaction, tableName, cancellationToken);
        IReadOnlyList<DmlChange> changes;
        var source = new TransactionDocumentSource(transaction);
        try
        {
            changes = await DmlEvaluator.EvaluateAsync(plan, source, parameters, Context(transaction), cancellationToken);
        }
        catch (Exception e) when (e is EvaluationException or DocumentPathException or NotSupportedException)
        {
            throw EvaluationError(e);
        }

        // Atomic per statement: the size of every new value and the transaction's limits are checked before anything
        // is written.
        long bytes = 0;
        foreach (var change in changes)
        {
            var size = change.NewValue is { } value ? IonBinary.Write(value).Length : 0;
            if (size > limits.MaxDocumentBytes)
            {
                throw new BadRequestException($"Document size {size} bytes exceeds the limit of {limits.MaxDocumentBytes} bytes", StatementErrorKind.Limit);
            }

            bytes += size;
        }

        transaction.EnsureRoomFor(table.TableId, changes.Select(c => c.DocumentId).ToList(), bytes);

        var rows = new List<IonValue>(changes.Count);
        foreach (var change in changes)
        {
            var data = change.NewValue is { } value ? value.WithoutAnnotations() as IonStruct ?? value : null;
            if (await transaction.UpdateAsync(table, change.DocumentId, data, statementIndex, cancellationToken))
            {
                rows.Add(IonStruct.Of(new IonField("documentId", IonString.Of(change.DocumentId))));
            }
        }

        return new StatementResult(rows, new ConsumedIOs(source.DocumentsRead, rows.Count));
    }

    private static BadRequestException EvaluationError(Exception e) => e switch
    {
        DocumentPathException => new(e.Message, StatementErrorKind.Path),
        NotSupportedException => new($"Unsupported PartiQL feature: {e.Message}", StatementErrorKind.Unsupported),
        _ => new(e.Message.StartsWith("Evaluation Error", StringComparison.Ordinal) ? e.Message : $"Evaluation Error: {e.Message}", StatementErrorKind.Evaluation),
    };

    private static StatementErrorKind KindOf(DiagnosticCategory category) => category switch
    {
        DiagnosticCategory.Syntax => StatementErrorKind.Syntax,
        DiagnosticCategory.Unsupported => StatementErrorKind.Unsupported,
        _ => StatementErrorKind.Semantic,
    };

    /// <summary>The table a name resolves to in DML, with QLDB's error for names that do not.</summary>
    public static async ValueTask<TableDescriptor> ResolveTableAsync(LedgerTransaction transaction, string name, CancellationToken cancellationToken) =>
        await transaction.FindActiveTableAsync(name, cancellationToken) ?? throw new BadRequestException($"No such variable named '{name}'", StatementErrorKind.Semantic);

    private static IonStruct TableIdRow(string tableId) => IonStruct.Of(new IonField("tableId", IonString.Of(tableId)));

    private async ValueTask<IonValue> CreateTableAsync(LedgerTransaction transaction, CreateTableStatement create, CancellationToken cancellationToken)
    {
        var name = create.Table.Name;
        ValidateTableName(name);
        if (await transaction.FindActiveTableAsync(name, cancellationToken) is not null)
        {
            throw new BadRequestException($"Table with name: {name} already exists", StatementErrorKind.Constraint);
        }

        var tables = await transaction.ReadCatalogAsync(cancellationToken);
        if (tables.Count(t => t.Status == TableStatus.Active) >= limits.MaxActiveTables)
        {
            throw new BadRequestException($"Active table limit of {limits.MaxActiveTables} exceeded", StatementErrorKind.Constraint);
        }

        if (tables.Count >= limits.MaxTotalTables)
        {
            throw new BadRequestException($"Table limit of {limits.MaxTotalTables} (active and inactive) exceeded", StatementErrorKind.Constraint);
        }

        var table = new TableDescriptor(transaction.NextId(), name, TableStatus.Active, []);
        await transaction.WriteCatalogAsync(table, cancellationToken);
        return TableIdRow(table.TableId);
    }

    private static async ValueTask<IonValue> DropTableAsync(LedgerTransaction transaction, DropTableStatement drop, CancellationToken cancellationToken)
    {
        var table = await ResolveTableAsync(transaction, drop.Table.Name, cancellationToken);
        await transaction.WriteCatalogAsync(table with { Status = TableStatus.Inactive }, cancellationToken);
        return TableIdRow(table.TableId);
    }

    private async ValueTask<IonValue> UndropTableAsync(LedgerTransaction transaction, UndropTableStatement undrop, CancellationToken cancellationToken)
    {
        var tableId = undrop.TableId.Name;
        var table = await transaction.FindTableByIdAsync(tableId, cancellationToken)
            ?? throw new BadRequestException($"Table with id: {tableId} does not exist", StatementErrorKind.Constraint);
        if (table.Status == TableStatus.Active)
        {
            throw new BadRequestException($"Table with id: {tableId} is already active", StatementErrorKind.Constraint);
        }

        if (await transaction.FindActiveTableAsync(table.Name, cancellationToken) is not null)
        {
            throw new BadRequestException($"Table with name: {table.Name} already exists", StatementErrorKind.Constraint);
        }

        var tables = await transaction.ReadCatalogAsync(cancellationToken);
        if (tables.Count(t => t.Status == TableStatus.Active) >= limits.MaxActiveTables)
        {
            throw new BadRequestException($"Active table limit of {limits.MaxActiveTables} exceeded", StatementErrorKind.Constraint);
        }

        await transaction.WriteCatalogAsync(table with { Status = TableStatus.Active }, cancellationToken);
        return TableIdRow(tableId);
    }

    private async ValueTask<IonValue> CreateIndexAsync(LedgerTransaction transaction, CreateIndexStatement create, CancellationToken cancellationToken)
    {
        var table = await ResolveTableAsync(transaction, create.Table.Name, cancellationToken);
        if (create.Fields.Count != 1 || IndexField(create.Fields[0]) is not { } field)
        {
            throw new BadRequestException("Unsupported PartiQL feature: an index covers exactly one top-level field", StatementErrorKind.Constraint);
        }

        if (field.Length > limits.MaxIndexFieldLength)
        {
            throw new BadRequestException($"Index field name exceeds {limits.MaxIndexFieldLength} characters", StatementErrorKind.Constraint);
        }

        if (table.FindIndex(field) is not null)
        {
            throw new BadRequestException($"Index on field: {field} already exists on table {table.Name}", StatementErrorKind.Constraint);
        }

        if (table.Indexes.Length >= limits.MaxIndexesPerTable)
        {
            throw new BadRequestException($"Index limit of {limits.MaxIndexesPerTable} per table exceeded", StatementErrorKind.Constraint);
        }

        // The index is built by the view projector when the block is applied, before the commit is acknowledged,
        // so it is reported ONLINE; the table stays usable throughout (DML does not conflict with the index build).
        var index = new IndexDescriptor(transaction.NextId(), field, "ONLINE");
        await transaction.WriteCatalogAsync(table with { Indexes = table.Indexes.Add(index) }, cancellationToken);
        return TableIdRow(table.TableId);
    }

    private static async ValueTask<IonValue> DropIndexAsync(LedgerTransaction transaction, DropIndexStatement drop, CancellationToken cancellationToken)
    {
        var table = await ResolveTableAsync(transaction, drop.Table.Name, cancellationToken);
        var index = table.Indexes.FirstOrDefault(i => i.IndexId == drop.IndexId.Name)
            ?? throw new BadRequestException($"Index with id: {drop.IndexId.Name} does not exist on table {table.Name}", StatementErrorKind.Constraint);
        await transaction.WriteCatalogAsync(table with { Indexes = table.Indexes.Remove(index) }, cancellationToken);
        return TableIdRow(table.TableId);
    }

    private async ValueTask<StatementResult> InsertAsync(
        LedgerTransaction transaction, ParseResult parsed, InsertStatement insert, IReadOnlyList<IonValue> parameters, int statementIndex, CancellationToken cancellationToken)
    {
        // The planner refuses what QLDB refuses before anything is evaluated: a read-only target (committed view,
        // catalog) and a value whose subquery reads a table.
        await PlanAsync(transaction, parsed, parameters, cancellationToken);
        if (insert.Table is not VariableReference { Name.Name: var tableName })
        {
            throw new BadRequestException("Unsupported PartiQL feature: INSERT targets a table by name", StatementErrorKind.Unsupported);
        }

        var table = await ResolveTableAsync(transaction, tableName, cancellationToken);
        var documents = ValueEvaluation.InsertValues(insert.Value, parameters, insert.IsValueForm, Context(transaction));
        var structs = documents.Select(d => d as IonStruct ?? throw new BadRequestException($"Evaluation Error: a document must be a struct, got {d.Type}", StatementErrorKind.Evaluation)).ToList();

        // Atomic per statement: every value is checked before anything is written.
        var rows = new List<IonValue>(structs.Count);
        foreach (var document in structs)
        {
            var id = transaction.Insert(table, document.WithoutAnnotations() as IonStruct ?? document, statementIndex);
            rows.Add(IonStruct.Of(new IonField("documentId", IonString.Of(id))));
        }

        return new StatementResult(rows, new ConsumedIOs(0, rows.Count));
    }

    private static async ValueTask<StatementResult> ExecAsync(LedgerTransaction transaction, ExecStatement exec, IReadOnlyList<IonValue> parameters, CancellationToken cancellationToken)
    {
        if (exec.Procedure != "redact_revision")
        {
            throw new BadRequestException($"Unsupported PartiQL feature: no stored procedure named {exec.Procedure}", StatementErrorKind.Semantic);
        }

        if (exec.Arguments.Count != 3)
        {
            throw new BadRequestException("redact_revision takes a block address, a table id and a document id", StatementErrorKind.Semantic);
        }

        var address = ValueEvaluation.Value(exec.Arguments[0], parameters) as IonStruct;
        var tableId = ValueEvaluation.Value(exec.Arguments[1], parameters) as IonString;
        var documentId = ValueEvaluation.Value(exec.Arguments[2], parameters) as IonString;
        if (address?["strandId"] is not IonString strandId || address["sequenceNo"] is not IonInt sequenceNo || tableId is null || documentId is null)
        {
            throw new BadRequestException("redact_revision takes a block address {strandId, sequenceNo}, a table id and a document id", StatementErrorKind.Evaluation);
        }

        if (await transaction.FindTableByIdAsync(tableId.Value, cancellationToken) is null)
        {
            throw new BadRequestException($"Table with id: {tableId.Value} does not exist", StatementErrorKind.Constraint);
        }

        var history = await transaction.ReadHistoryAsync(tableId.Value, documentId.Value, cancellationToken);
        var index = history.ToList().FindIndex(r => r.StrandId == strandId.Value && r.SequenceNo == sequenceNo.ToInt64());
        if (index < 0)
        {
            throw new BadRequestException($"No revision of document {documentId.Value} in table {tableId.Value} at block address {address}", StatementErrorKind.Constraint);
        }

        var revision = history[index];
        if (index == history.Count - 1)
        {
            throw new BadRequestException("Only an inactive revision can be redacted; this is the latest revision of the document", StatementErrorKind.Constraint);
        }

        if (revision.Data is null)
        {
            throw new BadRequestException("The revision has no data to redact (it is already redacted or records a deletion)", StatementErrorKind.Constraint);
        }

        var target = new RedactionTarget(revision.StrandId, revision.SequenceNo, revision.TableId, revision.DocumentId, revision.Version);
        transaction.Redact(target);

        // The result row is the redactionInfo entry the block will carry: {blockAddress, tableId, documentId, version}.
        return new StatementResult([target.ToIon()], new ConsumedIOs(history.Count, 1));
    }

    private static string? IndexField(Expression expression) => expression switch
    {
        VariableReference { Name.Name: var name } => name,
        PathExpression { Root: VariableReference { Name.Name: var name }, Steps.Count: 0 } => name,
        _ => null,
    };

    private static void ValidateTableName(string name)
    {
        var valid = name.Length is >= 1 and <= 128
            && (char.IsAsciiLetter(name[0]) || name[0] == '_')
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
        if (!valid)
        {
            throw new BadRequestException($"Invalid table name: {name} (1-128 letters, digits or underscores, starting with a letter or underscore)", StatementErrorKind.Constraint);
        }

        // Quoting lets a reserved word through the parser, but a table name must not be one (spec §1.2).
        if (PartiQLLexer.IsReserved(name))
        {
            throw new BadRequestException($"Invalid table name: {name} (a reserved word)", StatementErrorKind.Constraint);
        }

        if (name.StartsWith("_ql_", StringComparison.Ordinal))
        {
            throw new BadRequestException($"Invalid table name: {name} (the prefix _ql_ is reserved)", StatementErrorKind.Constraint);
        }
    }
}

/// <summary>A statement's result values and the IOs that producing them consumed.</summary>
internal sealed record StatementResult(IReadOnlyList<IonValue> Values, Sessions.ConsumedIOs ConsumedIOs);
