using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Identity;

namespace Pharos.Platform.Data;

/// <summary>
/// The one DbContext. Each provider has a subclass only so that its migrations can live apart
/// (EF binds a migration to a context type); the model itself is identical.
/// </summary>
public abstract class PharosDb(DbContextOptions options)
    : IdentityDbContext<PharosUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>Cookie and antiforgery keys, shared by every instance and kept across restarts.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PharosDb).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<decimal>().HavePrecision(18, 2);
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }
}

public sealed class SqlitePharosDb(DbContextOptions<SqlitePharosDb> options) : PharosDb(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite cannot order or compare DateTimeOffset natively; store UTC ticks so ORDER BY and range filters run in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter>();
        // SQLite has no decimal type and EF refuses to ORDER BY or SUM one stored as text: keep money as exact minor units (cents).
        configurationBuilder.Properties<decimal>().HaveConversion<MinorUnitsConverter>();
    }
}

public sealed class PostgresPharosDb(DbContextOptions<PostgresPharosDb> options) : PharosDb(options);

internal sealed class MinorUnitsConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<decimal, long>(
    d => (long)decimal.Round(d * 100m, MidpointRounding.AwayFromZero), l => l / 100m);
