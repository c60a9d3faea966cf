using System.Collections.Concurrent;
using Ledger.Engine.Errors;
using Ledger.Engine.Ledgers;
using Ledger.Engine.Model;
using Ledger.Engine.Ports;
using Ledger.Engine.Sequencing;
using Ledger.Engine.Sessions;
using Ledger.Engine.Statements;
using Ledger.Engine.Transactions;
using Ledger.Ion;
using Ledger.Ion.Binary;
using Ledger.Journal;
using Ledger.Journal.Tree;

namespace Ledger.Engine;

/// <summary>
/// The engine the HTTP layer calls: the QLDB control plane for ledgers and the QLDB session protocol
/// (StartSession, StartTransaction, ExecuteStatement, FetchPage, CommitTransaction, AbortTransaction, EndSession),
/// with QLDB's lifetimes, limits and messages. Time comes from a <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class LedgerEngine : IAsyncDisposable
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(15);

    private readonly EnginePorts _ports;
    private readonly TimeProvider _clock;
    private readonly CommitPolicy _policy;
    private readonly StatementExecutor _executor;
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Sequencer>>> _sequencers = new(StringComparer.Ordinal);

    // Every transaction checks its ledger's record and reads the views' watermark: concurrent transactions share
    // those reads, each joining one that started after it asked (as fresh as a read of its own).
    private readonly FreshReads<LedgerRecord?> _ledgerReads;
    private readonly FreshReads<long> _watermarkReads;

    /// <summary>Creates an engine over <paramref name="ports"/>.</summary>
    public LedgerEngine(EnginePorts ports, TimeProvider? clock = null, EngineLimits? limits = null, CommitPolicy? policy = null)
    {
        _ports = ports ?? throw new ArgumentNullException(nameof(ports));
        _clock = clock ?? TimeProvider.System;
        Limits = limits ?? EngineLimits.Default;
        _policy = policy ?? CommitPolicy.Default;
        _executor = new StatementExecutor(Limits);
        _ledgerReads = new FreshReads<LedgerRecord?>(name => _ports.Ledgers.GetAsync(name).AsTask());
        _watermarkReads = new FreshReads<long>(name => _ports.Views.GetWatermarkAsync(name).AsTask());
    }

    /// <summary>The quotas in force.</summary>
    public EngineLimits Limits { get; }

    // ---------------- control plane ----------------

    /// <summary>CreateLedger: refuses invalid names, existing names and more than the active-ledger quota.</summary>
    public async Task<LedgerRecord> CreateLedgerAsync(string name, string permissionsMode = "ALLOW_ALL", bool deletionProtection = true, CancellationToken cancellationToken = default)
    {
        if (!LedgerNames.IsValid(name))
        {
            throw new InvalidParameterException("Name", $"Invalid ledger name: {name}");
        }

        if (permissionsMode is not ("ALLOW_ALL" or "STANDARD"))
        {
            throw new InvalidParameterException("PermissionsMode", $"Invalid permissions mode: {permissionsMode}");
        }

        var active = 0;
        for (string? token = null; ;)
        {
            var page = await _ports.Ledgers.ListAsync(100, token, cancellationToken);
            active += page.Ledgers.Count(l => l.State is LedgerState.Active or LedgerState.Creating);
            if ((token = page.NextToken) is null)
            {
                break;
            }
        }

        if (active >= Limits.MaxActiveLedgers)
        {
            throw new LimitExceededException($"Exceeded the limit of {Limits.MaxActiveLedgers} active ledgers");
        }

        var record = new LedgerRecord(name, LedgerState.Creating, _clock.GetUtcNow(), permissionsMode, deletionProtection, QldbId.New());
        if (!await _ports.Ledgers.TryCreateAsync(record, cancellationToken))
        {
            throw new ResourceAlreadyExistsException("LEDGER", name);
        }

        // Nothing is provisioned per ledger beyond its (empty) journal, so the ledger is usable at once.
        var created = await _ports.Ledgers.GetAsync(name, cancellationToken) ?? throw new ResourceNotFoundException("LEDGER", name);
        await _ports.Ledgers.TryUpdateAsync(created with { State = LedgerState.Active }, cancellationToken);
        return record;
    }

    /// <summary>DescribeLedger.</summary>
    public async Task<LedgerRecord> DescribeLedgerAsync(string name, CancellationToken cancellationToken = default) =>
        await _ports.Ledgers.GetAsync(name, cancellationToken) ?? throw new ResourceNotFoundException("LEDGER", name);

    /// <summary>ListLedgers, paged (1-100 per page).</summary>
    public Task<LedgerPage> ListLedgersAsync(int maxResults = 100, string? nextToken = null, CancellationToken cancellationToken = default)
    {
        if (maxResults is < 1 or > 100)
        {
            throw new InvalidParameterException("MaxResults", "MaxResults must be between 1 and 100");
        }

        return _ports.Ledgers.ListAsync(maxResults, nextToken, cancellationToken).AsTask();
    }

    /// <summary>UpdateLedger: turns deletion protection on or off.</summary>
    public async Task<LedgerRecord> UpdateLedgerAsync(string name, bool deletionProtection, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var ledger = await DescribeLedgerAsync(name, cancellationToken);
            var updated = ledger with { DeletionProtection = deletionProtection };
            if (await _ports.Ledgers.TryUpdateAsync(updated, cancellationToken))
            {
                return updated;
            }
        }
    }

    /// <summary>DeleteLedger: refused while deletion protection is on; drops journal, views and sequencer.</summary>
    public async Task DeleteLedgerAsync(string name, CancellationToken cancellationToken = default)
    {
        var ledger = await DescribeLedgerAsync(name, cancellationToken);
        if (ledger.DeletionProtection)
        {
            throw new ResourcePreconditionNotMetException("LEDGER", name, $"Preventing the deletion of ledger {name} because deletion protection is enabled");
        }

        var deleting = ledger with { State = LedgerState.Deleting };
        if (!await _ports.Ledgers.TryUpdateAsync(deleting, cancellationToken))
        {
            throw new ResourceInUseException("LEDGER", name);
        }

        await StopSequencerAsync(name);
        foreach (var session in _sessions.Values.Where(s => s.LedgerName == name).ToList())
        {
            _sessions.TryRemove(session.Token, out _);
            await _ports.Sessions.DeleteAsync(session.Token, cancellationToken);
        }

        await _ports.Views.ClearAsync(name, cancellationToken);
        await _ports.Journal.DeleteJournalAsync(name, cancellationToken);
        var current = await _ports.Ledgers.GetAsync(name, cancellationToken);
        if (current is not null)
        {
            await _ports.Ledgers.TryDeleteAsync(current, cancellationToken);
        }
    }

    /// <summary>GetDigest: the journal tree digest and the tip's block address.</summary>
    public async Task<(Hash32 Digest, string StrandId, long TipSequenceNo)> GetDigestAsync(string ledgerName, CancellationToken cancellationToken = default)
    {
        var ledger = await RequireActiveLedgerAsync(ledgerName, cancellationToken);
        var sequencer = await SequencerAsync(ledger);
        var size = sequencer.CommittedSize;
        if (size == 0)
        {
            throw new ResourcePreconditionNotMetException("LEDGER", ledgerName, $"Ledger {ledgerName} has no journal blocks yet");
        }

        var digest = await JournalProofBuilder.DigestAsync(_ports.Journal.Nodes(ledgerName), size, cancellationToken);
        return (digest, ledger.StrandId, size - 1);
    }

    // ---------------- session protocol ----------------

    /// <summary>StartSession: a new session token for an ACTIVE ledger.</summary>
    public async Task<string> StartSessionAsync(string ledgerName, CancellationToken cancellationToken = default)
    {
        await RequireActiveLedgerAsync(ledgerName, cancellationToken);
        var now = _clock.GetUtcNow();
        if (await _ports.Sessions.CountActiveAsync(ledgerName, now - Limits.SessionLifetime, cancellationToken) >= Limits.MaxSessionsPerLedger)
        {
            throw new LimitExceededException($"Exceeded the limit of {Limits.MaxSessionsPerLedger} active sessions on ledger {ledgerName}");
        }

        var token = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
        var session = new Session(token, QldbId.New(), ledgerName, now);
        await _ports.Sessions.CreateAsync(new SessionRecord(token, session.Id, ledgerName, now, null, null), cancellationToken);
        _sessions[token] = session;
        return token;
    }

    /// <summary>StartTransaction: one open transaction per session; its snapshot is the views' watermark.</summary>
    public Task<string> StartTransactionAsync(string sessionToken, CancellationToken cancellationToken = default) =>
        RunSessionCommandAsync(sessionToken, readFirst: false, async session =>
        {
            if (session.Transaction is { } open)
            {
                await CheckTransactionLifetimeAsync(session, open, cancellationToken);
                await VerifyRecordAsync(session, cancellationToken);
                throw new BadRequestException("Transaction already open");
            }

            // The snapshot is the shared watermark, not this instance's sequencer: other instances may have sequenced
            // since. A snapshot ahead of the local sequencer is validated once it has caught up
            // (Sequencer.CatchUpAsync). The ledger check, the watermark read and the session write go out together,
            // one round trip instead of two: the record names the transaction without its snapshot (TransactionState),
            // which the first statement's write adds. Reads that start now are not older than this command.
            var ledgerCheck = RequireActiveLedgerAsync(session.LedgerName, cancellationToken);
            var watermark = _watermarkReads.ReadAsync(session.LedgerName, cancellationToken);
            var transactionId = QldbId.New();
            var startedAt = _clock.GetUtcNow();
            session.ClearTransaction();
            var save = WriteRecordAsync(session, transactionId, startedAt, new TransactionState(null, []).Encode(), cancellationToken);
            LedgerRecord ledger;
            try
            {
                ledger = await ledgerCheck;
            }
            catch (Exception refusal) when (refusal is not OperationCanceledException)
            {
                await UndoStartAsync(session, save, watermark);
                throw;
            }

            await save;
            var sequencer = await SequencerAsync(ledger);
            var snapshot = Math.Max(sequencer.CommittedSize, await watermark);
            session.Transaction = new LedgerTransaction(ledger.Name, transactionId, snapshot, startedAt, _ports.Views, Limits);
            return transactionId;
        }, cancellationToken);

    // A start the ledger check refused (not active, or its read failed) must leave no transaction in the record, or
    // another instance would pick one up that the client never got. When the record moved meanwhile, or taking it
    // back fails, the refusal still reaches the client; the next command reads the record again.
    private async Task UndoStartAsync(Session session, Task save, Task<long> watermark)
    {
        try
        {
            await watermark;
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            // Only the ledger check's refusal matters here.
        }

        try
        {
            await save;
            await WriteRecordAsync(session, null, null, null, CancellationToken.None);
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            session.Record = null;
        }
    }

    /// <summary>
    /// ExecuteStatement: folds the statement into the CommitDigest (every accepted statement, even one that then
    /// fails), runs it, and returns the first page. A statement error does not abort the transaction.
    /// </summary>
    public Task<ResultPage> ExecuteStatementAsync(string sessionToken, string transactionId, string statement, IReadOnlyList<IonValue>? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statement);
        IReadOnlyList<IonValue> arguments = parameters ?? [];
        return RunSessionCommandAsync(sessionToken, readFirst: false, async session =>
        {
            var transaction = await OpenTransactionAsync(session, transactionId, cancellationToken);
            if (statement.Length is 0 || statement.Length > Limits.MaxStatementLength)
            {
                throw new BadRequestException($"Statement length must be between 1 and {Limits.MaxStatementLength} characters", StatementErrorKind.Limit);
            }

            foreach (var parameter in arguments)
            {
                if (IonBinary.Write(parameter).Length > Limits.MaxParameterBytes)
                {
                    throw new BadRequestException($"A statement parameter exceeds {Limits.MaxParameterBytes} bytes", StatementErrorKind.Limit);
                }
            }

            var startTime = QldbTime.ToTimestamp(_clock.GetUtcNow());
            var index = transaction.AddStatement(statement, arguments, startTime);
            session.Statements.Add(new StatementInput(statement, [.. arguments], startTime));
            try
            {
                var result = await _executor.ExecuteAsync(transaction, ParsedStatements.Parse(statement), arguments, index, cancellationToken);
                return FirstPage(session, transaction, result.Values, index) with { ConsumedIOs = result.ConsumedIOs };
            }
            finally
            {
                // Failed or not, the statement is part of the transaction (and its digest): any instance that picks
                // the transaction up re-executes it. If the record moved meanwhile, this write fails and the whole
                // command (result or error) is redone on the transaction rebuilt from the record.
                await SaveSessionAsync(session, CancellationToken.None);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// What a permission check needs before ExecuteStatement: the session's ledger and the ids of the named tables that
    /// are ACTIVE as the open transaction sees them (its snapshot plus its own DDL); names of no active table are left
    /// out. Adds nothing to the transaction's read set and folds nothing into its digest.
    /// </summary>
    public Task<StatementScope> DescribeStatementScopeAsync(string sessionToken, string transactionId, IReadOnlyCollection<string> tableNames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tableNames);
        return RunSessionCommandAsync(sessionToken, readFirst: true, async session =>
        {
            var transaction = await OpenTransactionAsync(session, transactionId, cancellationToken);
            var ledger = await RequireActiveLedgerAsync(session.LedgerName, cancellationToken);
            var tableIds = new Dictionary<string, string>(StringComparer.Ordinal);
            if (tableNames.Count > 0)
            {
                foreach (var table in await transaction.GetCatalogAsync(cancellationToken))
                {
                    if (table.Status == TableStatus.Active && tableNames.Contains(table.Name))
                    {
                        tableIds[table.Name] = table.TableId;
                    }
                }
            }

            return new StatementScope(ledger, tableIds);
        }, cancellationToken);
    }

    /// <summary>FetchPage: the page a previous page's token names.</summary>
    public Task<ResultPage> FetchPageAsync(string sessionToken, string transactionId, string pageToken, CancellationToken cancellationToken = default) =>
        RunSessionCommandAsync(sessionToken, readFirst: true, async session =>
        {
            var transaction = await OpenTransactionAsync(session, transactionId, cancellationToken);
            if (!session.Pages.Remove(pageToken, out var pending) && (pending = RebuiltPage(session, transaction, pageToken)) is null)
            {
                throw new BadRequestException("The parameter NextPageToken is not valid");
            }

            return NextPage(session, transaction, pending);
        }, cancellationToken);

    /// <summary>
    /// CommitTransaction: checks the client's CommitDigest ("Digests don't match"), then sequences the
    /// transaction. On OCC conflict the transaction is closed and nothing is stored. Returns the digest to echo.
    /// </summary>
    public Task<CommitOutcome> CommitTransactionAsync(string sessionToken, string transactionId, Hash32 commitDigest, CancellationToken cancellationToken = default) =>
        RunSessionCommandAsync(sessionToken, readFirst: false, async session =>
        {
            var transaction = await OpenTransactionAsync(session, transactionId, cancellationToken);
            if (transaction.Digest != commitDigest)
            {
                await VerifyRecordAsync(session, cancellationToken);
                throw new BadRequestException("Digests don't match");
            }

            var statements = session.Statements.ToArray();

            // Committed, conflicted or failed, the transaction is over: it is closed before it is sequenced, with a
            // write conditional on the record this command started from. So only one instance can take a transaction
            // to the sequencer (here, or forwarded to the lease holder), and a commit retried on an instance that
            // still holds a transaction another instance committed fails the write, re-reads, and finds no open
            // transaction. The ledger check goes out beside the close (one round trip, not two): a ledger found
            // inactive fails the commit, and its transaction, closed, is over as it would be anyway.
            var ledgerCheck = RequireActiveLedgerAsync(session.LedgerName, cancellationToken);
            LedgerRecord ledger;
            try
            {
                await CloseTransactionAsync(session, cancellationToken);
            }
            finally
            {
                ledger = await ledgerCheck;
            }

            try
            {
                var sequenceNo = await SubmitCommitAsync(ledger, transaction, statements, cancellationToken);
                return new CommitOutcome(transaction.Id, transaction.Digest, sequenceNo is null ? null : ledger.StrandId, sequenceNo)
                {
                    ConsumedIOs = new ConsumedIOs(0, transaction.WrittenEntryCount),
                };
            }
            catch (CommitFailureException failure)
            {
                // A fatal failure (storage error, broken chain) stops this instance's sequencer; the next commit
                // recovers it from the journal. Drivers retry CapacityExceeded.
                if (failure.IsFatal)
                {
                    await StopSequencerAsync(ledger.Name);
                }

                throw new CapacityExceededException("Capacity exceeded");
            }
        }, cancellationToken);

    /// <summary>AbortTransaction: discards the open transaction, if any.</summary>
    public Task AbortTransactionAsync(string sessionToken, CancellationToken cancellationToken = default) =>
        RunSessionCommandAsync(sessionToken, readFirst: false, async session =>
        {
            await CloseTransactionAsync(session, cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>EndSession: forgets the session and any open transaction.</summary>
    public async Task EndSessionAsync(string sessionToken, CancellationToken cancellationToken = default)
    {
        var local = _sessions.TryRemove(sessionToken, out _);
        if (local || await _ports.Sessions.GetAsync(sessionToken, cancellationToken) is not null)
        {
            await _ports.Sessions.DeleteAsync(sessionToken, cancellationToken);
            return;
        }

        throw InvalidSessionException.NoSuchSession();
    }

    /// <summary>The open transaction of a session (tests drive the document source through it).</summary>
    internal LedgerTransaction? GetOpenTransaction(string sessionToken) =>
        _sessions.TryGetValue(sessionToken, out var session) ? session.Transaction : null;

    /// <summary>The ledger's sequencer (recovered on first use).</summary>
    internal async Task<Sequencer> GetSequencerAsync(string ledgerName, CancellationToken cancellationToken = default) =>
        await SequencerAsync(await RequireActiveLedgerAsync(ledgerName, cancellationToken));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var name in _sequencers.Keys.Union(_leadership.Keys).ToList())
        {
            await StopSequencerAsync(name);
        }
    }

    // Leading stops first: its forwarded commits still in flight finish on the sequencer before it is disposed.
    private async Task StopSequencerAsync(string ledgerName)
    {
        await StopLeadingAsync(ledgerName);
        await DropSequencerAsync(ledgerName);
    }

    private async Task DropSequencerAsync(string ledgerName)
    {
        if (_sequencers.TryRemove(ledgerName, out var sequencer) && sequencer.IsValueCreated)
        {
            await (await sequencer.Value).DisposeAsync();
        }
    }

    private async Task<LedgerRecord> RequireActiveLedgerAsync(string ledgerName, CancellationToken cancellationToken)
    {
        var ledger = await _ledgerReads.ReadAsync(ledgerName, cancellationToken);
        return ledger is { State: LedgerState.Active }
            ? ledger
            : throw new BadRequestException($"Ledger {ledgerName} does not exist or is not active");
    }

    private Task<Sequencer> SequencerAsync(LedgerRecord ledger)
    {
        var lazy = _sequencers.GetOrAdd(ledger.Name, name => new Lazy<Task<Sequencer>>(() => StartSequencerAsync(name, ledger.StrandId)));
        return lazy.Value;
    }

    // Every instance keeps a sequencer (for its committed size, and to sequence once it holds the lease); one that
    // did not hold the lease lately catches up on its first append (docs/engine.md, "Several instances").
    private Task<Sequencer> StartSequencerAsync(string ledgerName, string strandId) =>
        Sequencer.RecoverAsync(ledgerName, strandId, _ports.Journal, _ports.Views, _clock, _policy);

    // Runs one session command under the session's gate. Commands that write the record (readFirst false) start
    // from the record this instance last saw and write it with If-Match; when another instance moved the record
    // meanwhile (StaleSessionException), the command is redone from a fresh read with the transaction rebuilt from it.
    private async Task<T> RunSessionCommandAsync<T>(string sessionToken, bool readFirst, Func<Session, Task<T>> command, CancellationToken cancellationToken)
    {
        for (var read = readFirst; ; read = true)
        {
            var session = await EnterSessionAsync(sessionToken, read, cancellationToken);
            try
            {
                return await command(session);
            }
            catch (StaleSessionException)
            {
                // What this instance held is out of date: forget it, so the next round rebuilds from the record.
                session.ClearTransaction();
                session.Record = null;
            }
            finally
            {
                session.Gate.Release();
            }
        }
    }

    private async Task<Session> EnterSessionAsync(string sessionToken, bool readRecord, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(sessionToken) || sessionToken.Length is < 4 or > 1024)
        {
            throw new BadRequestException("The parameter SessionToken is not valid");
        }

        if (!_sessions.TryGetValue(sessionToken, out var session))
        {
            // Another instance may have created it.
            var shell = await _ports.Sessions.GetAsync(sessionToken, cancellationToken) ?? throw InvalidSessionException.NoSuchSession();
            session = _sessions.GetOrAdd(sessionToken, _ => new Session(shell.SessionToken, shell.SessionId, shell.LedgerName, shell.CreatedAt));
        }

        await session.Gate.WaitAsync(cancellationToken);
        if (_clock.GetUtcNow() - session.CreatedAt > Limits.SessionLifetime)
        {
            session.Gate.Release();
            await DiscardSessionAsync(session, cancellationToken);
            throw InvalidSessionException.SessionExpired(session.Id);
        }

        try
        {
            if (readRecord || session.Record is null)
            {
                await ReadRecordAsync(session, cancellationToken);
            }
            else
            {
                session.RecordVerified = false;
            }
        }
        catch
        {
            session.Gate.Release();
            throw;
        }

        return session;
    }

    // Read under the gate: the record then includes every command this instance finished for the session.
    private async Task ReadRecordAsync(Session session, CancellationToken cancellationToken)
    {
        var record = await _ports.Sessions.GetAsync(session.Token, cancellationToken);
        if (record is null)
        {
            _sessions.TryRemove(session.Token, out _);
            throw InvalidSessionException.NoSuchSession();
        }

        await SynchronizeTransactionAsync(session, record, cancellationToken);
        session.Record = record;
        session.RecordVerified = true;
    }

    // Before a command fails because of what this instance holds of the session (no such transaction, one already
    // open, a digest of other statements), or discards it: confirm the record did not move elsewhere, else redo.
    private async Task VerifyRecordAsync(Session session, CancellationToken cancellationToken)
    {
        if (session.RecordVerified)
        {
            return;
        }

        var current = await _ports.Sessions.GetAsync(session.Token, cancellationToken);
        if (current is null || current.ETag != session.Record?.ETag)
        {
            throw new StaleSessionException();
        }

        session.RecordVerified = true;
    }

    private async Task<LedgerTransaction> OpenTransactionAsync(Session session, string transactionId, CancellationToken cancellationToken)
    {
        if (session.Transaction is not { } transaction || transaction.Id != transactionId)
        {
            await VerifyRecordAsync(session, cancellationToken);
            throw new BadRequestException("No open transaction");
        }

        await CheckTransactionLifetimeAsync(session, transaction, cancellationToken);
        return transaction;
    }

    // Past its lifetime a transaction fails every command with the text drivers match, and QLDB discards the
    // session along with it.
    private async Task CheckTransactionLifetimeAsync(Session session, LedgerTransaction transaction, CancellationToken cancellationToken)
    {
        if (_clock.GetUtcNow() - transaction.StartedAt > Limits.TransactionLifetime)
        {
            await VerifyRecordAsync(session, cancellationToken);
            session.ClearTransaction();
            await DiscardSessionAsync(session, cancellationToken);
            throw InvalidSessionException.TransactionExpired(transaction.Id);
        }
    }

    private async Task DiscardSessionAsync(Session session, CancellationToken cancellationToken)
    {
        _sessions.TryRemove(session.Token, out _);
        await _ports.Sessions.DeleteAsync(session.Token, cancellationToken);
    }

    private async Task CloseTransactionAsync(Session session, CancellationToken cancellationToken)
    {
        session.ClearTransaction();
        await SaveSessionAsync(session, cancellationToken);
    }

    // Writes the session's transaction into the record the command started from, conditional on its ETag; nothing
    // is written when nothing changed. A record moved by another instance throws StaleSessionException (redo).
    private Task SaveSessionAsync(Session session, CancellationToken cancellationToken) =>
        WriteRecordAsync(
            session,
            session.Transaction?.Id,
            session.Transaction?.StartedAt,
            session.Transaction is { } transaction ? new TransactionState(transaction.Snapshot, session.Statements).Encode() : null,
            cancellationToken);

    private async Task WriteRecordAsync(Session session, string? transactionId, DateTimeOffset? startedAt, byte[]? state, CancellationToken cancellationToken)
    {
        var record = session.Record ?? throw new StaleSessionException();
        var updated = record with
        {
            TransactionId = transactionId,
            TransactionStartedAt = startedAt,
            TransactionState = state,
        };
        if (updated.TransactionId == record.TransactionId && updated.TransactionStartedAt == record.TransactionStartedAt
            && (updated.TransactionState ?? []).AsSpan().SequenceEqual(record.TransactionState ?? []))
        {
            await VerifyRecordAsync(session, cancellationToken);
            return;
        }

        var etag = await _ports.Sessions.ReplaceIfMatchAsync(updated, cancellationToken) ?? throw new StaleSessionException();
        session.Record = updated with { ETag = etag };
        session.RecordVerified = true;
    }

    private ResultPage FirstPage(Session session, LedgerTransaction transaction, IReadOnlyList<IonValue> values, int statementIndex) =>
        NextPage(session, transaction, new PendingPage(new Queue<IonValue>(values), statementIndex, 0));

    // Page tokens name the statement and how many of its values were returned, so an instance that rebuilt the
    // transaction can serve a token another instance handed out.
    private ResultPage NextPage(Session session, LedgerTransaction transaction, PendingPage pending)
    {
        var page = new List<IonValue>(Math.Min(pending.Remaining.Count, Limits.PageSize));
        while (page.Count < Limits.PageSize && pending.Remaining.TryDequeue(out var value))
        {
            page.Add(value);
        }

        if (pending.Remaining.Count == 0)
        {
            return new ResultPage(page, null);
        }

        var consumed = pending.Consumed + page.Count;
        var token = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{transaction.Id}:{pending.StatementIndex}:{consumed}"));
        session.Pages[token] = pending with { Consumed = consumed };
        return new ResultPage(page, token);
    }

    private static PendingPage? RebuiltPage(Session session, LedgerTransaction transaction, string pageToken)
    {
        string[] parts;
        try
        {
            parts = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(pageToken)).Split(':');
        }
        catch (FormatException)
        {
            return null;
        }

        if (parts.Length != 3 || parts[0] != transaction.Id
            || !int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var statementIndex)
            || !int.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out var consumed)
            || !session.RebuiltResults.TryGetValue(statementIndex, out var values)
            || consumed <= 0 || consumed >= values.Count)
        {
            return null;
        }

        return new PendingPage(new Queue<IonValue>(values.Skip(consumed)), statementIndex, consumed);
    }

    // The shared session record is the truth: when it names a transaction (or a statement of it) this instance does
    // not hold, the transaction is rebuilt by re-executing its statements at its snapshot; when it names none, a
    // transaction held here was committed or aborted through another instance.
    private async Task SynchronizeTransactionAsync(Session session, SessionRecord record, CancellationToken cancellationToken)
    {
        if (record.TransactionId is null || record.TransactionState is null || record.TransactionStartedAt is null)
        {
            if (session.Transaction is not null)
            {
                session.ClearTransaction();
            }

            return;
        }

        var state = TransactionState.Decode(record.TransactionState);
        if (session.Transaction?.Id == record.TransactionId && session.Statements.Count == state.Statements.Count)
        {
            return;
        }

        session.ClearTransaction();
        var transaction = await RebuildTransactionAsync(session.LedgerName, record.TransactionId, record.TransactionStartedAt.Value, state, (index, statement, values) =>
        {
            session.Statements.Add(statement);
            if (values is not null)
            {
                session.RebuiltResults[index] = values;
            }
        }, cancellationToken);
        session.Transaction = transaction;
    }

    // Rebuilds a stored transaction (a session's, or one forwarded to the lease holder) by re-executing its statements
    // at its snapshot: ids and statement times are derived, not drawn, so the writes and the digest are the ones the
    // client saw. Each statement's values go to `executed`, null when it failed, as it did the first time (same
    // snapshot, same inputs: the client already has that error, and the statement stays in the digest). A state
    // stored by StartTransaction before its snapshot was read has read nothing yet, so the watermark now (at least
    // the one at its start) is as good a snapshot as any, and the first statement's write records it.
    private async Task<LedgerTransaction> RebuildTransactionAsync(
        string ledgerName, string transactionId, DateTimeOffset startedAt, TransactionState state,
        Action<int, StatementInput, IReadOnlyList<IonValue>?>? executed, CancellationToken cancellationToken)
    {
        var snapshot = state.Snapshot ?? await _watermarkReads.ReadAsync(ledgerName, cancellationToken);
        var transaction = new LedgerTransaction(ledgerName, transactionId, snapshot, startedAt, _ports.Views, Limits);
        foreach (var statement in state.Statements)
        {
            var index = transaction.AddStatement(statement.Text, statement.Parameters, statement.StartTime);
            IReadOnlyList<IonValue>? values = null;
            try
            {
                values = (await _executor.ExecuteAsync(transaction, ParsedStatements.Parse(statement.Text), statement.Parameters, index, cancellationToken)).Values;
            }
            catch (LedgerException)
            {
                // Failed the first time too; see above.
            }

            executed?.Invoke(index, statement, values);
        }

        return transaction;
    }
}
