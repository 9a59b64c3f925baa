using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Data;
using Pharos.Platform.Mail;

namespace Pharos.Platform.Notifications;

/// <summary>
/// Sends what the outbox holds, oldest first, retrying failures with growing back-off (1, 2, 4 … 60 minutes, 12
/// attempts). A mail is marked sent only after the transport accepted it, so a crash means a resend, never a loss.
/// </summary>
internal sealed partial class OutboxDelivery(IServiceScopeFactory scopes, MailTransport transport, TimeProvider time, ILogger<OutboxDelivery> log) : BackgroundService
{
    internal const int MaxAttempts = 12;
    private const int Batch = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), time);
        do
        {
            try { await DeliverDueAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { LogFailed(e); }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PharosDb>();
        var now = time.GetUtcNow();
        var due = await db.Set<OutboxMail>().Where(m => m.SentAt == null && m.Attempts < MaxAttempts && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt).Take(Batch).ToListAsync(ct);
        var sent = 0;
        foreach (var m in due)
        {
            m.Attempts++;
            try
            {
                await transport.SendAsync(new OutgoingMail(m.To, m.ToName, m.Subject, m.TextBody, m.HtmlBody) { MessageId = $"{m.Id}@pharos" }, ct);
                m.SentAt = time.GetUtcNow();
                m.LastError = null;
                sent++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                m.LastError = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
                m.NextAttemptAt = time.GetUtcNow().AddMinutes(Math.Min(60, Math.Pow(2, m.Attempts - 1)));
                LogRetry(m.Id, m.Attempts);
            }
            // Saved per mail: a crash after a send loses at most the mark of that one mail (it is sent again).
            await db.SaveChangesAsync(ct);
        }
        return sent;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail {MailId} failed (attempt {Attempt}); will retry")]
    private partial void LogRetry(Guid mailId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox delivery failed")]
    private partial void LogFailed(Exception e);
}
