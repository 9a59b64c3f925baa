using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;

namespace Pharos.Customers.ImportExport;

/// <summary>
/// Runs confirmed imports one at a time in the background so a 100k-row file neither blocks a request nor
/// outlives it. Jobs are rows in the database: a job cut short by a crash is queued again on start (its
/// transaction never committed, so it starts from nothing).
/// </summary>
public sealed partial class ImportJobs(IServiceScopeFactory scopes, IDbContextFactory<PharosDb> dbs, TimeProvider time, ILogger<ImportJobs> log) : BackgroundService
{
    private readonly Channel<Guid> _queue = Channel.CreateUnbounded<Guid>();
    private readonly ConcurrentDictionary<Guid, int> _progress = new();

    /// <summary>
    /// The report with the live progress of an import running in this process. On SQLite the progress is only kept
    /// here: the import's open transaction holds the one write lock, so writing progress to the job row would wait
    /// for that very transaction and fail after the busy timeout (which failed every SQLite import).
    /// </summary>
    public ImportReport WithProgress(ImportReport report) =>
        report.State == ImportState.Running && _progress.TryGetValue(report.Id, out var done) ? report with { Processed = done } : report;

    public async Task<ImportReport> ConfirmAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var job = await db.Set<ImportJob>().FirstOrDefaultAsync(j => j.Id == id, ct) ?? throw new Platform.Problems.NotFound("Import");
        if (job.State != ImportState.Checked)
            throw new Platform.Problems.RuleViolation(job.State == ImportState.Rejected
                ? "This file has bad rows; fix them and upload it again. Nothing was written."
                : $"This import is already {job.State.ToString().ToLowerInvariant()}.");
        job.State = ImportState.Queued;
        job.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await _queue.Writer.WriteAsync(id, ct);
        return ImportReport.Of(job);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await RequeueInterruptedAsync(stoppingToken);
        await foreach (var id in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            await RunOneAsync(id, stoppingToken);
        }
    }

    private async Task RequeueInterruptedAsync(CancellationToken ct)
    {
        try
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var pending = await db.Set<ImportJob>().Where(j => j.State == ImportState.Queued || j.State == ImportState.Running).OrderBy(j => j.CreatedAt).ToListAsync(ct);
            foreach (var j in pending)
            {
                j.State = ImportState.Queued;
                j.Processed = 0;
                await _queue.Writer.WriteAsync(j.Id, ct);
            }
            await db.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Before migrations ran (a fresh database) there is nothing to requeue.
            LogRequeueFailed(e);
        }
    }

    private async Task RunOneAsync(Guid id, CancellationToken ct)
    {
        await using var statusDb = await dbs.CreateDbContextAsync(ct);
        var job = await statusDb.Set<ImportJob>().FirstOrDefaultAsync(j => j.Id == id, ct);
        if (job is null || job.State != ImportState.Queued) return;
        job.State = ImportState.Running;
        job.UpdatedAt = time.GetUtcNow();
        await statusDb.SaveChangesAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var importer = scope.ServiceProvider.GetRequiredService<AccountImporter>();
            var progressInDatabase = !statusDb.Database.IsSqlite();
            await importer.RunAsync(job, new Actor(job.CreatedById, job.CreatedBy), async done =>
            {
                _progress[id] = done;
                if (!progressInDatabase) return;
                job.Processed = done;
                job.UpdatedAt = time.GetUtcNow();
                await statusDb.SaveChangesAsync(ct);
            }, ct);
            job.State = ImportState.Done;
            job.Processed = job.Rows;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogImportFailed(e, id);
            job.State = ImportState.Failed;
            job.Processed = 0;
            job.Failure = e.Message.Length > 2000 ? e.Message[..2000] : e.Message;
        }
        job.UpdatedAt = time.GetUtcNow();
        try
        {
            await statusDb.SaveChangesAsync(CancellationToken.None);
        }
        finally
        {
            _progress.TryRemove(id, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {Id} failed; nothing was written")]
    private partial void LogImportFailed(Exception e, Guid id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not requeue interrupted imports")]
    private partial void LogRequeueFailed(Exception e);
}
