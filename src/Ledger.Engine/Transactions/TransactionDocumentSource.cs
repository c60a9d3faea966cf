using System.Runtime.CompilerServices;
using Ledger.Engine.Errors;
using Ledger.Engine.Model;
using Ledger.Ion;
using Ledger.PartiQL.Evaluation;
using Ledger.PartiQL.Planning;

namespace Ledger.Engine.Transactions;

/// <summary>
/// The PartiQL evaluator's <see cref="IDocumentSource"/> over a transaction's snapshot. Every call goes through
/// <see cref="LedgerTransaction"/>, which records what was read for OCC: document ids for id lookups, index keys
/// for index lookups, the whole table for scans. <see cref="DocumentsRead"/> meters what was read from storage for
/// QLDB's ReadIOs: every document a scan visits, only the matches of an index or id lookup.
/// </summary>
internal sealed class TransactionDocumentSource(LedgerTransaction transaction) : IDocumentSource
{
    /// <summary>Documents, revisions and catalog entries read so far, counted per read (a join's inner side per pass).</summary>
    public long DocumentsRead { get; private set; }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SourceRow> ReadAsync(
        SourcePlan source, IReadOnlyList<IonValue> keys, (IonValue? Start, IonValue? End) historyBounds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keys);
        switch (source.Kind)
        {
            case SourceKind.UserView:
                var table = await ResolveAsync(source.Table!, cancellationToken);
                var rows = await UserRowsAsync(table, source.Access, keys, cancellationToken);
                DocumentsRead += rows.Count;
                foreach (var (id, data) in rows)
                {
                    yield return new SourceRow(data, id);
                }

                break;
            case SourceKind.CommittedView:
                var committedTable = await ResolveAsync(source.Table!, cancellationToken);
                var committed = await CommittedRowsAsync(committedTable, source.Access, keys, cancellationToken);
                DocumentsRead += committed.Count;
                foreach (var revision in committed)
                {
                    yield return new SourceRow(revision.ToSystemRecord(), revision.DocumentId);
                }

                break;
            case SourceKind.History:
                foreach (var revision in await HistoryRowsAsync(source, keys, historyBounds, cancellationToken))
                {
                    yield return new SourceRow(revision.ToSystemRecord(), revision.DocumentId);
                }

                break;
            case SourceKind.UserTables:
                var catalog = await transaction.ReadCatalogAsync(cancellationToken);
                DocumentsRead += catalog.Count;
                foreach (var entry in catalog)
                {
                    yield return new SourceRow(entry.ToIon(), null);
                }

                break;
            default:
                throw new ArgumentException($"{source.Kind} is not a table-backed source.", nameof(source));
        }
    }

    /// <summary>
    /// Applies history()'s time bounds (partiql-qldb 7.2): a revision is returned when it was active during
    /// [start, end], i.e. <c>txTime(v) &lt;= end</c> and (<c>txTime(v+1) &gt;= start</c> or v is the latest).
    /// </summary>
    public static IReadOnlyList<DocumentRevision> WithinBounds(IReadOnlyList<DocumentRevision> revisions, IonTimestamp? start, IonTimestamp? end)
    {
        var result = new List<DocumentRevision>();
        foreach (var document in revisions.GroupBy(r => r.DocumentId, StringComparer.Ordinal))
        {
            var ordered = document.OrderBy(r => r.Version).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var startedBeforeEnd = end is null || ordered[i].TxTime <= end.Value;
                var activeAfterStart = start is null || i == ordered.Count - 1 || ordered[i + 1].TxTime >= start.Value;
                if (startedBeforeEnd && activeAfterStart)
                {
                    result.Add(ordered[i]);
                }
            }
        }

        return result;
    }

    private async ValueTask<TableDescriptor> ResolveAsync(string name, CancellationToken cancellationToken) =>
        await transaction.FindActiveTableAsync(name, cancellationToken) ?? throw new BadRequestException($"No such variable named '{name}'", StatementErrorKind.Semantic);

    private async ValueTask<IReadOnlyList<(string DocumentId, IonStruct Data)>> UserRowsAsync(
        TableDescriptor table, AccessPath access, IReadOnlyList<IonValue> keys, CancellationToken cancellationToken)
    {
        switch (access)
        {
            case IndexLookup index when table.FindIndex(index.Field) is not null:
                var found = new List<(string, IonStruct)>();
                foreach (var key in keys)
                {
                    found.AddRange(await transaction.FindByFieldAsync(table, index.Field, key, cancellationToken));
                }

                return found.DistinctBy(d => d.Item1).ToList();
            case DocumentIdLookup:
                var rows = new List<(string, IonStruct)>();
                foreach (var id in DocumentIds(keys))
                {
                    if (await transaction.ReadDocumentAsync(table.TableId, id, cancellationToken) is { } document)
                    {
                        rows.Add((id, document.Data));
                    }
                }

                return rows;
            default:
                return await transaction.ScanAsync(table, cancellationToken);
        }
    }

    private async ValueTask<IReadOnlyList<DocumentRevision>> CommittedRowsAsync(
        TableDescriptor table, AccessPath access, IReadOnlyList<IonValue> keys, CancellationToken cancellationToken)
    {
        if (access is DocumentIdLookup)
        {
            var rows = new List<DocumentRevision>();
            foreach (var id in DocumentIds(keys))
            {
                if (await transaction.ReadCommittedAsync(table.TableId, id, cancellationToken) is { IsDeleted: false } revision)
                {
                    rows.Add(revision);
                }
            }

            return rows;
        }

        return await transaction.ScanCommittedAsync(table, cancellationToken);
    }

    private async ValueTask<IReadOnlyList<DocumentRevision>> HistoryRowsAsync(
        SourcePlan source, IReadOnlyList<IonValue> keys, (IonValue? Start, IonValue? End) bounds, CancellationToken cancellationToken)
    {
        var table = source.TableId is { } tableId
            ? await transaction.FindTableByIdAsync(tableId, cancellationToken) ?? throw new BadRequestException($"No such table id '{tableId}'", StatementErrorKind.Semantic)
            : await ResolveAsync(source.Table!, cancellationToken);
        var start = Bound(bounds.Start, "start");
        var end = Bound(bounds.End, "end");
        var now = transaction.CurrentStatementTime;
        if (start is not null && end is not null && start.Value > end.Value)
        {
            throw new BadRequestException("Evaluation Error: history() start time must not be after its end time", StatementErrorKind.Evaluation);
        }

        if (end is not null && end.Value > now)
        {
            throw new BadRequestException("Evaluation Error: history() end time must not be in the future", StatementErrorKind.Evaluation);
        }

        var revisions = new List<DocumentRevision>();
        if (source.Access is DocumentIdLookup)
        {
            foreach (var id in DocumentIds(keys))
            {
                revisions.AddRange(await transaction.ReadHistoryAsync(table.TableId, id, cancellationToken));
            }
        }
        else
        {
            revisions.AddRange(await transaction.ReadHistoryAsync(table.TableId, null, cancellationToken));
        }

        // Every revision read counts, also those the time bounds then leave out.
        DocumentsRead += revisions.Count;
        return WithinBounds(revisions, start, end);
    }

    private static IonTimestamp? Bound(IonValue? value, string name) => value switch
    {
        null => null,
        IonTimestampValue { Value: var t } when t.OffsetMinutes == 0 => t,
        IonTimestampValue => throw new BadRequestException($"Evaluation Error: history() {name} time must be in UTC (Z or +00:00)", StatementErrorKind.Evaluation),
        _ => throw new BadRequestException($"Evaluation Error: history() {name} time must be a timestamp", StatementErrorKind.Evaluation),
    };

    private static IEnumerable<string> DocumentIds(IReadOnlyList<IonValue> keys) =>
        keys.OfType<IonString>().Select(k => k.Value).Distinct(StringComparer.Ordinal);
}

/// <summary>The planner's <see cref="ICatalog"/> over a transaction's catalog, recording each name resolved.</summary>
internal sealed class TransactionCatalog : ICatalog
{
    private readonly LedgerTransaction _transaction;
    private readonly IReadOnlyList<TableDescriptor> _tables;

    private TransactionCatalog(LedgerTransaction transaction, IReadOnlyList<TableDescriptor> tables)
    {
        _transaction = transaction;
        _tables = tables;
    }

    /// <summary>Loads the catalog the transaction sees (snapshot plus its own DDL).</summary>
    public static async ValueTask<TransactionCatalog> LoadAsync(LedgerTransaction transaction, CancellationToken cancellationToken) =>
        new(transaction, await transaction.GetCatalogAsync(cancellationToken));

    /// <inheritdoc/>
    public TableSchema? FindTable(string name)
    {
        _transaction.Reads.AddCatalogKey(ReadSet.CatalogNameKey(name));
        var table = _tables.FirstOrDefault(t => t.Name == name && t.Status == TableStatus.Active);
        return table is null ? null : new TableSchema(table.Name, table.Indexes.Where(i => i.Status == "ONLINE").Select(i => i.Field).ToHashSet(StringComparer.Ordinal));
    }
}
