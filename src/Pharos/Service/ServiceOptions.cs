using System.ComponentModel.DataAnnotations;

namespace Pharos.Service;

public sealed class ServiceOptions
{
    public const string Section = "Pharos:Service";
    /// <summary>How close to a deadline a ticket counts as at risk and its assignee is warned.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")] public TimeSpan WarnBefore { get; set; } = TimeSpan.FromHours(1);
    /// <summary>How long after a breach operations managers are told, if the ticket is still overdue.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")] public TimeSpan EscalateAfter { get; set; } = TimeSpan.FromHours(1);
    /// <summary>A customer reply within this period reopens a resolved ticket; after it the ticket closes.</summary>
    [Range(1, 90)] public int ReopenDays { get; set; } = 7;
    /// <summary>How often the escalation check runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan CheckEvery { get; set; } = TimeSpan.FromMinutes(1);
    [Range(1, 100 * 1024 * 1024)] public long MaxAttachmentBytes { get; set; } = 10 * 1024 * 1024;
    [Range(1, 20)] public int MaxAttachmentsPerMessage { get; set; } = 5;
}
