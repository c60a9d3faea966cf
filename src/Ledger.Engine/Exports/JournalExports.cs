using System.Text;
using System.Text.RegularExpressions;
using Ledger.Engine.Errors;
using Ledger.Engine.Ledgers;
using Ledger.Engine.Model;
using Ledger.Engine.Ports;

namespace Ledger.Engine.Exports;

/// <summary>What ExportJournalToS3 asks for.</summary>
/// <param name="LedgerName">The ledger to export.</param>
/// <param name="InclusiveStartTime">Blocks committed at or after it (clamped to the ledger's creation).</param>
/// <param name="ExclusiveEndTime">Blocks committed before it; must not be in the future.</param>
/// <param name="Bucket">S3ExportConfiguration.Bucket: the Blob container that receives the objects.</param>
/// <param name="Prefix">S3ExportConfiguration.Prefix, prepended verbatim to every key.</param>
/// <param name="EncryptionType">SSE_KMS, SSE_S3 or NO_ENCRYPTION.</param>
/// <param name="KmsKeyArn">Required with SSE_KMS.</param>
/// <param name="RoleArn">Kept for Describe.</param>
/// <param name="OutputFormat">ION_TEXT when null.</param>
public sealed record ExportRequest(
    string LedgerName,
    DateTimeOffset InclusiveStartTime,
    DateTimeOffset ExclusiveEndTime,
    string Bucket,
    string Prefix,
    string EncryptionType = "NO_ENCRYPTION",
    string? KmsKeyArn = null,
    string? RoleArn = null,
    JournalExportFormat? OutputFormat = null);

/// <summary>A page of exports; <see cref="NextToken"/> is null on the last page.</summary>
public sealed record JournalExportPage(IReadOnlyList<JournalExportRecord> Exports, string? NextToken);

/// <summary>Where a long export stands, reported after every data object.</summary>
/// <param name="ExportId">The export.</param>
/// <param name="NextSequenceNo">The first block not yet written.</param>
/// <param name="JournalSize">The journal's size when the pass started (an upper bound of what is left).</param>
/// <param name="ObjectsWritten">Data objects written so far.</param>
/// <param name="BytesWritten">Data bytes written so far.</param>
public sealed record ExportProgress(string ExportId, long NextSequenceNo, long JournalSize, int ObjectsWritten, long BytesWritten);

/// <summary>What one worker pass did to one export.</summary>
public sealed record ExportPassResult(string ExportId, JournalExportStatus Status, long? NextSequenceNo, int ObjectsWritten, long BytesWritten);

/// <summary>
/// QLDB's journal export: ExportJournalToS3, DescribeJournalS3Export, ListJournalS3Exports(ForLedger), and the worker
/// that copies the blocks of each export's time range into data objects. The checkpoint (next block, keys so far)
/// moves only after an object is written and only by an ETag-conditional update; objects are cut at deterministic
/// places (block count, size, UTC hour) and their keys name their blocks, so a worker that restarts after a crash
/// rewrites the same object under the same key and the completed manifest never misses or repeats a block.
/// </summary>
public sealed partial class JournalExports
{
    /// <summary>QLDB's quota of exports in progress per ledger.</summary>
    public const int MaxActiveExportsPerLedger = 2;

    /// <summary>The most blocks one data object holds.</summary>
    public const int MaxBlocksPerObject = 1000;

    /// <summary>A data object is closed once it reaches this size.</summary>
    public const int MaxBytesPerObject = 8 * 1024 * 1024;

    /// <summary>QLDB's longest prefix.</summary>
    public const int MaxPrefixLength = 128;

    /// <summary>Completed and cancelled exports disappear from Describe and List after this long.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromDays(7);

    /// <summary>
    /// A block's timestamp is taken when it is sequenced, slightly before it is durable: an export starts writing
    /// only once its end lies this far in the past (or a later block is durable), so every block of the range exists
    /// and objects are cut the same way on every pass.
    /// </summary>
    public static readonly TimeSpan CompletionGrace = TimeSpan.FromSeconds(10);

