using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pharos.Platform.Data;

/// <summary>A module's settings document, kept as JSON under a key: one row per settings object.</summary>
public sealed class Setting
{
    public required string Key { get; init; }
    public required string Json { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class SettingConfiguration : IEntityTypeConfiguration<Setting>
{
    public void Configure(EntityTypeBuilder<Setting> b)
    {
        b.HasKey(s => s.Key);
        b.Property(s => s.Key).HasMaxLength(100);
    }
}

public static class SettingsExtensions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static async Task<T> GetSettingAsync<T>(this PharosDb db, string key, CancellationToken ct = default) where T : new()
    {
        var row = await db.Set<Setting>().AsNoTracking().FirstOrDefaultAsync(s => s.Key == key, ct);
        return row is null ? new T() : JsonSerializer.Deserialize<T>(row.Json, Json) ?? new T();
    }

    public static async Task SetSettingAsync<T>(this PharosDb db, string key, T value, DateTimeOffset now, CancellationToken ct = default)
    {
        var json = JsonSerializer.Serialize(value, Json);
        var row = await db.Set<Setting>().FirstOrDefaultAsync(s => s.Key == key, ct);
        if (row is null) db.Add(new Setting { Key = key, Json = json, UpdatedAt = now });
        else { row.Json = json; row.UpdatedAt = now; }
    }
}
