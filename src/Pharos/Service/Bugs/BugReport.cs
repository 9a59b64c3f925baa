using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pharos.Service.Tickets;

namespace Pharos.Service.Bugs;

/// <summary>Where a production problem stands in DOMAIN.md's three steps: reproduce → classify → coordinate the fix.</summary>
public enum BugStage { Reproducing, Reproduced, Classified, InDevelopment, Fixed }

/// <summary>Why it broke, so repeat causes can be counted and cut (分类 is for finding them).</summary>
public enum RootCause { CodeDefect, Configuration, DataIssue, ThirdParty, Infrastructure, Usability, MissingRequirement }

/// <summary>
/// The bug side of a production-problem ticket (one per ticket). Development gets it only with reproduction details
/// and evidence, classified — so nobody hands over "it doesn't work".
/// </summary>
public sealed class BugReport
{
    public const int TextMax = 4000;
    public Guid TicketId { get; init; }
    public BugStage Stage { get; set; } = BugStage.Reproducing;
    public string? Steps { get; set; }
    public string? Environment { get; set; }
    public string? Expected { get; set; }
    public string? Actual { get; set; }
    public DateTimeOffset? ReproducedAt { get; set; }
    public Guid? CategoryId { get; set; }
    public RootCause? RootCause { get; set; }
    public string? RootCauseNote { get; set; }
    public DateTimeOffset? ClassifiedAt { get; set; }
    public Guid? DevOwnerId { get; set; }
    public Guid? TestOwnerId { get; set; }
    /// <summary>The issue in the development team's tracker (Jira, GitLab, TAPD…).</summary>
    public string? ExternalLink { get; set; }
    public string? ExternalState { get; set; }
    public DateTimeOffset? HandedOverAt { get; set; }
    public DateTimeOffset? FixedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A node of the configurable category tree ("订单 › 导出").</summary>
public sealed class BugCategory
{
    public const int NameMax = 60;
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public Guid? ParentId { get; set; }
}

internal sealed class BugReportConfiguration : IEntityTypeConfiguration<BugReport>
{
    public void Configure(EntityTypeBuilder<BugReport> b)
    {
        b.HasKey(r => r.TicketId);
        b.HasOne<Ticket>().WithOne().HasForeignKey<BugReport>(r => r.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<BugCategory>().WithMany().HasForeignKey(r => r.CategoryId).OnDelete(DeleteBehavior.Restrict);
        foreach (var p in new[] { nameof(BugReport.Steps), nameof(BugReport.Environment), nameof(BugReport.Expected), nameof(BugReport.Actual), nameof(BugReport.RootCauseNote) })
            b.Property(p).HasMaxLength(BugReport.TextMax);
        b.Property(r => r.ExternalLink).HasMaxLength(500);
        b.Property(r => r.ExternalState).HasMaxLength(60);
        b.HasIndex(r => new { r.CategoryId, r.ClassifiedAt });
    }
}

internal sealed class BugCategoryConfiguration : IEntityTypeConfiguration<BugCategory>
{
    public void Configure(EntityTypeBuilder<BugCategory> b)
    {
        b.Property(c => c.Name).HasMaxLength(BugCategory.NameMax);
        b.HasOne<BugCategory>().WithMany().HasForeignKey(c => c.ParentId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(c => new { c.ParentId, c.Name }).IsUnique();
    }
}