    private const int ReadPageSize = 500;

    private readonly IJournalExportStore _exports;
    private readonly EnginePorts _ports;
    private readonly TimeProvider _clock;
    private readonly JobAdmission<JournalExportRecord> _admission;

    /// <summary>Creates the service over the export store and the engine's journal and ledgers.</summary>
    public JournalExports(IJournalExportStore exports, EnginePorts ports, TimeProvider? clock = null)
    {
        _exports = exports ?? throw new ArgumentNullException(nameof(exports));
        _ports = ports ?? throw new ArgumentNullException(nameof(ports));
        _clock = clock ?? TimeProvider.System;
        _admission = new JobAdmission<JournalExportRecord>(
            ports, MaxActiveExportsPerLedger, exports.ListAsync, e => e.IsInProgress, WithdrawAsync,
            ledger => $"Exceeded the limit of {MaxActiveExportsPerLedger} concurrent journal exports on ledger {ledger}");
    }

    /// <summary>ExportJournalToS3: validates, persists an IN_PROGRESS export and returns it.</summary>
    public Task<JournalExportRecord> ExportAsync(ExportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _admission.AdmitAsync(request.LedgerName, _ => Validate(request, _clock.GetUtcNow()), (ledger, ct) => CreateAsync(ledger, request, ct), cancellationToken);
    }

    private async Task<JournalExportRecord> CreateAsync(LedgerRecord ledger, ExportRequest request, CancellationToken cancellationToken)
    {
        var start = request.InclusiveStartTime < ledger.CreationDateTime ? ledger.CreationDateTime : request.InclusiveStartTime;
        while (true)
        {
            var export = new JournalExportRecord(
                ledger.Name, QldbId.New(), _clock.GetUtcNow(), start, request.ExclusiveEndTime, request.Bucket, request.Prefix,
                request.EncryptionType, request.KmsKeyArn, request.RoleArn, request.OutputFormat, JournalExportStatus.InProgress,
                ledger.StrandId, StartedManifestWritten: false, NextSequenceNo: null, Keys: [], BytesWritten: 0);
            if (await _exports.TryCreateAsync(export, cancellationToken))
            {
                return await _exports.GetAsync(ledger.Name, export.ExportId, cancellationToken) ?? export;
            }
        }
    }

    // An export refused after its insert (over the limit across instances) ends as CANCELLED before any worker
    // takes it up; one a worker already moved is re-read and cancelled, unless it already ended.
    private async Task WithdrawAsync(JournalExportRecord export, CancellationToken cancellationToken)
    {
        for (var current = export; current is { IsInProgress: true };)
        {
            if (await _exports.TryUpdateAsync(current with { Status = JournalExportStatus.Cancelled }, cancellationToken))
            {
                return;
            }

            current = await _exports.GetAsync(export.LedgerName, export.ExportId, cancellationToken);
        }
    }

    /// <summary>DescribeJournalS3Export.</summary>
    public async Task<JournalExportRecord> DescribeAsync(string ledgerName, string exportId, CancellationToken cancellationToken = default)
    {
        _ = await _ports.Ledgers.GetAsync(ledgerName, cancellationToken) ?? throw new ResourceNotFoundException("LEDGER", ledgerName);
        var export = await _exports.GetAsync(ledgerName, exportId, cancellationToken);
        return export is not null && IsVisible(export) ? export : throw new ResourceNotFoundException("EXPORT", exportId);
    }

    /// <summary>ListJournalS3ExportsForLedger, in creation order, paged (1-100 per page).</summary>
    public async Task<JournalExportPage> ListForLedgerAsync(string ledgerName, int maxResults = 100, string? nextToken = null, CancellationToken cancellationToken = default)
    {
        CheckPageSize(maxResults);
        _ = await _ports.Ledgers.GetAsync(ledgerName, cancellationToken) ?? throw new ResourceNotFoundException("LEDGER", ledgerName);
        var all = (await _exports.ListAsync(ledgerName, cancellationToken)).Where(IsVisible).ToList();
        return Page(all, maxResults, nextToken);
    }

