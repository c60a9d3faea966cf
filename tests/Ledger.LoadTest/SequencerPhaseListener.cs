using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Ledger.Engine.Sequencing;

/// <summary>Sums the sequencer's phase durations and group sizes (<see cref="SequencerMetrics"/>) during a run.</summary>
internal sealed class SequencerPhaseListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, Totals> _phases = new(StringComparer.Ordinal);
    private long _groups;
    private long _blocks;

    public SequencerPhaseListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SequencerMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, milliseconds, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "phase" && tag.Value is string phase)
                {
                    _phases.GetOrAdd(phase, _ => new Totals()).Add(milliseconds);
                }
            }
        });
        _listener.SetMeasurementEventCallback<int>((_, blocks, _, _) =>
        {
            Interlocked.Increment(ref _groups);
            Interlocked.Add(ref _blocks, blocks);
        });
        _listener.Start();
    }

    public void Reset()
    {
        _phases.Clear();
        Interlocked.Exchange(ref _groups, 0);
        Interlocked.Exchange(ref _blocks, 0);
    }

    public void Report(TimeSpan elapsed)
    {
        var groups = Interlocked.Read(ref _groups);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  sequencer: {groups} groups, {(double)Interlocked.Read(ref _blocks) / Math.Max(1, groups):F1} blocks per group"));
        foreach (var (phase, totals) in _phases.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {phase,-12} {totals.Count,7} times, mean {totals.Milliseconds / Math.Max(1, totals.Count),7:F2} ms, busy {100 * totals.Milliseconds / elapsed.TotalMilliseconds,5:F1}% of the run"));
        }
    }

    public void Dispose() => _listener.Dispose();

    private sealed class Totals
    {
        private readonly Lock _gate = new();

        public long Count { get; private set; }

        public double Milliseconds { get; private set; }

        public void Add(double milliseconds)
        {
            lock (_gate)
            {
                Count++;
                Milliseconds += milliseconds;
            }
        }
    }
}
