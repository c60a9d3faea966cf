using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ledger.Engine.Sequencing;

/// <summary>
/// What the sequencer spends its time on, as <see cref="System.Diagnostics.Metrics"/> instruments (meter
/// <see cref="MeterName"/>): the duration of each phase of a group commit, tagged <c>phase</c>, and the size of each
/// appended group. A <see cref="MeterListener"/> (the load tool) or OpenTelemetry reads them; unobserved they cost
/// a check per phase.
/// </summary>
public static class SequencerMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ledger.Engine.Sequencer";

    /// <summary>Validating read sets and building the blocks of a group.</summary>
    public const string BuildPhase = "build";

    /// <summary>The journal append (one insert-if-absent batch).</summary>
    public const string AppendPhase = "append";

    /// <summary>Storing the completed journal-tree nodes.</summary>
    public const string NodesPhase = "nodes";

    /// <summary>Applying the group's blocks to the views.</summary>
    public const string ViewsPhase = "views";

    /// <summary>Advancing the views' watermark (waits for the view writes).</summary>
    public const string WatermarkPhase = "watermark";

    /// <summary>Learning blocks another instance appended after a lost slot.</summary>
    public const string CatchUpPhase = "catch-up";

    /// <summary>Hand-over, forwarder: writing the inbox entry.</summary>
    public const string HandoffEnqueuePhase = "ho.enqueue";

    /// <summary>Hand-over, forwarder: from the entry written to its answer received (all of the holder's work included).</summary>
    public const string HandoffWaitPhase = "ho.wait";

    /// <summary>Hand-over, forwarder: one answer poll (the query listing this instance's answers).</summary>
    public const string HandoffAnswerPollPhase = "ho.answers";

    /// <summary>Hand-over, holder: one inbox poll (the query listing pending entries).</summary>
    public const string HandoffInboxPollPhase = "ho.inbox";

    /// <summary>Hand-over, holder: rebuilding a forwarded transaction by re-executing its statements.</summary>
    public const string HandoffRebuildPhase = "ho.rebuild";

    /// <summary>Hand-over, holder: a forwarded transaction queued in the sequencer until committed.</summary>
    public const string HandoffSequencePhase = "ho.sequence";

    /// <summary>Hand-over, holder: writing a forwarded transaction's outcome.</summary>
    public const string HandoffOutcomePhase = "ho.outcome";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> PhaseDuration = Meter.CreateHistogram<double>(
        "ledger.sequencer.phase.duration", "ms", "Time one phase of a group commit took.");

    private static readonly Histogram<int> GroupSize = Meter.CreateHistogram<int>(
        "ledger.sequencer.group.blocks", "{block}", "Blocks appended by one group commit.");

    /// <summary>Records that <paramref name="phase"/> took the time since <paramref name="startedTimestamp"/>.</summary>
    internal static void RecordPhase(string phase, long startedTimestamp)
    {
        if (PhaseDuration.Enabled)
        {
            PhaseDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds, new KeyValuePair<string, object?>("phase", phase));
        }
    }

    /// <summary>Records one appended group of <paramref name="blocks"/> blocks.</summary>
    internal static void RecordGroup(int blocks) => GroupSize.Record(blocks);
}
