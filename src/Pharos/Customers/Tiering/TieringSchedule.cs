using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Pharos.Platform.Audit;

namespace Pharos.Customers.Tiering;

public sealed class TieringScheduleOptions
{
    public const string Section = "Pharos:Customers:Tiering";
    /// <summary>How often every tier is recomputed even if no input changed (revenue drifts, rules may be edited elsewhere).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")] public TimeSpan RecomputeEvery { get; set; } = TimeSpan.FromHours(6);
}

/// <summary>Recomputes tiers on a schedule. Each tick is idempotent: it brings tiers to what the rules say, nothing more.</summary>
internal sealed partial class TieringSchedule(IServiceScopeFactory scopes, IOptions<TieringScheduleOptions> options, TimeProvider time, ILogger<TieringSchedule> log) : BackgroundService
{
    private const long LockKey = 0x5048_0001; // "PH" + 1: the tier recompute
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RecomputeEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<Platform.Data.PharosDb>();
                await using var tx = await db.Database.BeginTransactionAsync(stoppingToken);
                if (!await Platform.Jobs.ClusterLock.TryAcquireAsync(db, LockKey, stoppingToken)) continue; // another instance is on it
                var changed = await scope.ServiceProvider.GetRequiredService<Retier>().RunAsync(Actor.System, stoppingToken);
                await tx.CommitAsync(stoppingToken);
                LogRecomputed(changed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled tier recompute: {Changed} accounts changed tier")]
    private partial void LogRecomputed(int changed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled tier recompute failed")]
    private partial void LogFailed(Exception e);
}
