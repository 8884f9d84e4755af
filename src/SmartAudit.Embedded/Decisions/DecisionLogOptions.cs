using System.ComponentModel.DataAnnotations;

namespace SmartAudit.Embedded.Decisions;

/// <summary>The embedded decision log: one JSON line per decision or feedback, appended to a local file.</summary>
public sealed class DecisionLogOptions
{
    public const string SectionName = "DecisionLog";

    /// <summary>File the records are appended to. Default: <c>var/decisions.jsonl</c> under the working directory.</summary>
    [Required]
    public string Path { get; set; } = "var/decisions.jsonl";

    /// <summary>Records held in memory waiting for the writer. Default 65,536. Past it, writes go straight to the file.</summary>
    [Range(16, 10_000_000)]
    public int QueueCapacity { get; set; } = 65_536;
}