    /// <summary>ListJournalS3Exports: the exports of every ledger (ledgers in name order, exports in creation order).</summary>
    public async Task<JournalExportPage> ListAllAsync(int maxResults = 100, string? nextToken = null, CancellationToken cancellationToken = default)
    {
        CheckPageSize(maxResults);
        var all = new List<JournalExportRecord>();
        await foreach (var ledger in LedgersAsync(cancellationToken))
        {
            all.AddRange((await _exports.ListAsync(ledger.Name, cancellationToken)).Where(IsVisible));
        }

        return Page(all, maxResults, nextToken);
    }

    /// <summary>One worker pass over every export in progress of every ledger (the timer function's work).</summary>
    public async Task<IReadOnlyList<ExportPassResult>> RunAllAsync(IExportTarget target, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var results = new List<ExportPassResult>();
        await foreach (var ledger in LedgersAsync(cancellationToken))
        {
            foreach (var export in await _exports.ListAsync(ledger.Name, cancellationToken))
            {
                if (export.IsInProgress)
                {
                    results.Add(await RunAsync(export, target, progress, cancellationToken));
                }
            }
        }

        return results;
    }

    /// <summary>
    /// Carries one export forward from its checkpoint: the started manifest, then data objects up to the end of the
    /// time range, then the completed manifest. Stops early, keeping the checkpoint, when the destination fails (a
    /// permanent failure cancels the export) or when another worker moved the checkpoint.
    /// </summary>
    public async Task<ExportPassResult> RunAsync(JournalExportRecord export, IExportTarget target, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(export);
        ArgumentNullException.ThrowIfNull(target);
        var objects = 0;
        long bytes = 0;
        ExportPassResult Result(JournalExportRecord e) => new(e.ExportId, e.Status, e.NextSequenceNo, objects, bytes);
        if (!export.IsInProgress)
        {
            return Result(export);
        }

        try
        {
            if (!export.StartedManifestWritten)
            {
                var started = ExportObjects.EncodeManifest(ExportObjects.StartedManifest(export), export.Format);
                await target.PutObjectAsync(export.Bucket, ExportObjects.StartedManifestKey(export.Prefix, export.ExportId), started, ExportObjects.ContentType(export.Format), cancellationToken);
                if (await SaveAsync(export with { StartedManifestWritten = true }, cancellationToken) is not { } saved)
                {
                    return Result(export);
                }

                export = saved;
            }

            var tip = await _ports.Journal.GetTipAsync(export.LedgerName, cancellationToken);
            if (!await IsRangeSealedAsync(export, tip, cancellationToken))
            {
                return Result(export);
            }

            if (export.NextSequenceNo is null)
            {
                var first = await FirstBlockAtOrAfterAsync(export.LedgerName, tip.Size, export.InclusiveStartTime, cancellationToken);
                if (await SaveAsync(export with { NextSequenceNo = first }, cancellationToken) is not { } located)
                {
                    return Result(export);
                }

                export = located;
            }

            using var buffer = new ExportObjectBuffer(export.Format);

            // Writes the buffered object and moves the checkpoint; false when another worker moved it first.
            async Task<bool> FlushAsync()
            {
                var length = buffer.Length;
                if (await WriteObjectAsync(export, buffer, target, cancellationToken) is not { } flushed)
                {
                    return false;
                }

                export = flushed;
                bytes += length;
                progress?.Report(new ExportProgress(export.ExportId, export.NextSequenceNo ?? 0, tip.Size, ++objects, bytes));
                return true;
            }

            var next = export.NextSequenceNo!.Value;
            var reachedEnd = false;
            while (!reachedEnd && next < tip.Size)
            {
                var page = await _ports.Journal.ReadBlocksAsync(export.LedgerName, next, tip.Size, ReadPageSize, cancellationToken);
                if (page.Blocks.Count == 0)
                {
                    break;
                }

                foreach (var block in page.Blocks)
                {
                    if (block.BlockTimestamp.ToDateTimeOffset() >= export.ExclusiveEndTime)
                    {
                        reachedEnd = true;
                        break;
                    }

                    // An object holds the blocks of one UTC hour (its key's date path).
                    if (buffer.BlockCount > 0 && ExportObjects.HourOf(block.BlockTimestamp) != ExportObjects.HourOf(buffer.FirstTimestamp) && !await FlushAsync())
                    {
                        return Result(export);
                    }

                    buffer.Append(block);
                    if ((buffer.BlockCount >= MaxBlocksPerObject || buffer.Length >= MaxBytesPerObject) && !await FlushAsync())
                    {
                        return Result(export);
                    }
                }

                next = page.Blocks[^1].SequenceNo + 1;
            }

            if (buffer.BlockCount > 0 && !await FlushAsync())
            {
                return Result(export);
            }

            var manifest = ExportObjects.EncodeManifest(ExportObjects.CompletedManifest(export.Keys), export.Format);
            await target.PutObjectAsync(export.Bucket, ExportObjects.CompletedManifestKey(export.Prefix, export.ExportId, export.StrandId), manifest, ExportObjects.ContentType(export.Format), cancellationToken);
            return Result(await SaveAsync(export with { Status = JournalExportStatus.Completed }, cancellationToken) ?? export);
        }
        catch (ExportTargetException failure) when (failure.IsPermanent)
        {
            return Result(await SaveAsync(export with { Status = JournalExportStatus.Cancelled }, cancellationToken) ?? export);
        }
        catch (ExportTargetException)
        {
            // Transient: the checkpoint stays, the next pass rewrites the same object.
            return Result(export);
        }
    }

