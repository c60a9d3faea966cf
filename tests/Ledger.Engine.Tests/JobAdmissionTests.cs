using Ledger.Engine.Errors;
using Ledger.Engine.Exports;
using Ledger.Engine.InMemory;
using Ledger.Engine.Ports;
using Ledger.Engine.Streams;

namespace Ledger.Engine.Tests;

/// <summary>
/// Simultaneous export or stream creations on one ledger: exactly the limit succeed, the rest are
/// LimitExceededException. The stores answer List slowly, so without admission under one gate every request would
/// count the same number of live jobs and pass.
/// </summary>
public sealed class JobAdmissionTests
{
    private const int Requests = 12;

    [Fact]
    public async Task Parallel_export_requests_admit_exactly_the_limit()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var exports = new JournalExports(new SlowExportStore(), fixture.Ports, fixture.Clock);
        var now = fixture.Clock.GetUtcNow();
        var request = new ExportRequest(fixture.LedgerName, now.AddHours(-1), now, "exports", "journal/");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Requests).Select(_ => Task.Run(() => OutcomeAsync(() => exports.ExportAsync(request)))));

        Assert.Equal(JournalExports.MaxActiveExportsPerLedger, outcomes.Count(o => o is null));
        Assert.All(outcomes.Where(o => o is not null), o => Assert.IsType<LimitExceededException>(o));
        Assert.Equal(JournalExports.MaxActiveExportsPerLedger, (await exports.ListForLedgerAsync(fixture.LedgerName)).Exports.Count);
    }

    [Fact]
    public async Task Parallel_stream_requests_admit_exactly_the_limit()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var streams = new JournalStreams(new SlowStreamStore(), fixture.Ports, fixture.Clock);
        var request = new StreamRequest(
            fixture.LedgerName, "my-stream", id => $"arn:aws:qldb:us-east-1:000000000000:stream/{fixture.LedgerName}/{id}",
            "arn:aws:iam::000000000000:role/stream", fixture.Clock.GetUtcNow().AddMinutes(-1), null,
            "arn:aws:kinesis:us-east-1:000000000000:stream/ledger-blocks", true);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Requests).Select(_ => Task.Run(() => OutcomeAsync(() => streams.CreateAsync(request)))));

        Assert.Equal(JournalStreams.MaxActiveStreamsPerLedger, outcomes.Count(o => o is null));
        Assert.All(outcomes.Where(o => o is not null), o => Assert.IsType<LimitExceededException>(o));
        Assert.Equal(JournalStreams.MaxActiveStreamsPerLedger, (await streams.ListAsync(fixture.LedgerName)).Streams.Count);
    }

    [Fact]
    public async Task Ledger_checks_come_first_and_a_request_error_admits_nothing()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var exports = new JournalExports(new SlowExportStore(), fixture.Ports, fixture.Clock);
        var now = fixture.Clock.GetUtcNow();

        await Assert.ThrowsAsync<ResourceNotFoundException>(() => exports.ExportAsync(new ExportRequest("no-such-ledger", now, now.AddHours(1), "exports", "p/")));
        await Assert.ThrowsAsync<InvalidParameterException>(() => exports.ExportAsync(new ExportRequest(fixture.LedgerName, now, now.AddHours(1), "exports", "p/")));
        Assert.Empty((await exports.ListForLedgerAsync(fixture.LedgerName)).Exports);
    }

    [Fact]
    public async Task Two_instances_that_insert_past_the_limit_at_the_same_moment_withdraw_and_never_exceed_it()
    {
        await using var fixture = await EngineFixture.CreateAsync();
        var store = new SimultaneousExportStore();
        var now = fixture.Clock.GetUtcNow();
        var request = new ExportRequest(fixture.LedgerName, now.AddHours(-1), now, "exports", "journal/");
        var first = new JournalExports(store, fixture.Ports, fixture.Clock);
        var second = new JournalExports(store, fixture.Ports, fixture.Clock);
        for (var i = 1; i < JournalExports.MaxActiveExportsPerLedger; i++)
        {
            await first.ExportAsync(request);
        }

        // Both instances count one free place, then both insert before either counts again.
        store.HoldUntil(2);
        var outcomes = await Task.WhenAll(
            Task.Run(() => OutcomeAsync(() => first.ExportAsync(request))),
            Task.Run(() => OutcomeAsync(() => second.ExportAsync(request))));

        // The first to count again saw one over the limit and withdrew; the second stays only if it counted after
        // that withdrawal. Either way the limit holds, and every withdrawn export ended as cancelled.
        var refused = outcomes.Count(o => o is not null);
        Assert.InRange(refused, 1, 2);
        Assert.All(outcomes.Where(o => o is not null), o => Assert.IsType<LimitExceededException>(o));
        var exports = (await first.ListForLedgerAsync(fixture.LedgerName)).Exports;
        Assert.Equal(JournalExports.MaxActiveExportsPerLedger + 1 - refused, exports.Count(e => e.Status is JournalExportStatus.InProgress));
        Assert.Equal(refused, exports.Count(e => e.Status is JournalExportStatus.Cancelled));

        // A place left free by a double refusal is taken by the next request; then the limit refuses.
        if (refused == 2)
        {
            Assert.Equal(JournalExportStatus.InProgress, (await second.ExportAsync(request)).Status);
        }

        await Assert.ThrowsAsync<LimitExceededException>(() => first.ExportAsync(request));
    }

    private static async Task<Exception?> OutcomeAsync<T>(Func<Task<T>> create)
    {
        try
        {
            await create();
            return null;
        }
        catch (LedgerException refused)
        {
            return refused;
        }
    }

    private sealed class SlowExportStore : IJournalExportStore
    {
        private readonly InMemoryJournalExportStore _inner = new();

        public ValueTask<bool> TryCreateAsync(JournalExportRecord export, CancellationToken cancellationToken = default) => _inner.TryCreateAsync(export, cancellationToken);

        public ValueTask<JournalExportRecord?> GetAsync(string ledgerName, string exportId, CancellationToken cancellationToken = default) => _inner.GetAsync(ledgerName, exportId, cancellationToken);

        public async ValueTask<IReadOnlyList<JournalExportRecord>> ListAsync(string ledgerName, CancellationToken cancellationToken = default)
        {
            var listed = await _inner.ListAsync(ledgerName, cancellationToken);
            await Task.Delay(20, cancellationToken);
            return listed;
        }

        public ValueTask<bool> TryUpdateAsync(JournalExportRecord export, CancellationToken cancellationToken = default) => _inner.TryUpdateAsync(export, cancellationToken);
    }

    // Makes creations on several instances simultaneous: the next counts wait until all of them counted, and their
    // inserts wait until all of them inserted, so every one counts before any inserts and inserts before any
    // counts again.
    private sealed class SimultaneousExportStore : IJournalExportStore
    {
        private readonly InMemoryJournalExportStore _inner = new();
        private Barrier? _counts;
        private Barrier? _inserts;

        public void HoldUntil(int creations) => (_counts, _inserts) = (new Barrier(creations), new Barrier(creations));

        public async ValueTask<bool> TryCreateAsync(JournalExportRecord export, CancellationToken cancellationToken = default)
        {
            var created = await _inner.TryCreateAsync(export, cancellationToken);
            await Barrier.PassAsync(ref _inserts);
            return created;
        }

        public ValueTask<JournalExportRecord?> GetAsync(string ledgerName, string exportId, CancellationToken cancellationToken = default) => _inner.GetAsync(ledgerName, exportId, cancellationToken);

        public async ValueTask<IReadOnlyList<JournalExportRecord>> ListAsync(string ledgerName, CancellationToken cancellationToken = default)
        {
            var listed = await _inner.ListAsync(ledgerName, cancellationToken);
            await Barrier.PassAsync(ref _counts);
            return listed;
        }

        public ValueTask<bool> TryUpdateAsync(JournalExportRecord export, CancellationToken cancellationToken = default) => _inner.TryUpdateAsync(export, cancellationToken);

        // Holds callers until `count` arrived, once; later callers pass.
        private sealed class Barrier(int count)
        {
            private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
            private int _arrived;

            public static Task PassAsync(ref Barrier? slot)
            {
                if (Volatile.Read(ref slot) is not { } barrier)
                {
                    return Task.CompletedTask;
                }

                if (Interlocked.Increment(ref barrier._arrived) == barrier.Count)
                {
                    Volatile.Write(ref slot, null);
                    barrier._all.TrySetResult();
                }

                return barrier._all.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }

            private int Count => count;
        }
    }

    private sealed class SlowStreamStore : IJournalStreamStore
    {
        private readonly InMemoryJournalStreamStore _inner = new();

        public ValueTask<bool> TryCreateAsync(JournalStreamRecord stream, CancellationToken cancellationToken = default) => _inner.TryCreateAsync(stream, cancellationToken);

        public ValueTask<JournalStreamRecord?> GetAsync(string ledgerName, string streamId, CancellationToken cancellationToken = default) => _inner.GetAsync(ledgerName, streamId, cancellationToken);

        public async ValueTask<IReadOnlyList<JournalStreamRecord>> ListAsync(string ledgerName, CancellationToken cancellationToken = default)
        {
            var listed = await _inner.ListAsync(ledgerName, cancellationToken);
            await Task.Delay(20, cancellationToken);
            return listed;
        }

        public ValueTask<bool> TryUpdateAsync(JournalStreamRecord stream, CancellationToken cancellationToken = default) => _inner.TryUpdateAsync(stream, cancellationToken);
    }
}
