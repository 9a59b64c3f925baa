using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pharos.Knowledge.Articles;

public enum ArticleStatus { Draft, Published }

/// <summary>
/// A knowledge-base article. Today only FAQ drafts exist, made from clusters of repeated questions; editing and
/// publishing arrive with the knowledge module.
/// </summary>
public sealed class Article
{
    public const int TitleMax = 200;
    public const int BodyMax = 20_000;
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Title { get; set; }
    public required string Body { get; set; }
    public ArticleStatus Status { get; set; } = ArticleStatus.Draft;
    /// <summary>The tickets whose question the article answers, so nobody drafts the same FAQ twice.</summary>
    public List<Guid> SourceTicketIds { get; set; } = [];
    public Guid? CreatedById { get; init; }
    public string CreatedByName { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class ArticleConfiguration : IEntityTypeConfiguration<Article>
{
    public void Configure(EntityTypeBuilder<Article> b)
    {
        b.Property(a => a.Title).HasMaxLength(Article.TitleMax);
        b.Property(a => a.Body).HasMaxLength(Article.BodyMax);
        b.Property(a => a.CreatedByName).HasMaxLength(200);
        b.Property(a => a.SourceTicketIds).HasConversion(
            v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
            s => JsonSerializer.Deserialize<List<Guid>>(s, (JsonSerializerOptions?)null) ?? new List<Guid>(),
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<List<Guid>>((a, c) => a!.SequenceEqual(c!), v => v.Count, v => v.ToList()));
        b.HasIndex(a => a.CreatedAt);
    }
}