    /// <summary>The key of the export's completed manifest.</summary>
    public static string CompletedManifestKey(JournalExportRecord export)
    {
        ArgumentNullException.ThrowIfNull(export);
        return ExportObjects.CompletedManifestKey(export.Prefix, export.ExportId, export.StrandId);
    }

    // Writes the buffered object, then moves the checkpoint past its blocks. Null when another worker moved it first.
    private async Task<JournalExportRecord?> WriteObjectAsync(JournalExportRecord export, ExportObjectBuffer buffer, IExportTarget target, CancellationToken cancellationToken)
    {
        var key = ExportObjects.DataKey(export.Prefix, export.StrandId, buffer.FirstTimestamp, buffer.FirstSequenceNo, buffer.LastSequenceNo, export.Format);
        await target.PutObjectAsync(export.Bucket, key, buffer.Written, ExportObjects.ContentType(export.Format), cancellationToken);
        var moved = export with
        {
            NextSequenceNo = buffer.LastSequenceNo + 1,
            Keys = [.. export.Keys, key],
            BytesWritten = export.BytesWritten + buffer.Length,
        };
        buffer.Reset();
        return await SaveAsync(moved, cancellationToken);
    }

    // All blocks of the range exist once a block at or past the end is durable, or the end is past the grace period.
    private async Task<bool> IsRangeSealedAsync(JournalExportRecord export, JournalTip tip, CancellationToken cancellationToken)
    {
        if (_clock.GetUtcNow() >= export.ExclusiveEndTime + CompletionGrace)
        {
            return true;
        }

        if (tip.Size == 0)
        {
            return false;
        }

        var last = await _ports.Journal.ReadBlocksAsync(export.LedgerName, tip.Size - 1, tip.Size, 1, cancellationToken);
        return last.Blocks.Count == 1 && last.Blocks[0].BlockTimestamp.ToDateTimeOffset() >= export.ExclusiveEndTime;
    }

