using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pharos.Service.Sla;

namespace Pharos.Service.Calendars;

/// <summary>A named business calendar that SLA policies refer to ("上海工作日", "7×24").</summary>
public sealed class ServiceCalendar
{
    public const int NameMax = 100;
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public required BusinessCalendar Calendar { get; set; }
    /// <summary>Used by policies that name no calendar, and by previews that give none.</summary>
    public bool IsDefault { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class ServiceCalendarConfiguration : IEntityTypeConfiguration<ServiceCalendar>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public void Configure(EntityTypeBuilder<ServiceCalendar> b)
    {
        b.Property(c => c.Name).HasMaxLength(ServiceCalendar.NameMax);
        b.HasIndex(c => c.Name).IsUnique();
        // The calendar is one value (periods, holidays, make-up days) read and written whole: a JSON document.
        b.Property(c => c.Calendar).HasConversion(
            v => JsonSerializer.Serialize(v, Json),
            s => JsonSerializer.Deserialize<BusinessCalendar>(s, Json)!,
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<BusinessCalendar>(
                (a, c) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(c, Json),
                v => JsonSerializer.Serialize(v, Json).GetHashCode(StringComparison.Ordinal),
                v => JsonSerializer.Deserialize<BusinessCalendar>(JsonSerializer.Serialize(v, Json), Json)!));
    }
}
