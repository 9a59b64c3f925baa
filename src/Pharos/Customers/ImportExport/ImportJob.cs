using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pharos.Customers.ImportExport;

public enum ImportKind { Accounts, Contacts }
public enum ImportState { Checked, Rejected, Queued, Running, Done, Failed }

/// <summary>
/// An uploaded file and what became of it. A file is first checked (dry run) and kept; only a file without a bad row
/// can be queued, and it is then written in one transaction, so an import is all or nothing.
/// </summary>
public sealed class ImportJob
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public ImportKind Kind { get; init; }
    public required string FileName { get; init; }
    public ImportState State { get; set; }
    public int Rows { get; set; }
    public int ToCreate { get; set; }
    public int ToUpdate { get; set; }
    public int ErrorCount { get; set; }
    /// <summary>JSON array of the first bad rows (row, field, reason).</summary>
    public string Errors { get; set; } = "[]";
    public int Processed { get; set; }
    public string? Failure { get; set; }
    public required string CreatedBy { get; init; }
    public Guid? CreatedById { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class ImportJobConfiguration : IEntityTypeConfiguration<ImportJob>
{
    public void Configure(EntityTypeBuilder<ImportJob> b)
    {
        b.Property(j => j.FileName).HasMaxLength(260);
        b.Property(j => j.CreatedBy).HasMaxLength(256);
        b.Property(j => j.Failure).HasMaxLength(2000);
        b.HasIndex(j => j.State);
    }
}
