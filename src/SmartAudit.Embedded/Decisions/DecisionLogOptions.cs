using System.ComponentModel.DataAnnotations;

namespace SmartAudit.Embedded.Decisions;

/// <summary>
/// The embedded decision log (section <c>DecisionLog</c>): one JSON line per decision or feedback, appended to a
/// local file. What it promises on a crash is in <c>docs/reliability.md</c> ("Durability of the decision logs").
/// </summary>
public sealed class DecisionLogOptions
{
    public const string SectionName = "DecisionLog";

    /// <summary>
    /// File the records are appended to. Default: <c>var/decisions.jsonl</c> under the working directory. Records the
    /// writer could not serialize or write, and a torn last line found at start-up, go to
    /// <c>&lt;name&gt;.deadletter.jsonl</c> beside it. Both are created readable by the service account only (0600).
    /// </summary>
    [Required]
    public string Path { get; set; } = "var/decisions.jsonl";

    /// <summary>
    /// Whether an answer waits until its decision is written to the file (group commit: one write for every
    /// decision that arrived meanwhile). Default true: a killed process then loses no answered decision; a power
    /// loss can still lose what the fsync policy has not synced. False answers at once and writes within
    /// <see cref="FlushInterval"/>, so a kill can lose the decisions of the last few milliseconds.
    /// </summary>
    public bool WriteBeforeAnswer { get; set; } = true;

    /// <summary>Records held in memory waiting for the writer. Default 65,536. Past it, writes go straight to the file.</summary>
    [Range(16, 10_000_000)]
    public int QueueCapacity { get; set; } = 65_536;

    /// <summary>
    /// Longest a written record stays in the process's own buffer before it is handed to the operating system
    /// (where it survives the process being killed). Default 10 ms. The writer gathers a batch for at most this
    /// long (2 ms when shorter), and while it works through a backlog it flushes at least this often.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// When the file is forced to the disk (fsync), which is what survives a power cut or a kernel crash.
    /// Default <see cref="DecisionLogFsyncPolicy.Interval"/>: at most <see cref="FsyncInterval"/> after a batch was written.
    /// </summary>
    public DecisionLogFsyncPolicy FsyncPolicy { get; set; } = DecisionLogFsyncPolicy.Interval;

    /// <summary>With <see cref="DecisionLogFsyncPolicy.Interval"/>, the longest written records wait for an fsync. Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan FsyncInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>When the embedded decision log forces its file to the disk.</summary>
public enum DecisionLogFsyncPolicy
{
    /// <summary>Never: the operating system writes the file back when it likes (usually within 30 s on Linux).</summary>
    None = 0,

    /// <summary>At most <see cref="DecisionLogOptions.FsyncInterval"/> after a batch was written, off the writer's path.</summary>
    Interval = 1,

    /// <summary>After every batch, before the next one is written: the safest and the slowest.</summary>
    EveryBatch = 2,
}
