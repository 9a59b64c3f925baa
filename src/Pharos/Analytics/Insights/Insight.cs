using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pharos.Analytics.Insights;

public enum InsightKind { Trend, Funnel, Retention, Path, Website }

/// <summary>
/// A saved question (a trend, a funnel, …) with its query, so it can be run again with fresh data. Pinned to a team
/// (a staff role), it appears on that team's dashboard.
/// </summary>
public sealed class Insight
{
    public const int NameMax = 120;
    public const int DefinitionMax = 20_000;
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public InsightKind Kind { get; init; }
    /// <summary>The query as the API takes it (JSON of the kind's request).</summary>
    public required string Definition { get; set; }
    /// <summary>The team (staff role) whose dashboard shows it; null: only in the list of saved insights.</summary>
    public string? Team { get; set; }
    public int Position { get; set; }
    public Guid? CreatedById { get; init; }
    public required string CreatedByName { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class InsightConfiguration : IEntityTypeConfiguration<Insight>
{
    public void Configure(EntityTypeBuilder<Insight> b)
    {
        b.ToTable("Insights");
        b.Property(i => i.Name).HasMaxLength(Insight.NameMax);
        b.Property(i => i.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(i => i.Definition).HasMaxLength(Insight.DefinitionMax);
        b.Property(i => i.Team).HasMaxLength(40);
        b.Property(i => i.CreatedByName).HasMaxLength(256);
        b.HasIndex(i => new { i.Team, i.Position });
    }
}
