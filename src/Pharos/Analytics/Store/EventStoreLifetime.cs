using Microsoft.Extensions.Options;

namespace Pharos.Analytics.Store;

/// <summary>
/// Opens the event store before anything writes to it and closes it last: registered before the ingest queue, so
/// it stops after the queue has committed what it accepted. Between, it runs the store's upkeep on a timer.
/// </summary>
internal sealed class EventStoreLifetime(IEventStore store, TimeProvider time, ILogger<EventStoreLifetime> log) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(30);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try { await store.MaintainAsync(time.GetUtcNow(), stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning(e, "Event store upkeep failed; it runs again in {Every}", Every); }
            }
        }
        catch (OperationCanceledException) { /* stopping */ }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await store.DisposeAsync();
    }
}
