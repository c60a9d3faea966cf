using Ledger.Ion;

namespace Ledger.Journal.Model;

/// <summary>
/// Builds a block's <c>transactionInfo</c> (spec 4.1): every statement in execution order with its start time and
/// statementDigest, and for each touched document its table and the indexes of the statements that touched it.
/// </summary>
public sealed class TransactionInfoBuilder
{
    private readonly List<IonStruct> _statements = [];
    private readonly Dictionary<string, (string TableName, string TableId, List<int> Statements)> _documents = new(StringComparer.Ordinal);
    private readonly List<string> _documentOrder = [];

    /// <summary>The number of statements added.</summary>
    public int StatementCount => _statements.Count;

    /// <summary>Adds a statement and returns its 0-based index.</summary>
    public int AddStatement(string statement, IonTimestamp startTime, Hash32 statementDigest)
    {
        ArgumentNullException.ThrowIfNull(statement);
        _statements.Add(IonStruct.Of(
            new IonField("statement", IonString.Of(statement)),
            new IonField("startTime", IonTimestampValue.Of(startTime)),
            new IonField("statementDigest", IonRead.Blob(statementDigest))));
        return _statements.Count - 1;
    }

    /// <summary>Records that statement <paramref name="statementIndex"/> touched a document.</summary>
    public void AddDocument(string documentId, string tableName, string tableId, int statementIndex)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentOutOfRangeException.ThrowIfNegative(statementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(statementIndex, _statements.Count);
        var document = Document(documentId, tableName, tableId);
        if (!document.Statements.Contains(statementIndex))
        {
            document.Statements.Add(statementIndex);
        }
    }

    /// <summary>Adds a statement record and returns its 0-based index.</summary>
    public int AddStatement(StatementRecord statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        return AddStatement(statement.Statement, statement.StartTime, statement.StatementDigest);
    }

    /// <summary>Records a touched document with every statement that touched it.</summary>
    public void AddDocument(DocumentTouch document)
    {
        ArgumentNullException.ThrowIfNull(document);
        _ = Document(document.DocumentId, document.TableName, document.TableId);
        foreach (var statementIndex in document.Statements)
        {
            AddDocument(document.DocumentId, document.TableName, document.TableId, statementIndex);
        }
    }

    /// <summary>The transactionInfo struct.</summary>
    public IonStruct ToIon()
    {
        var documents = IonStruct.CreateBuilder();
        foreach (var id in _documentOrder)
        {
            var (tableName, tableId, statements) = _documents[id];
            documents.Add(id, IonStruct.Of(
                new IonField("tableName", IonString.Of(tableName)),
                new IonField("tableId", IonString.Of(tableId)),
                new IonField("statements", IonList.Of(statements.Select(i => (IonValue)IonInt.Of(i))))));
        }

        return IonStruct.Of(
            new IonField("statements", IonList.Of(_statements)),
            new IonField("documents", documents.ToStruct()));
    }

    private (string TableName, string TableId, List<int> Statements) Document(string documentId, string tableName, string tableId)
    {
        if (!_documents.TryGetValue(documentId, out var document))
        {
            document = (tableName, tableId, []);
            _documents.Add(documentId, document);
            _documentOrder.Add(documentId);
        }

        return document;
    }
}
