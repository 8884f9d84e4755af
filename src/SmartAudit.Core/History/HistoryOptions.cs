using System.ComponentModel.DataAnnotations;

namespace SmartAudit.Core.History;

/// <summary>How much of each patient's history is kept (section <c>History</c>). Bounds keep memory flat.</summary>
public sealed class HistoryOptions
{
    public const string SectionName = "History";

    /// <summary>Days of history kept, counted back from the newest entry's date. Default 366: a year covers every period limit the shipped rules use.</summary>
    [Range(1, 3660)]
    public int RetentionDays { get; set; } = 366;

    /// <summary>Encounters kept per patient, newest first. Default 200.</summary>
    [Range(1, 100_000)]
    public int MaxEncounters { get; set; } = 200;

    /// <summary>Lines kept per patient, newest first. Default 2000.</summary>
    [Range(1, 1_000_000)]
    public int MaxLines { get; set; } = 2000;
}