    // Block timestamps never go backwards along the journal, so the first block of the range is found by bisection.
    private async Task<long> FirstBlockAtOrAfterAsync(string ledgerName, long size, DateTimeOffset start, CancellationToken cancellationToken)
    {
        long low = 0;
        var high = size;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            var page = await _ports.Journal.ReadBlocksAsync(ledgerName, middle, middle + 1, 1, cancellationToken);
            if (page.Blocks.Count == 1 && page.Blocks[0].BlockTimestamp.ToDateTimeOffset() < start)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private bool IsVisible(JournalExportRecord export) =>
        export.IsInProgress || _clock.GetUtcNow() - export.ExportCreationTime < Expiry;

    private async IAsyncEnumerable<LedgerRecord> LedgersAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (string? token = null; ;)
        {
            var page = await _ports.Ledgers.ListAsync(100, token, cancellationToken);
            foreach (var ledger in page.Ledgers.Where(l => l.State is LedgerState.Active))
            {
                yield return ledger;
            }

            if ((token = page.NextToken) is null)
            {
                yield break;
            }
        }
    }

    // A conditional write that lost means another worker changed the export: this pass stops and leaves it to them.
    private async Task<JournalExportRecord?> SaveAsync(JournalExportRecord export, CancellationToken cancellationToken) =>
        await _exports.TryUpdateAsync(export, cancellationToken)
            ? await _exports.GetAsync(export.LedgerName, export.ExportId, cancellationToken)
            : null;

    private static void Validate(ExportRequest request, DateTimeOffset now)
    {
        if (!ContainerName().IsMatch(request.Bucket ?? string.Empty))
        {
            throw new InvalidParameterException("S3ExportConfiguration.Bucket", $"Invalid bucket name: {request.Bucket} (3-63 lowercase letters, digits and single hyphens)");
        }

        if (request.Prefix is null || request.Prefix.Length > MaxPrefixLength)
        {
            throw new InvalidParameterException("S3ExportConfiguration.Prefix", $"Prefix must be at most {MaxPrefixLength} characters");
        }

        if (request.EncryptionType is not ("SSE_KMS" or "SSE_S3" or "NO_ENCRYPTION"))
        {
            throw new InvalidParameterException("S3ExportConfiguration.EncryptionConfiguration.ObjectEncryptionType", $"Invalid ObjectEncryptionType: {request.EncryptionType}");
        }

        if (request.EncryptionType is "SSE_KMS" && string.IsNullOrWhiteSpace(request.KmsKeyArn))
        {
            throw new InvalidParameterException("S3ExportConfiguration.EncryptionConfiguration.KmsKeyArn", "KmsKeyArn is required for SSE_KMS");
        }

        if (request.ExclusiveEndTime > now)
        {
            throw new InvalidParameterException("ExclusiveEndTime", "ExclusiveEndTime must be less than or equal to the current time");
        }

        if (request.InclusiveStartTime >= request.ExclusiveEndTime)
        {
            throw new InvalidParameterException("InclusiveStartTime", "InclusiveStartTime must be earlier than ExclusiveEndTime");
        }
    }

    private static void CheckPageSize(int maxResults)
    {
        if (maxResults is < 1 or > 100)
        {
            throw new InvalidParameterException("MaxResults", "MaxResults must be between 1 and 100");
        }
    }

    private static JournalExportPage Page(List<JournalExportRecord> all, int maxResults, string? nextToken)
    {
        var start = 0;
        if (nextToken is not null)
        {
            var after = DecodeToken(nextToken);
            start = all.FindIndex(e => $"{e.LedgerName}/{e.ExportId}" == after) + 1;
            if (start == 0)
            {
                throw new InvalidParameterException("NextToken", "The NextToken is not valid");
            }
        }

        var page = all.Skip(start).Take(maxResults).ToList();
        var more = start + page.Count < all.Count;
        return new JournalExportPage(page, more ? EncodeToken($"{page[^1].LedgerName}/{page[^1].ExportId}") : null);
    }

    private static string EncodeToken(string position) => Convert.ToBase64String(Encoding.UTF8.GetBytes(position));

    private static string DecodeToken(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw new InvalidParameterException("NextToken", "The NextToken is not valid");
        }
    }

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerName();
}
